// The estimate of a listed account's periods together (docs/privacy.md, "Estimates across
// periods"): worked by hand on five periods, left alone below five, and on many accounts with
// noise of the release's size, closer to the truth than the measurements -- including accounts
// that grow and accounts with one busy month.
#include <gtest/gtest.h>

#include <cmath>

#include "insights/engagement_smoothing.h"
#include "rapport/insights/discrete_gaussian.h"
#include "seeded_random.h"

namespace rapport::insights {
namespace {

std::vector<std::vector<int64_t>> Column(const std::vector<int64_t>& values) {
  std::vector<std::vector<int64_t>> out;
  for (int64_t v : values) out.push_back({v});
  return out;
}

// A steady account, y = 10 14 8 12 16: about its mean 12 the residuals are -2 2 -4 0 4 (their
// squares sum to 40), about its line 10 11 12 13 14 they are 0 3 -4 -1 2 (30). Towards the mean
// B = (5 - 3) sigma^2 / 40, towards the line (5 - 4) sigma^2 / 30; Stein's risk estimate,
// 5 sigma^2 - c^2 sigma^4 / RSS (or RSS + (2q - 5) sigma^2 where B = 1), picks the mean each time.
TEST(EngagementSmoothing, ASteadyAccountShrinksTowardsItsMeanByTheNoisesShare) {
  const auto y = Column({10, 14, 8, 12, 16});
  // sigma^2 15: B = 3/4, so 11.5 12.5 11 12 13 -- halves rounded away from zero. (The line's
  // estimate, 10 12.5 10 12.5 15, has the higher risk: 67.5 against 52.5.)
  EXPECT_EQ(TowardsTheTrend(y, {Variance{15, 1}}), Column({12, 13, 11, 12, 13}));
  // sigma^2 60: the noise explains all of the spread (B = 1): the mean itself.
  EXPECT_EQ(TowardsTheTrend(y, {Variance{60, 1}}), Column({12, 12, 12, 12, 12}));
  // sigma^2 2: B = 1/10, 10.2 13.8 8.4 12 15.6: every value rounds back to what was measured.
  EXPECT_EQ(TowardsTheTrend(y, {Variance{2, 1}}), y);
}

// A growing account, y = 0 9 6 14 16, sigma^2 20: towards its line (slope 3.9) the risk is 85.2,
// towards its mean 90.2, so the line: B = 20 / 27.1 and 1.18 6.27 8.21 13.04 16.30 -- the growth
// is kept, where the mean would give 2 9 7 13 14. Each measure has its own fit and noise.
TEST(EngagementSmoothing, AGrowingAccountKeepsItsTrend) {
  const auto growing = Column({0, 9, 6, 14, 16});
  EXPECT_EQ(TowardsTheTrend(growing, {Variance{20, 1}}), Column({1, 6, 8, 13, 16}));
  std::vector<std::vector<int64_t>> two;
  for (size_t t = 0; t < 5; ++t)
    two.push_back({growing[t][0], std::vector<int64_t>{10, 14, 8, 12, 16}[t]});
  const auto both = TowardsTheTrend(two, {Variance{20, 1}, Variance{15, 1}});
  EXPECT_EQ(both[1], (std::vector<int64_t>{6, 13}));
  EXPECT_EQ(both[4], (std::vector<int64_t>{16, 13}));
}

TEST(EngagementSmoothing, FewerThanFivePeriodsAndValuesOnALineStayAsMeasured) {
  const auto four = Column({3, 40, 0, 9});
  EXPECT_EQ(TowardsTheTrend(four, {Variance{1000, 1}}), four);
  const auto line = Column({2, 5, 8, 11, 14, 17});  // nothing off the line: nothing to shrink
  EXPECT_EQ(TowardsTheTrend(line, {Variance{1, 1}}), line);
}

// 3,000 accounts of twelve months with the noise of a default monthly release's colleague count
// (sigma^2 66.5: 7 rows, weight 0.35, rho 0.150): steady ones, growing ones, and ones with one busy
// month. The estimate's total squared error is well below the measurements', and a busy month
// still stands out.
TEST(EngagementSmoothing, IsCloserToTheTruthThanTheMeasurementsWhateverTheShape) {
  testing::SeededRandom random(16);
  const Variance noise{133, 2};
  double measured_error = 0, estimate_error = 0;
  int busy_months_seen = 0;
  for (int account = 0; account < 3000; ++account) {
    const int64_t level = 2 + static_cast<int64_t>(random.Next64() % 60);
    const int shape = account % 3;  // steady, growing, one busy month
    std::vector<int64_t> truth(12);
    for (size_t t = 0; t < 12; ++t) {
      truth[t] = level + (shape == 1 ? 3 * static_cast<int64_t>(t) : 0) +
                 (shape == 2 && t == 7 ? 60 : 0) + static_cast<int64_t>(random.Next64() % 5);
    }
    std::vector<std::vector<int64_t>> noisy;
    for (int64_t v : truth) noisy.push_back({v + SampleDiscreteGaussian(random, noise)});
    const auto estimate = TowardsTheTrend(noisy, {noise});
    for (size_t t = 0; t < 12; ++t) {
      measured_error += std::pow(static_cast<double>(noisy[t][0] - truth[t]), 2);
      estimate_error += std::pow(static_cast<double>(estimate[t][0] - truth[t]), 2);
    }
    if (shape == 2 && estimate[7][0] >= truth[7] - 25) ++busy_months_seen;
  }
  EXPECT_LT(estimate_error, 0.6 * measured_error);  // 0.47 with this seed
  EXPECT_GE(busy_months_seen, 900);                 // of 1,000: 972 with this seed
}

}  // namespace
}  // namespace rapport::insights
