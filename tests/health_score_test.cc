// The relationship health score (SPEC §4.3, docs/relationships.md), worked out by hand.
#include "rapport/insights/health_score.h"

#include <gtest/gtest.h>

namespace rapport::insights {
namespace {

constexpr int64_t kAsOf = 1'800'000'000;
constexpr int64_t kDay = 86400;

HealthInputs Inputs(int by_us, int by_them, int meetings, std::vector<double> replies,
                    int64_t days_since_last) {
  HealthInputs in;
  in.days = 14;
  in.emails_by_us = by_us;
  in.emails_by_them = by_them;
  in.meetings = meetings;
  in.response_hours = std::move(replies);
  in.last_interaction = kAsOf - days_since_last * kDay;
  in.as_of = kAsOf;
  return in;
}

TEST(HealthScore, ABalancedQuickRelationshipIsGood) {
  // Weekly: 2 periods, 4 e-mails expected; 2 + 2 + 1 meeting = 5 -> activity 1. Reciprocity
  // 2/2 = 1. Median of 21 h and 4 h = 12.5 h -> 24 / 36.5. Last contact 4 days ago -> 1.
  // 100 * (40 + 20 + 20 * 0.657534 + 20) / 100 = 93.15 -> 93.
  HealthScore h = ComputeHealth(Inputs(2, 2, 1, {21, 4}, 4), InsightSettings{});
  EXPECT_EQ(h.score, 93);
  EXPECT_EQ(h.grade, "Good");
  ASSERT_EQ(h.factors.size(), 4u);
  EXPECT_EQ(h.factors[2].name, "responsiveness");
  EXPECT_NEAR(h.factors[2].value, 24.0 / 36.5, 1e-12);
}

TEST(HealthScore, OneWayAndNoRepliesIsPoor) {
  // 1 e-mail of 4 expected -> 0.25; only we write -> 0; no reply measured: left out; recency 1.
  // 100 * (40 * 0.25 + 0 + 20) / 80 = 37.5 -> 38.
  HealthScore h = ComputeHealth(Inputs(1, 0, 0, {}, 3), InsightSettings{});
  EXPECT_EQ(h.score, 38);
  EXPECT_EQ(h.grade, "Poor");
  EXPECT_EQ(h.factors.size(), 3u);
  EXPECT_EQ(h.factors[1].detail, "only we write: no answer");
}

// Each factor's points are its share of the score, whole, adding up to it (largest remainder).
TEST(HealthScore, PointsAreWholeSharesThatAddUpToTheScore) {
  // 6 e-mails of 4 expected -> activity 1; 2/4 -> reciprocity 0.5; no reply: left out; recency 1.
  // Shares of 100 over weights 80: 50, 12.5, 25 = 87.5 -> 88; floors 50 + 12 + 25 = 87, the one
  // point left goes to the largest remainder (reciprocity's .5).
  HealthScore h = ComputeHealth(Inputs(4, 2, 0, {}, 3), InsightSettings{});
  EXPECT_EQ(h.score, 88);
  ASSERT_EQ(h.factors.size(), 3u);
  EXPECT_EQ(h.factors[0].points, 50);
  EXPECT_EQ(h.factors[1].points, 13);
  EXPECT_EQ(h.factors[2].points, 25);
  EXPECT_EQ(h.adjustment, 0);
  // The balanced case above: 40 + 20 + 13.15 + 20 = 93.15 -> 93, the floors already add up.
  HealthScore g = ComputeHealth(Inputs(2, 2, 1, {21, 4}, 4), InsightSettings{});
  EXPECT_EQ(g.factors[0].points + g.factors[1].points + g.factors[2].points + g.factors[3].points,
            93);
  EXPECT_EQ(g.factors[2].points, 13);
  // Busy one-way traffic: 50 + 0 + 25 = 75 points, capped below Fair (40) by an adjustment of
  // -36, so that points and adjustment still add up to the score shown.
  HealthScore one_way = ComputeHealth(Inputs(10, 0, 0, {}, 1), InsightSettings{});
  EXPECT_EQ(one_way.factors[0].points, 50);
  EXPECT_EQ(one_way.factors[1].points, 0);
  EXPECT_EQ(one_way.factors[2].points, 25);
  EXPECT_EQ(one_way.adjustment, -36);
  EXPECT_EQ(one_way.score, 39);
  EXPECT_FALSE(one_way.adjustment_reason.empty());
}

TEST(HealthScore, SettingsChangeWeightsExpectationsAndGrades) {
  InsightSettings s;
  s.weight_meeting = 1.5;
  s.expected_frequency = "daily";
  s.period_days = 1;
  s.grade_good = 95;
  s.grade_fair = 45;
  // Daily: 14 periods, 28 expected; 2 + 2 + 1.5 = 5.5 -> 0.196429. Recency: 4 days > 1 -> 1/4.
  // 100 * (40 * 5.5/28 + 20 + 20 * 24/36.5 + 20 * 0.25) / 100 = 45.99 -> 46.
  HealthScore h = ComputeHealth(Inputs(2, 2, 1, {21, 4}, 4), s);
  EXPECT_EQ(h.score, 46);
  EXPECT_EQ(h.grade, "Fair");
}

TEST(HealthScore, BusyOneWayTrafficIsStillPoor) {
  // 8 e-mails of 4 expected -> 1; only we write; last contact today: 100 * 60 / 80 = 75, held
  // below Fair.
  HealthScore h = ComputeHealth(Inputs(8, 0, 0, {}, 0), InsightSettings{});
  EXPECT_EQ(h.score, 39);
  EXPECT_EQ(h.grade, "Poor");
}

TEST(HealthScore, NeverInTouchScoresZero) {
  HealthInputs in;
  in.as_of = kAsOf;
  HealthScore h = ComputeHealth(in, InsightSettings{});
  EXPECT_EQ(h.score, 0);
  EXPECT_EQ(h.factors.back().detail, "never in touch");
}

TEST(HealthScore, MedianOfEvenAndOddCounts) {
  EXPECT_EQ(Median({}), 0);
  EXPECT_EQ(Median({5}), 5);
  EXPECT_EQ(Median({9, 1, 4}), 4);
  EXPECT_EQ(Median({9, 1, 4, 2}), 3);
}

}  // namespace
}  // namespace rapport::insights
