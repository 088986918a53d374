#include "rapport/insights/discrete_gaussian.h"

#include <cmath>

namespace rapport::insights {
namespace {

using u128 = unsigned __int128;

// True with probability num / (den * k), exactly, without forming den * k: U = j den + u is
// uniform in [0, den k), and U < num <= den exactly when j = 0 and u < num.
bool BernoulliOver(RandomSource& random, uint64_t num, uint64_t den, uint64_t k) {
  return UniformBelow(random, k) == 0 && UniformBelow(random, den) < num;
}

// exp(-num / den) for num <= den (CKS Algorithm 1).
bool ExpAtMostOne(RandomSource& random, uint64_t num, uint64_t den) {
  uint64_t k = 1;
  while (BernoulliOver(random, num, den, k)) ++k;
  return k % 2 == 1;
}

// exp(-num / den) for a 128-bit numerator: exp(-1) floor(num / den) times, then the rest.
bool Exp(RandomSource& random, u128 num, uint64_t den) {
  for (u128 whole = num / den; whole > 0; --whole) {
    if (!ExpAtMostOne(random, 1, 1)) return false;
  }
  return ExpAtMostOne(random, static_cast<uint64_t>(num % den), den);
}

// floor(sqrt(num / den)): the largest r with r^2 den <= num.
uint64_t FloorSqrt(uint64_t num, uint64_t den) {
  uint64_t r = static_cast<uint64_t>(std::sqrt(static_cast<long double>(num) / den));
  while (r > 0 && static_cast<u128>(r) * r * den > num) --r;
  while (static_cast<u128>(r + 1) * (r + 1) * den <= num) ++r;
  return r;
}

}  // namespace

Result<Variance> VarianceAtLeast(double sigma2) {
  if (!(sigma2 > 0) || sigma2 > kMaxVariance) {
    return Status::InvalidArgument(
        "the noise this release needs is beyond the sampler's range: raise --epsilon, or use "
        "month or year periods");
  }
  // den 2^20 for small variances, fewer bits as they grow, so that 2 num den t^2 (about
  // 2 sigma^4 den^2) stays below 2^63.
  uint64_t den = uint64_t{1} << 20;
  const double limit = std::ldexp(1.0, 60);
  while (den > 1 && sigma2 * sigma2 * static_cast<double>(den) * static_cast<double>(den) > limit) {
    den /= 2;
  }
  auto num = static_cast<uint64_t>(std::ceil(sigma2 * static_cast<double>(den)));
  if (static_cast<double>(num) / static_cast<double>(den) < sigma2) ++num;
  return Variance{num, den};
}

int64_t SampleDiscreteGaussian(RandomSource& random, Variance v) {
  // CKS Algorithm 3: t = floor(sigma) + 1; Y discrete Laplace of scale t; keep Y with probability
  // exp(-(|Y| - sigma^2 / t)^2 / (2 sigma^2)) = exp(-(|Y| t den - num)^2 / (2 num den t^2)).
  const uint64_t t = FloorSqrt(v.num, v.den) + 1;
  const uint64_t den = 2 * v.num * v.den * t * t;
  for (;;) {
    const int64_t y = SampleDiscreteLaplace(random, t, 1);
    // Kept with probability below exp(-2^33) for sigma <= 2^15: rejected, so the square below
    // fits in 128 bits.
    if (y > (int64_t{1} << 32) || y < -(int64_t{1} << 32)) continue;
    const u128 a = static_cast<u128>(y < 0 ? -y : y) * t * v.den;
    const u128 diff = a >= v.num ? a - v.num : v.num - a;
    if (Exp(random, diff * diff, den)) return y;
  }
}

long double DiscreteGaussianTail(double sigma2, int64_t s) {
  const long double v = sigma2;
  const auto reach = static_cast<int64_t>(40 * std::sqrt(v) + 10);
  auto mass = [&](int64_t x) {
    return std::exp(-static_cast<long double>(x) * static_cast<long double>(x) / (2 * v));
  };
  long double total = mass(0);
  for (int64_t x = 1; x <= reach; ++x) total += 2 * mass(x);
  long double tail = 0;
  const int64_t from = s < -reach ? -reach : s;
  for (int64_t x = from; x <= std::max(from, int64_t{0}) + reach; ++x) tail += mass(x);
  return std::min<long double>(1, tail / total * (1 + 1e-9L) + 1e-300L);
}

}  // namespace rapport::insights
