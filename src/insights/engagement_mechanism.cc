#include "insights/engagement_mechanism.h"

#include <cmath>
#include <numeric>

namespace rapport::insights {
namespace {

constexpr unsigned __int128 kLimit = 1U << 31;

}  // namespace

Result<NoiseScale> ScaleFor(int64_t sensitivity, int64_t partitions, Rational epsilon_share) {
  // b = sensitivity * partitions * den / num, exactly; then, while it does not fit, a coarser
  // denominator with the numerator rounded up.
  // Every factor is small (sensitivity <= 4320, partitions <= 26000, den <= 44 * 10^6): the
  // product fits in 64 bits.
  uint64_t num =
      static_cast<uint64_t>(sensitivity) * static_cast<uint64_t>(partitions) * epsilon_share.den;
  uint64_t den = epsilon_share.num;
  const uint64_t g = std::gcd(num, den);
  num /= g;
  den /= g;
  unsigned __int128 d = den, n = num;
  while (n >= kLimit || d >= kLimit) {
    if (d == 1) {
      return Status::InvalidArgument(
          "epsilon is too small for this release: the noise would exceed 2^31 (raise --epsilon "
          "or use fewer periods)");
    }
    d = d / 2;
    n = (static_cast<unsigned __int128>(num) * d + den - 1) / den;
  }
  return NoiseScale{static_cast<uint64_t>(n), static_cast<uint64_t>(d)};
}

int64_t SelectionThreshold(int k, NoiseScale selection, int64_t partitions, double delta) {
  // P[X >= s] = e^(-s/b) / (1 + e^(-1/b)) for s >= 1: the least such s, solved in long double and
  // then checked step by step. The threshold is public; only the noise needs to be exact. The
  // target is shaded down by a part in 10^9 so that rounding can never make s too small.
  const long double b = static_cast<long double>(selection.num) / selection.den;
  const long double target = static_cast<long double>(delta) / partitions * (1 - 1e-9L);
  auto tail = [&](int64_t s) { return std::exp(-s / b) / (1 + std::exp(-1 / b)); };
  auto s = std::max<int64_t>(
      1, static_cast<int64_t>(std::floor(b * std::log(1 / (target * (1 + std::exp(-1 / b)))))));
  while (s > 1 && tail(s - 1) <= target) --s;
  while (tail(s) > target) ++s;
  return k + s;
}

std::vector<Measurement> Measurements(const ContributionBounds& b) {
  const Rational half{1, 2}, share{1, 22};
  return {{"contributors", 1, half},
          {"NoOfContactsInvolved_Emails", 1, share},
          {"NoOfContactsInvolved_Meetings", 1, share},
          {"NoOfEmails_ToAccount", b.emails, share},
          {"NoOfEmails_FromAccount", b.emails, share},
          {"NoOfMeetings_ToAccount", b.meetings, share},
          {"NoOfMeetings_FromAccount", b.meetings, share},
          {"NoOfAccountContactsInvolved_Emails", b.contacts, share},
          {"NoOfAccountContactsInvolved_Meetings", b.contacts, share},
          {"meeting minutes (sum of users' means)", b.meeting_minutes, share},
          {"users with replies", 1, share},
          {"reply minutes (sum of users' means)", b.reply_minutes, share}};
}

std::vector<int64_t> Values(const RowTotals& t) {
  return {t.users,       t.email_users,   t.meeting_users,   t.emails_to,         t.emails_from,
          t.meetings_to, t.meetings_from, t.contacts_emails, t.contacts_meetings, t.meeting_minutes,
          t.reply_users, t.reply_minutes};
}

std::vector<int64_t> Noisy(const RowTotals& totals, const std::vector<NoiseScale>& scales,
                           RandomSource& random) {
  std::vector<int64_t> values = Values(totals);
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] += SampleDiscreteLaplace(random, scales[i].num, scales[i].den);
  }
  return values;
}

}  // namespace rapport::insights
