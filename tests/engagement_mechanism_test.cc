// The parts of account engagement that need no store (docs/privacy.md): periods, noise scales,
// the selection threshold, post-processing and the stored form of a release, each against values
// worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "insights/engagement_mechanism.h"
#include "insights/engagement_periods.h"
#include "insights/engagement_rows.h"
#include "seeded_random.h"

namespace rapport::insights {
namespace {

constexpr int64_t kDay = 86400;
// 2026-11-23 00:00 UTC, a Monday.
constexpr int64_t kMonday = 1795392000;

TEST(EngagementPeriods, WeeksStartOnMondayMonthsAndYearsOnTheFirst) {
  EXPECT_EQ(PeriodStart(PeriodLevel::kWeek, kMonday + 4 * kDay + 3600), kMonday);  // Friday
  EXPECT_EQ(PeriodStart(PeriodLevel::kWeek, kMonday - 1), kMonday - 7 * kDay);     // Sunday night
  EXPECT_EQ(PeriodStart(PeriodLevel::kMonth, kMonday), 1793491200);                // 2026-11-01
  EXPECT_EQ(NextPeriodStart(PeriodLevel::kMonth, 1793491200), 1796083200);         // 2026-12-01
  EXPECT_EQ(NextPeriodStart(PeriodLevel::kMonth, 1796083200), 1798761600);         // 2027-01-01
  EXPECT_EQ(PeriodStart(PeriodLevel::kYear, kMonday), 1767225600);                 // 2026-01-01
  // Before 1970 too: 1969-12-31 belongs to the week of Monday 1969-12-29.
  EXPECT_EQ(PeriodStart(PeriodLevel::kWeek, -kDay), -3 * kDay);
}

TEST(EngagementPeriods, ARangeIsWidenedToWholePeriods) {
  // 2026-02-10 .. 2026-04-02 by month: February, March, April.
  const auto periods = PeriodsCovering(PeriodLevel::kMonth, 1770681600, 1775088000);
  ASSERT_EQ(periods.size(), 3u);
  EXPECT_EQ(periods[0].start, 1769904000);  // 2026-02-01
  EXPECT_EQ(periods[1].start, 1772323200);  // 2026-03-01
  EXPECT_EQ(periods[2].end, 1777593600);    // 2026-05-01
  EXPECT_EQ(periods[0].end, periods[1].start);
}

TEST(EngagementNoise, ScaleIsBoundTimesPartitionsOverTheShareOfEpsilon) {
  // 10 e-mails x 3 rows / (1/22) = 660, exactly; at epsilon 0.5, 1320.
  auto b = ScaleFor(10, 3, Rational{1, 22});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->num, 660u);
  EXPECT_EQ(b->den, 1u);
  b = ScaleFor(1, 3, Rational{1, 44});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->num, 132u);
  // epsilon 0.3 (3/10), share 1/22: 240 x 36 x 220 / 3 = 633600.
  b = ScaleFor(240, 36, Rational{3, 220});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->num, 633600u);
  EXPECT_EQ(b->den, 1u);
}

TEST(EngagementNoise, AScaleTooFineForTheSamplerIsRoundedUpNeverDown) {
  // epsilon 0.300001 share 1/22: b = 240 x 36 x 22,000,000 / 300001 = 633597.88..., whose
  // terms do not fit in 31 bits.
  auto b = ScaleFor(240, 36, Rational{300001, 22'000'000});
  ASSERT_TRUE(b.ok());
  const double exact = 240.0 * 36 * 22'000'000 / 300001;
  EXPECT_LT(b->num, 1ULL << 31);
  EXPECT_LT(b->den, 1ULL << 31);
  EXPECT_GE(b->value(), exact);
  EXPECT_LT(b->value(), exact * 1.001);
  // One millionth of epsilon on a 3-day bound over ten years of weeks cannot be represented.
  EXPECT_FALSE(ScaleFor(4320, 1560, Rational{1, 22'000'000}).ok());
}

// P[X >= s] for discrete Laplace of scale b, s >= 1.
double Tail(double b, int64_t s) {
  return std::exp(-s / b) / (1 + std::exp(-1 / b));
}

TEST(EngagementSelection, ThresholdIsKPlusTheLeastSafeMargin) {
  // b = 6 (epsilon 1, three rows per user): the least s with e^(-s/6) / (1 + e^(-1/6)) <=
  // 1e-6 / 3 is 86 (6 ln(3e6 / 1.8465) = 85.8).
  const NoiseScale b{6, 1};
  const int64_t tau = SelectionThreshold(5, b, 3, 1e-6);
  EXPECT_EQ(tau, 91);
  // The margin is safe: a row of exactly k is released with probability <= delta / L0 ...
  EXPECT_LE(Tail(6, tau - 5), 1e-6 / 3);
  // ... and not wasteful: one less would not be.
  EXPECT_GT(Tail(6, tau - 5 - 1), 1e-6 / 3);
  // With almost no noise (b = 3/50, epsilon 100) one more than k is enough.
  EXPECT_EQ(SelectionThreshold(5, NoiseScale{3, 50}, 3, 1e-6), 6);
  // More rows per user, or a smaller delta, raise it; a larger k moves it one for one.
  EXPECT_GT(SelectionThreshold(5, NoiseScale{72, 1}, 36, 1e-6), tau);
  EXPECT_GT(SelectionThreshold(5, b, 3, 1e-9), tau);
  EXPECT_EQ(SelectionThreshold(7, b, 3, 1e-6), tau + 2);
}

