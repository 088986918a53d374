#include "rapport/insights/health_score.h"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

namespace rapport::insights {
namespace {

HealthFactor Activity(const HealthInputs& in, const InsightSettings& s) {
  const double periods = static_cast<double>(in.days) / s.period_days;
  const double done = s.weight_email_sent * in.emails_by_us +
                      s.weight_email_received * in.emails_by_them + s.weight_meeting * in.meetings;
  const double expected = periods * (s.weight_email_sent + s.weight_email_received);
  return {
      "activity", std::min(1.0, done / expected), 40,
      fmt::format("{} e-mails by us, {} by them, {} meetings in {} days; {} expects one "
                  "e-mail each way",
                  in.emails_by_us, in.emails_by_them, in.meetings, in.days, s.expected_frequency)};
}

HealthFactor Reciprocity(const HealthInputs& in) {
  const int lo = std::min(in.emails_by_us, in.emails_by_them);
  const int hi = std::max(in.emails_by_us, in.emails_by_them);
  double value = hi > 0 ? static_cast<double>(lo) / hi : (in.meetings > 0 ? 1.0 : 0.0);
  std::string detail =
      hi == 0 ? (in.meetings > 0 ? "met, no e-mail" : "no contact either way")
      : lo == 0
          ? (in.emails_by_us == 0 ? "only they write: we never answer" : "only we write: no answer")
          : fmt::format("{} e-mails by us for {} by them", in.emails_by_us, in.emails_by_them);
  return {"reciprocity", value, 20, detail};
}

HealthFactor Responsiveness(const HealthInputs& in) {
  const double median = Median(in.response_hours);
  return {
      "responsiveness", 1.0 / (1.0 + median / 24.0), 20,
      fmt::format("median reply {:.1f} hours over {} replies", median, in.response_hours.size())};
}

HealthFactor Recency(const HealthInputs& in, const InsightSettings& s) {
  if (!in.last_interaction) return {"recency", 0, 20, "never in touch"};
  const double days = static_cast<double>(in.as_of - *in.last_interaction) / 86400.0;
  const double value = days <= s.period_days ? 1.0 : s.period_days / days;
  return {"recency", value, 20, fmt::format("last contact {:.0f} days ago", std::floor(days))};
}

}  // namespace

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string GradeFor(int score, const InsightSettings& s) {
  if (score >= s.grade_good) return "Good";
  if (score >= s.grade_fair) return "Fair";
  return "Poor";
}

HealthScore ComputeHealth(const HealthInputs& in, const InsightSettings& settings) {
  HealthScore h;
  h.factors.push_back(Activity(in, settings));
  h.factors.push_back(Reciprocity(in));
  if (!in.response_hours.empty()) h.factors.push_back(Responsiveness(in));
  h.factors.push_back(Recency(in, settings));
  double sum = 0, weights = 0;
  for (const auto& f : h.factors) {
    sum += f.weight * f.value;
    weights += f.weight;
  }
  h.score = static_cast<int>(std::lround(100.0 * sum / weights));
  // One-way traffic is no relationship (SPEC §4.1): however busy, it is never better than Poor.
  if (h.factors[1].value == 0) h.score = std::min(h.score, settings.grade_fair - 1);
  h.grade = GradeFor(h.score, settings);
  return h;
}

}  // namespace rapport::insights
