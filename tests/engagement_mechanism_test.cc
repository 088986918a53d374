// The parts of account engagement that need no store (docs/privacy.md): periods, noise scales,
// the selection threshold, post-processing and the stored form of a release, each against values
// worked out by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "insights/engagement_mechanism.h"
#include "insights/engagement_periods.h"
#include "insights/engagement_rows.h"
#include "rapport/insights/discrete_gaussian.h"
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

TEST(EngagementNoise, VarianceIsRowsTimesBoundSquaredOverTwiceTheMeasuresRho) {
  // rho 0.15, three rows per colleague-month: the colleague count (bound 1, weight 0.35) has
  // sigma^2 = 3 / (2 x 0.0525) = 28.57..., the e-mail counts (bound 4, weight 0.20)
  // 48 / 0.06 = 800; every variance is rounded up, never down, and only a little.
  const ContributionBounds bounds;
  auto v = Calibrate(bounds, 0.15, 3);
  ASSERT_TRUE(v.ok()) << v.status().message();
  const auto measures = Measures(bounds);
  ASSERT_EQ(v->size(), measures.size());
  double rho = 0;
  for (size_t i = 0; i < measures.size(); ++i) {
    const double exact =
        3.0 * measures[i].bound * measures[i].bound / (2 * measures[i].weight * 0.15);
    EXPECT_GE((*v)[i].value(), exact) << measures[i].name;
    EXPECT_LE((*v)[i].value(), exact * 1.0001 + 1e-6) << measures[i].name;
    rho += 3.0 * measures[i].bound * measures[i].bound / (2 * (*v)[i].value());
  }
  EXPECT_NEAR((*v)[0].value(), 3 / 0.105, 0.001);
  EXPECT_NEAR((*v)[3].value(), 800, 0.01);
  EXPECT_LE(rho, 0.15);  // the measures' rhos add up to at most the release's
  EXPECT_GT(rho, 0.1499);
  double weights = 0;
  for (const auto& m : measures) weights += m.weight;
  EXPECT_NEAR(weights, 1.0, 1e-12);
}

