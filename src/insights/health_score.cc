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

// Sets each factor's whole points so that they add up to round(100 * sum(w v) / weights), by
// largest remainder (ties to the earlier factor); returns that sum.
int SharePoints(std::vector<HealthFactor>& factors, double weights) {
  double exact_sum = 0;
  std::vector<double> exact;
  for (const auto& f : factors) {
    exact.push_back(100.0 * f.weight * f.value / weights);
    exact_sum += exact.back();
  }
  const int total = static_cast<int>(std::lround(exact_sum));
  int given = 0;
  for (size_t i = 0; i < factors.size(); ++i) {
    factors[i].points = static_cast<int>(std::floor(exact[i]));
    given += factors[i].points;
  }
  std::vector<size_t> order(factors.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return exact[a] - std::floor(exact[a]) > exact[b] - std::floor(exact[b]);
  });
  for (size_t k = 0; given < total && k < order.size(); ++k, ++given) ++factors[order[k]].points;
  return total;
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
  double weights = 0;
  for (const auto& f : h.factors) weights += f.weight;
  h.score = SharePoints(h.factors, weights);
  // One-way traffic is no relationship (SPEC §4.1): however busy, it is never better than Poor.
  if (h.factors[1].value == 0 && h.score >= settings.grade_fair) {
    h.adjustment = settings.grade_fair - 1 - h.score;
    h.adjustment_reason = "one-way traffic is no relationship: capped below Fair";
    h.score += h.adjustment;
  }
  h.grade = GradeFor(h.score, settings);
  return h;
}

}  // namespace rapport::insights
