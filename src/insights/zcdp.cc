#include "rapport/insights/zcdp.h"

#include <cmath>

namespace rapport::insights {
namespace {

// epsilon at order a = 1 + e^u: a rho + (log(1/delta) - log(a-1) + a log(1-1/a)) / (a-1), from
// solving Corollary 13's delta for epsilon.
double EpsilonAt(double u, double rho, double delta) {
  const double a_minus_1 = std::exp(u);
  const double a = 1 + a_minus_1;
  return a * rho + (-std::log(delta) - u + a * std::log1p(-1 / a)) / a_minus_1;
}

}  // namespace

double EpsilonForRho(double rho, double delta) {
  if (!(rho > 0)) return 0;
  // A coarse grid over log(a - 1), then golden-section refinement around the best point.
  double best_u = -12, best = EpsilonAt(best_u, rho, delta);
  for (double u = -12; u <= 20; u += 0.05) {
    const double e = EpsilonAt(u, rho, delta);
    if (e < best) {
      best = e;
      best_u = u;
    }
  }
  double lo = best_u - 0.05, hi = best_u + 0.05;
  const double g = (std::sqrt(5.0) - 1) / 2;
  for (int i = 0; i < 40; ++i) {
    const double m1 = hi - g * (hi - lo), m2 = lo + g * (hi - lo);
    if (EpsilonAt(m1, rho, delta) < EpsilonAt(m2, rho, delta)) {
      hi = m2;
    } else {
      lo = m1;
    }
  }
  // Any order gives a valid epsilon; the minimum found, rounded up by a part in 10^9.
  best = std::fmin(best, EpsilonAt((lo + hi) / 2, rho, delta));
  return best * (1 + 1e-9);
}

double RhoForEpsilon(double epsilon, double delta) {
  if (!(epsilon > 0)) return 0;
  // Releases ask for the same few (epsilon, delta): the last answers are kept.
  struct Known {
    double epsilon = 0, delta = 0, rho = 0;
  };
  thread_local Known known[8];
  thread_local unsigned next = 0;
  for (const Known& k : known) {
    if (k.epsilon == epsilon && k.delta == delta) return k.rho;
  }
  double lo = 0, hi = epsilon;  // rho <= epsilon always: a rho > epsilon gives a larger epsilon
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2;
    if (EpsilonForRho(mid, delta) <= epsilon) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  const double rho = lo * (1 - 1e-9);
  known[next++ % 8] = {epsilon, delta, rho};
  return rho;
}

double RhoOfGaussian(double l2, double sigma2) {
  return l2 * l2 / (2 * sigma2);
}

double GaussianVariance(double l2, double rho) {
  return l2 * l2 / (2 * rho);
}

}  // namespace rapport::insights
