// The exact discrete Laplace sampler (issue 7): its output matches the distribution it claims,
// checked by chi-square over 10^6 draws from a fixed-seed source that exists only in this test
// (the production source, the kernel's CSPRNG, cannot be seeded).
#include "rapport/insights/discrete_laplace.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "seeded_random.h"

namespace rapport::insights {
namespace {

using testing::SeededRandom;

constexpr int kDraws = 1'000'000;

// Chi-square of `draws` of DLap(num/den) against P[X = x] = c e^(-|x|/b), over the bins
// -k .. k and the two tails.
double ChiSquare(uint64_t num, uint64_t den, int k, uint64_t seed) {
  SeededRandom random(seed);
  std::map<int64_t, int64_t> counts;
  for (int i = 0; i < kDraws; ++i) {
    const int64_t x = SampleDiscreteLaplace(random, num, den);
    ++counts[std::clamp<int64_t>(x, -k - 1, k + 1)];
  }
  const double b = static_cast<double>(num) / static_cast<double>(den);
  const double q = std::exp(-1 / b);
  const double c = (1 - q) / (1 + q);
  double chi = 0;
  for (int64_t x = -k - 1; x <= k + 1; ++x) {
    const bool tail = x < -k || x > k;
    const double p = tail ? c * std::pow(q, k + 1) / (1 - q) : c * std::pow(q, std::abs(x));
    const double expected = p * kDraws;
    const double d = static_cast<double>(counts[x]) - expected;
    chi += d * d / expected;
  }
  return chi;
}

TEST(DiscreteLaplace, MatchesItsDistributionAtScaleTwo) {
  // 33 bins, 32 degrees of freedom: the 0.1 % critical value is 62.49.
  EXPECT_LT(ChiSquare(2, 1, 15, 1), 62.49);
}

TEST(DiscreteLaplace, MatchesItsDistributionAtAFractionalScale) {
  // b = 5/2, as epsilon = 0.4 gives for a count of sensitivity 1; 45 bins, 44 df: 78.75.
  EXPECT_LT(ChiSquare(5, 2, 21, 2), 78.75);
  // b = 1/3: nearly always 0; 9 bins, 8 df: 26.12.
  EXPECT_LT(ChiSquare(1, 3, 3, 3), 26.12);
}

TEST(DiscreteLaplace, AWrongScaleFailsTheSameTest) {
  // The check has teeth: draws at b = 2.2 judged against b = 2 are far outside.
  SeededRandom random(4);
  std::map<int64_t, int64_t> counts;
  for (int i = 0; i < kDraws; ++i)
    ++counts[std::clamp<int64_t>(SampleDiscreteLaplace(random, 11, 5), -16, 16)];
  const double q = std::exp(-0.5), c = (1 - q) / (1 + q);
  double chi = 0;
  for (int64_t x = -16; x <= 16; ++x) {
    const double p =
        std::abs(x) == 16 ? c * std::pow(q, 16) / (1 - q) : c * std::pow(q, std::abs(x));
    const double d = static_cast<double>(counts[x]) - p * kDraws;
    chi += d * d / (p * kDraws);
  }
  EXPECT_GT(chi, 62.49);
}

TEST(DiscreteLaplace, ExactCoins) {
  SeededRandom random(5);
  int heads = 0;
  for (int i = 0; i < kDraws; ++i) heads += BernoulliExp(random, 3, 2);
  // e^-1.5 = 0.223130; five standard deviations over 10^6 draws is 0.00208.
  EXPECT_NEAR(heads / static_cast<double>(kDraws), std::exp(-1.5), 0.00208);
  int64_t sevens[7] = {};
  for (int i = 0; i < 700'000; ++i) ++sevens[UniformBelow(random, 7)];
  double chi = 0;
  for (int64_t n : sevens) chi += (n - 100'000.0) * (n - 100'000.0) / 100'000.0;
  EXPECT_LT(chi, 22.46);                    // 6 df, 0.1 %
  EXPECT_TRUE(BernoulliExp(random, 0, 1));  // e^0 = 1
}

TEST(DiscreteLaplace, TheSystemSourceIsNotRepeatable) {
  SystemRandom a, b;
  EXPECT_NE(a.Next64(), b.Next64());  // equal with probability 2^-64
}

TEST(DiscreteLaplace, EpsilonIsReadAsAnExactFraction) {
  auto half = ParsePositiveDecimal("0.5");
  ASSERT_TRUE(half.ok());
  EXPECT_EQ(half->num, 1u);
  EXPECT_EQ(half->den, 2u);
  auto five_quarters = ParsePositiveDecimal("1.25");
  ASSERT_TRUE(five_quarters.ok());
  EXPECT_EQ(five_quarters->num, 5u);
  EXPECT_EQ(five_quarters->den, 4u);
  EXPECT_EQ(ParsePositiveDecimal("3")->num, 3u);
  for (const char* bad : {"", "0", "0.000", "-1", "1e3", "0.1234567", "abc", "1.2.3"}) {
    EXPECT_FALSE(ParsePositiveDecimal(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace rapport::insights