TEST(EngagementSelection, NoiseHasTheScaleOfItsMeasurement) {
  // With every scale tiny, noise is almost always 0; with the e-mail count's scale 660 the
  // spread is wide: the mean absolute draw of DLap(b) is close to b.
  testing::SeededRandom random(7);
  RowTotals t;
  t.users = 9;
  t.emails_to = 40;
  std::vector<NoiseScale> scales(12, NoiseScale{1, 100});
  scales[3] = NoiseScale{660, 1};
  double spread = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto noisy = Noisy(t, scales, random);
    EXPECT_EQ(noisy[0], 9);
    spread += std::abs(static_cast<double>(noisy[3] - 40));
  }
  EXPECT_NEAR(spread / 2000, 660, 60);
}

Period Month(int64_t start, int64_t end) {
  return {start, end};
}

TEST(EngagementRows, AveragesDaysSinceAndScoreComeFromReleasedNumbersOnly) {
  const ContributionBounds bounds;
  RowTotals t;
  t.account = 4;
  // selection, email users, meeting users, to, from, m to, m from, contacts e, contacts m,
  // meeting minutes, reply users, reply minutes
  const std::vector<int64_t> noisy = {7, 6, 0, 30, -4, 2, 1, 5, 3, 500, 2, 9000};
  EngagementRow r = RowFrom(t, noisy, bounds, 100);
  EXPECT_EQ(r.emails_to, 30);
  EXPECT_EQ(r.emails_from, 0);                  // never below 0
  EXPECT_FALSE(r.meeting_minutes.has_value());  // no positive count of colleagues who met
  ASSERT_TRUE(r.reply_minutes.has_value());
  EXPECT_EQ(*r.reply_minutes, 4320);  // 9000 / 2, clamped to the bound

  // Three months: account 4 has mail in January and none in February or March (meetings in
  // February); account 5 only in March. As of 10 March.
  const int64_t jan = 0, feb = 31 * kDay, mar = 59 * kDay, apr = 90 * kDay;
  const std::vector<Period> periods = {Month(jan, feb), Month(feb, mar), Month(mar, apr)};
  auto row = [](int64_t account, int64_t start, int64_t mail, int64_t meetings) {
    EngagementRow x;
    x.account_id = account;
    x.period_start = start;
    x.emails_to = mail;
    x.meetings_to = meetings;
    return x;
  };
  std::vector<EngagementRow> rows = {row(4, jan, 20, 0), row(4, feb, 0, 2), row(4, mar, 0, 0),
                                     row(5, mar, 9, 0)};
  PostProcess(rows, periods, mar + 9 * kDay);
  EXPECT_EQ(rows[0].days_since_email, 0);
  EXPECT_FALSE(rows[0].days_since_meeting.has_value());
  EXPECT_EQ(rows[1].days_since_email, 28);  // end of February back to end of January
  EXPECT_EQ(rows[1].days_since_meeting, 0);
  EXPECT_EQ(rows[2].days_since_email, 37);   // 10 March back to 1 February
  EXPECT_EQ(rows[2].days_since_meeting, 9);  // 10 March back to 1 March
  EXPECT_EQ(rows[3].days_since_email, 0);
  // Scores within a period: January's only row is the busiest (100); in March account 4 did
  // nothing (0) and account 5 is the busiest (100); February: 2 meetings = 6 e-mails' worth.
  EXPECT_EQ(rows[0].engagement_score, 100);
  EXPECT_EQ(rows[1].engagement_score, 100);
  EXPECT_EQ(rows[2].engagement_score, 0);
  EXPECT_EQ(rows[3].engagement_score, 100);
}

TEST(EngagementRows, ScoreIsLogActivityRelativeToTheBusiest) {
  EngagementRow a, b;
  a.emails_to = 99;   // activity 99
  b.emails_from = 9;  // activity 9: 100 ln 10 / ln 100 = 50
  std::vector<EngagementRow> rows = {a, b};
  PostProcess(rows, {Period{0, kDay}}, kDay);
  EXPECT_EQ(rows[0].engagement_score, 100);
  EXPECT_EQ(rows[1].engagement_score, 50);
}

TEST(EngagementRows, AStoredReleaseReadsBackTheSame) {
  EngagementRelease release;
  release.parameters.level = PeriodLevel::kWeek;
  release.parameters.from = 10;
  release.parameters.to = 20;
  release.parameters.epsilon = {1, 2};
  release.parameters.delta = 1e-6;
  release.parameters.k = 5;
  release.parameters.threshold = 92;
  release.parameters.noise_scales = {{"contributors", 6}};
  EngagementRow r;
  r.account_id = 3;
  r.account_name = "Fabrikam, \"Inc\"";
  r.emails_to = 12;
  r.days_since_meeting = 4;
  r.engagement_score = 77;
  release.rows = {r};
  auto back = ParseReleaseBody(ReleaseBody(release));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(ReleaseBody(*back), ReleaseBody(release));
  EXPECT_EQ(back->rows[0].account_name, r.account_name);
  EXPECT_FALSE(back->rows[0].days_since_email.has_value());
  EXPECT_FALSE(ParseReleaseBody("{\"level\": \"Week\"}").ok());
}

}  // namespace
}  // namespace rapport::insights