TEST(EngagementNoise, NoiseBeyondTheSamplersRangeIsRefused) {
  auto v = Calibrate(ContributionBounds{}, 1e-7, 18);
  EXPECT_EQ(v.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(v.status().message().find("raise --epsilon"), std::string::npos);
}

TEST(EngagementSelection, ThresholdIsKPlusTheLeastSafeMargin) {
  // sigma^2 = 33.33 (above), delta 5e-8 over 3 rows: s is the least with P[X >= s] <= 1.67e-8,
  // which the Gaussian tail puts near 5.5 sigma = 31.8.
  const Variance v{34952534, 1048576};  // 33.333...
  const int64_t tau = SelectionThreshold(5, v, 3, 5e-8);
  const int64_t s = tau - 5;
  EXPECT_LE(DiscreteGaussianTail(v.value(), s), 5e-8 / 3);
  EXPECT_GT(DiscreteGaussianTail(v.value(), s - 1), 5e-8 / 3);
  EXPECT_NEAR(static_cast<double>(s), 5.5 * std::sqrt(v.value()), 2);
  // Almost no noise: s = 1. More rows or a smaller delta: a higher threshold; k moves it as is.
  EXPECT_EQ(SelectionThreshold(5, Variance{1, 100}, 3, 1e-7), 6);
  EXPECT_GT(SelectionThreshold(5, v, 18, 5e-8), tau);
  EXPECT_GT(SelectionThreshold(5, v, 3, 1e-12), tau);
  EXPECT_EQ(SelectionThreshold(7, v, 3, 5e-8), tau + 2);
}

TEST(EngagementSelection, NoiseHasTheVarianceOfItsMeasure) {
  // With every variance tiny, noise is almost always 0; with the e-mail count's variance 7692
  // the spread is wide: the draws' variance is close to it.
  testing::SeededRandom random(7);
  RowTotals t;
  t.colleagues = 9;
  t.emails_to = 40;
  std::vector<Variance> variances(13, Variance{1, 100});
  variances[3] = Variance{7692, 1};
  double square = 0;
  for (int i = 0; i < 4000; ++i) {
    const auto noisy = Noisy(t, variances, random);
    EXPECT_EQ(noisy[0], 9);
    square += std::pow(static_cast<double>(noisy[3] - 40), 2);
  }
  EXPECT_NEAR(square / 4000, 7692, 700);
}

Period Month(int64_t start, int64_t end) {
  return {start, end};
}

TEST(EngagementRows, AveragesDaysSinceAndScoreComeFromReleasedNumbersOnly) {
  const ContributionBounds bounds;
  RowTotals t;
  t.account = 4;
  // colleagues, by e-mail, by meetings, to, from, m to, m from, contacts e, contacts m,
  // meeting pieces, meeting time (5 minutes), reply pieces, reply time (hours)
  const std::vector<int64_t> noisy = {7, 9, 0, 30, -4, 2, 1, 55, 3, 2, 100, 2, 150};
  EngagementRow r = RowFrom(t, noisy, bounds, 1, 100);
  EXPECT_EQ(r.colleagues_emails, 7);  // never more than the colleagues
  EXPECT_EQ(r.emails_to, 28);         // at most 4 a colleague on average: 7 x 4
  EXPECT_EQ(r.emails_from, 0);        // never below 0
  EXPECT_EQ(r.meetings_to, 0);        // no colleague met them: nothing about meetings
  EXPECT_EQ(r.contacts_emails, 35);   // at most 7 colleagues x 5 contacts each
  EXPECT_FALSE(r.meeting_minutes.has_value());
  ASSERT_TRUE(r.reply_minutes.has_value());
  EXPECT_EQ(*r.reply_minutes, 4320);  // 150 hours / 2, clamped to the bound
  // A year row: a colleague may have 12 pieces, so 30 e-mails of 1 colleague are possible.
  const std::vector<int64_t> one = {1, 1, 0, 30, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(RowFrom(t, one, bounds, 1, 0).emails_to, 4);
  EXPECT_EQ(RowFrom(t, one, bounds, 12, 0).emails_to, 30);
  // One colleague-month reaching 5 rows shares an L2 bound of 4 x sqrt(5) among them: one row may
  // take up to floor(4 x sqrt(5)) = 8 of its e-mails (PieceMaximum); shown rows keep to the
  // average of 4 a piece.
  EXPECT_EQ(PieceMaximum(4, 5), 8);
  EXPECT_EQ(PieceMaximum(5, 30), 27);
  // The count by e-mail is far noisier than the colleague count: when it says 0 for 30
  // colleagues, the 40 e-mails stand (capped by 30 x 4, not by 0) and need at least 10 of them.
  const std::vector<int64_t> noisy_by_email = {30, -3, 0, 40, 12, 0, 0, 0, 0, 0, 0, 0, 0};
  const EngagementRow big = RowFrom(t, noisy_by_email, bounds, 1, 0);
  EXPECT_EQ(big.emails_to, 40);
  EXPECT_EQ(big.emails_from, 12);
  EXPECT_EQ(big.colleagues_emails, 10);
  // People of the account reached by e-mail need colleagues who e-mailed them: none here (noisy
  // count by e-mail below 0, no e-mails), so none shown, though the colleague count is 6.
  const std::vector<int64_t> no_mail = {6, -2, 3, 0, -1, 0, 0, 45, 4, 0, 0, 0, 0};
  const EngagementRow quiet = RowFrom(t, no_mail, bounds, 1, 0);
  EXPECT_EQ(quiet.colleagues_emails, 0);
  EXPECT_EQ(quiet.contacts_emails, 0);
  EXPECT_EQ(quiet.contacts_meetings, 4);  // 3 colleagues met them: up to 15

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
  release.parameters.time_zone = "Europe/Berlin";
  release.parameters.from = 10;
  release.parameters.to = 20;
  release.parameters.cutoff = 15;
  release.parameters.epsilon = {1, 2};
  release.parameters.delta = 1e-7;
  release.parameters.rho = 0.0052;
  release.parameters.selection_delta = 1e-9;
  release.parameters.k = 5;
  release.parameters.threshold = 92;
  release.parameters.noise_sd = {{"colleagues", 6.5}};
  release.months = {{0, 0, 0.5, 0, 5.1e-8, 0.0052, 0.25}};
  EngagementRow r;
  r.account_id = 3;
  r.account_name = "Fabrikam, \"Inc\"";
  r.listed = true;
  r.emails_to = 12;
  r.days_since_meeting = 4;
  r.engagement_score = 77;
  release.rows = {r};
  release.measured[3][10] = {7, -2, 0, 31};  // kept for later releases, never shown
  auto back = ParseReleaseBody(ReleaseBody(release));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(ReleaseBody(*back), ReleaseBody(release));
  EXPECT_EQ(back->rows[0].account_name, r.account_name);
  EXPECT_TRUE(back->rows[0].listed);
  EXPECT_EQ(back->parameters.cutoff, 15);
  EXPECT_FALSE(back->rows[0].days_since_email.has_value());
  EXPECT_EQ(back->measured, release.measured);
  EXPECT_FALSE(ParseReleaseBody("{\"level\": \"Week\"}").ok());
}

}  // namespace
}  // namespace rapport::insights
