// The exact discrete Gaussian sampler and the zCDP accounting it is charged with (issue 16): the
// sampler's output matches its distribution (chi-square over fixed-seed draws, with a wrong
// variance failing the same test), variances are only ever rounded up, and the conversions
// between rho and (epsilon, delta) agree with values computed independently on a fine grid.
#include "rapport/insights/discrete_gaussian.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "rapport/insights/zcdp.h"
#include "seeded_random.h"

namespace rapport::insights {
namespace {

using testing::SeededRandom;

constexpr int kDraws = 300'000;

// Chi-square of draws at `drawn` against the pmf of variance `judged`, over bins -k .. k and two
// tails; also the draws' variance.
double ChiSquare(Variance drawn, double judged, int k, uint64_t seed, double* variance = nullptr) {
  SeededRandom random(seed);
  std::map<int64_t, int64_t> counts;
  double square = 0;
  for (int i = 0; i < kDraws; ++i) {
    const int64_t x = SampleDiscreteGaussian(random, drawn);
    square += static_cast<double>(x) * static_cast<double>(x);
    ++counts[std::clamp<int64_t>(x, -k - 1, k + 1)];
  }
  if (variance) *variance = square / kDraws;
  auto mass = [&](int64_t x) { return std::exp(-static_cast<double>(x * x) / (2 * judged)); };
  const auto reach = static_cast<int64_t>(40 * std::sqrt(judged) + 10);
  double total = 0;
  for (int64_t x = -reach; x <= reach; ++x) total += mass(x);
  double chi = 0;
  for (int64_t x = -k - 1; x <= k + 1; ++x) {
    double p = 0;
    if (x < -k || x > k) {
      for (int64_t y = k + 1; y <= reach; ++y) p += mass(y);
    } else {
      p = mass(x);
    }
    const double expected = p / total * kDraws;
    const double d = static_cast<double>(counts[x]) - expected;
    chi += d * d / expected;
  }
  return chi;
}

TEST(DiscreteGaussian, MatchesItsDistribution) {
  double v = 0;
  // sigma^2 = 9: 27 bins, 26 degrees of freedom, 0.1 % critical value 54.05.
  EXPECT_LT(ChiSquare(*VarianceAtLeast(9), 9, 12, 1, &v), 54.05);
  EXPECT_NEAR(v, 9, 0.15);
  // sigma^2 = 0.7 (a fraction): 9 bins, 8 df, 26.12.
  EXPECT_LT(ChiSquare(*VarianceAtLeast(0.7), VarianceAtLeast(0.7)->value(), 3, 2), 26.12);
  // sigma^2 = 2500: 121 bins, 120 df, 0.1 % critical value 173.6.
  EXPECT_LT(ChiSquare(*VarianceAtLeast(2500), 2500, 59, 3, &v), 173.6);
  EXPECT_NEAR(v, 2500, 40);
}

TEST(DiscreteGaussian, AWrongVarianceFailsTheSameTest) {
  EXPECT_GT(ChiSquare(*VarianceAtLeast(10.8), 9, 12, 4), 54.05);
}

TEST(DiscreteGaussian, ATinyVarianceIsAlmostAlwaysZeroAndAHugeOneStillSamples) {
  SeededRandom random(5);
  const Variance tiny = *VarianceAtLeast(0.0064);
  int zeros = 0;
  for (int i = 0; i < 10'000; ++i) zeros += SampleDiscreteGaussian(random, tiny) == 0;
  EXPECT_EQ(zeros, 10'000);  // P[X != 0] is about 2e-34
  const Variance huge = *VarianceAtLeast(kMaxVariance);
  double square = 0;
  for (int i = 0; i < 20'000; ++i) {
    const auto x = static_cast<double>(SampleDiscreteGaussian(random, huge));
    square += x * x;
  }
  EXPECT_NEAR(square / 20'000 / kMaxVariance, 1, 0.05);
}

TEST(DiscreteGaussian, VariancesAreRoundedUpNeverDown) {
  for (double v = 1e-4; v <= kMaxVariance; v *= 1.7) {
    auto r = VarianceAtLeast(v);
    ASSERT_TRUE(r.ok()) << v;
    EXPECT_GE(r->value(), v);
    EXPECT_LE(r->value(), v * 1.001 + 1e-6) << v;
  }
  EXPECT_FALSE(VarianceAtLeast(0).ok());
  EXPECT_FALSE(VarianceAtLeast(-1).ok());
  EXPECT_FALSE(VarianceAtLeast(kMaxVariance * 2).ok());
}

TEST(DiscreteGaussian, TheTailIsTheSumOfThePmf) {
  const double v = 33.3;
  double total = 0, tail = 0;
  for (int x = -400; x <= 400; ++x) {
    const double m = std::exp(-x * x / (2 * v));
    total += m;
    if (x >= 20) tail += m;
  }
  EXPECT_NEAR(static_cast<double>(DiscreteGaussianTail(v, 20)), tail / total, tail / total * 1e-6);
  EXPECT_GE(DiscreteGaussianTail(v, 20), tail / total);  // never understated
  EXPECT_LT(DiscreteGaussianTail(v, 21), DiscreteGaussianTail(v, 20));
}

TEST(Zcdp, ConversionsMatchAFineGrid) {
  // Reference values from Corollary 13 minimised on a grid of 10^5 orders, outside rapport.
  EXPECT_NEAR(RhoForEpsilon(4, 1e-7), 0.26631, 0.0005);
  EXPECT_NEAR(RhoForEpsilon(4, 5e-8), 0.25520, 0.0005);
  EXPECT_NEAR(RhoForEpsilon(1, 1e-7), 0.020187, 0.00005);
  EXPECT_NEAR(RhoForEpsilon(2, 5e-8), 0.070779, 0.0001);
  EXPECT_EQ(EpsilonForRho(0, 1e-7), 0);
}

TEST(Zcdp, NeverLooserThanTheSimpleBoundAndMonotone) {
  double last = 0;
  for (double rho = 1e-4; rho < 50; rho *= 1.5) {
    const double e = EpsilonForRho(rho, 1e-7);
    EXPECT_LE(e, rho + 2 * std::sqrt(rho * std::log(1e7)) + 1e-9) << rho;
    EXPECT_GT(e, last) << rho;
    last = e;
    EXPECT_LE(RhoForEpsilon(e, 1e-7), rho * (1 + 1e-6)) << rho;
  }
  for (double e : {0.1, 1.0, 3.0, 4.0, 100.0}) {
    EXPECT_LE(EpsilonForRho(RhoForEpsilon(e, 5e-8), 5e-8), e * (1 + 1e-6)) << e;
  }
}

TEST(Zcdp, TheDefaultMonthFitsAReleaseOfThreeThenTwoButNotThree) {
  const double budget = RhoForEpsilon(4, 5e-8);
  const double three = RhoForEpsilon(3, 5e-8), two = RhoForEpsilon(2, 5e-8);
  EXPECT_LE(three + two, budget);
  EXPECT_GT(three + three, budget);
  EXPECT_NEAR(GaussianVariance(2, 0.5), 4, 1e-12);
  EXPECT_NEAR(RhoOfGaussian(2, 4), 0.5, 1e-12);
}

}  // namespace
}  // namespace rapport::insights
