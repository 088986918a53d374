#include "insights/engagement_smoothing.h"

#include <algorithm>
#include <cmath>

namespace rapport::insights {
namespace {

// y's least-squares fit over t = 0..T-1 by a constant (`sloped` false) or a line.
std::vector<double> Fit(const std::vector<double>& y, bool sloped) {
  const double n = static_cast<double>(y.size());
  const double t_mean = (n - 1) / 2;
  double y_mean = 0;
  for (double v : y) y_mean += v;
  y_mean /= n;
  double sxy = 0, sxx = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    const double dt = static_cast<double>(t) - t_mean;
    sxy += dt * (y[t] - y_mean);
    sxx += dt * dt;
  }
  const double slope = sloped && sxx > 0 ? sxy / sxx : 0;
  std::vector<double> fitted(y.size());
  for (size_t t = 0; t < y.size(); ++t) {
    fitted[t] = y_mean + slope * (static_cast<double>(t) - t_mean);
  }
  return fitted;
}

// Shrinkage towards one fit (q of its parameters): the estimate and Stein's unbiased estimate of
// its total squared error.
struct Shrunk {
  std::vector<double> estimate;
  double risk = 0;
};

Shrunk Towards(const std::vector<double>& y, bool sloped, double variance) {
  const double periods = static_cast<double>(y.size());
  const double q = sloped ? 2 : 1;
  const std::vector<double> fitted = Fit(y, sloped);
  double residual = 0;
  for (size_t t = 0; t < y.size(); ++t) residual += (y[t] - fitted[t]) * (y[t] - fitted[t]);
  const double c = periods - q - 2;  // the estimator needs T - q >= 3
  Shrunk out;
  out.estimate = fitted;
  if (residual > c * variance) {  // B < 1
    const double shrink = c * variance / residual;
    for (size_t t = 0; t < y.size(); ++t) out.estimate[t] += (1 - shrink) * (y[t] - fitted[t]);
    out.risk = periods * variance - c * c * variance * variance / residual;
  } else {  // B = 1: the fit itself
    out.risk = residual + (2 * q - periods) * variance;
  }
  return out;
}

}  // namespace

std::vector<std::vector<int64_t>> TowardsTheTrend(const std::vector<std::vector<int64_t>>& noisy,
                                                  const std::vector<Variance>& variances) {
  const size_t periods = noisy.size();
  if (periods < kFewestPeriodsToSmooth) return noisy;
  std::vector<std::vector<int64_t>> out = noisy;
  for (size_t i = 0; i < variances.size(); ++i) {
    std::vector<double> y(periods);
    for (size_t t = 0; t < periods; ++t) y[t] = static_cast<double>(noisy[t][i]);
    const Shrunk level = Towards(y, false, variances[i].value());
    const Shrunk line = Towards(y, true, variances[i].value());
    const Shrunk& best = line.risk < level.risk ? line : level;
    for (size_t t = 0; t < periods; ++t) out[t][i] = std::llround(best.estimate[t]);
  }
  return out;
}

}  // namespace rapport::insights
