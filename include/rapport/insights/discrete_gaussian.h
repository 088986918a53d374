// DiscreteGaussian: exact integer Gaussian noise for account engagement under zero-concentrated
// differential privacy (issue 16), after Canonne, Kamath and Steinke, "The Discrete Gaussian for
// Differential Privacy" (NeurIPS 2020), Algorithm 3, built on the exact coins of
// discrete_laplace.h. No floating point touches the noise.
//
// Contract: SampleDiscreteGaussian(random, v) returns X with
//   P[X = x] = exp(-x^2 / (2 sigma^2)) / sum_y exp(-y^2 / (2 sigma^2)),   sigma^2 = v.num / v.den,
// so adding it to a vector query of L2 sensitivity D gives D^2 / (2 sigma^2)-zCDP.
#pragma once

#include <cstdint>

#include "rapport/insights/discrete_laplace.h"
#include "rapport/status.h"

namespace rapport::insights {

// A variance sigma^2 = num / den, exact.
struct Variance {
  uint64_t num = 1, den = 1;
  double value() const { return static_cast<double>(num) / static_cast<double>(den); }
};

// The largest variance the sampler takes: every intermediate then fits in 64 bits.
constexpr double kMaxVariance = 1073741824.0;  // 2^30: sigma 32,768

// The least variance >= sigma2 the sampler takes exactly: den a power of two (at most 2^20, fewer
// bits for large variances, so that sigma^4 den^2 <= 2^60), num rounded up. InvalidArgument above
// kMaxVariance or for sigma2 <= 0.
Result<Variance> VarianceAtLeast(double sigma2);

// X as in the contract. `v` must come from VarianceAtLeast.
int64_t SampleDiscreteGaussian(RandomSource& random, Variance v);

// P[X >= s] for the discrete Gaussian of variance sigma2 (public float math), never understated.
long double DiscreteGaussianTail(double sigma2, int64_t s);

}  // namespace rapport::insights
