#include "insights/engagement_mechanism.h"

#include <algorithm>
#include <cmath>

#include "rapport/insights/zcdp.h"

namespace rapport::insights {

std::vector<Measure> Measures(const ContributionBounds& b) {
  // Weights (docs/privacy.md, "Accounting"): the colleague count decides which rows are shown, so
  // it gets the most; the e-mail counts are the columns people read first; durations are
  // averages over many pieces and tolerate more noise.
  return {
      {"colleagues", 1, 0.35},
      {"NoOfContactsInvolved_Emails", 1, 0.05},
      {"NoOfContactsInvolved_Meetings", 1, 0.05},
      {"NoOfEmails_ToAccount", b.emails, 0.20},
      {"NoOfEmails_FromAccount", b.emails, 0.20},
      {"NoOfMeetings_ToAccount", b.meetings, 0.03},
      {"NoOfMeetings_FromAccount", b.meetings, 0.03},
      {"NoOfAccountContactsInvolved_Emails", b.contacts, 0.03},
      {"NoOfAccountContactsInvolved_Meetings", b.contacts, 0.02},
      {"pieces with meetings", 1, 0.01},
      {"meeting time (sum of pieces' means, 5 minutes)", b.meeting_minutes / kMeetingUnit, 0.01},
      {"pieces with replies", 1, 0.01},
      {"reply time (sum of pieces' means, hours)", b.reply_minutes / kReplyUnit, 0.01}};
}

Result<std::vector<Variance>> Calibrate(const ContributionBounds& bounds, double rho,
                                        int64_t rows_per_month) {
  std::vector<Variance> out;
  for (const Measure& m : Measures(bounds)) {
    const double b = static_cast<double>(m.bound);
    // The L2 sensitivity of the measure over the rows one colleague-month reaches.
    const double l2 = b * std::sqrt(static_cast<double>(rows_per_month));
    auto v = VarianceAtLeast(GaussianVariance(l2, m.weight * rho));
    if (!v.ok()) return v.status();
    out.push_back(*v);
  }
  return out;
}

int64_t SelectionThreshold(int k, const Variance& selection, int64_t rows_per_month, double delta) {
  const long double target = static_cast<long double>(delta) / rows_per_month;
  int64_t s = 1;
  // The tail halves at least every sigma^2 + 1 steps far out; a linear walk from a Gaussian
  // estimate keeps this short.
  const double sigma = std::sqrt(selection.value());
  s = std::max<int64_t>(1, static_cast<int64_t>(sigma * std::sqrt(2 * std::log(1 / delta))) - 2);
  while (s > 1 && DiscreteGaussianTail(selection.value(), s - 1) <= target) --s;
  while (DiscreteGaussianTail(selection.value(), s) > target) ++s;
  return k + s;
}

std::vector<int64_t> Values(const RowTotals& t) {
  return {t.colleagues,        t.email_colleagues, t.meeting_colleagues, t.emails_to,
          t.emails_from,       t.meetings_to,      t.meetings_from,      t.contacts_emails,
          t.contacts_meetings, t.meeting_pieces,   t.meeting_units,      t.reply_pieces,
          t.reply_units};
}

std::vector<int64_t> Noisy(const RowTotals& totals, const std::vector<Variance>& variances,
                           RandomSource& random) {
  std::vector<int64_t> values = Values(totals);
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] += SampleDiscreteGaussian(random, variances[i]);
  }
  return values;
}

}  // namespace rapport::insights
