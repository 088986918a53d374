// The privacy mechanism of account engagement (docs/privacy.md, "Mechanism" and "Accounting"):
// how epsilon is split among the noisy measurements of a row, the discrete Laplace scale of each,
// and the noisy contributor count a row must clear to be released. Internal to src/insights.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "insights/engagement_contributions.h"
#include "rapport/insights/discrete_laplace.h"
#include "rapport/status.h"

namespace rapport::insights {

// A discrete Laplace scale num / den, both below 2^31 as the sampler needs.
struct NoiseScale {
  uint64_t num = 1, den = 1;
  double value() const { return static_cast<double>(num) / static_cast<double>(den); }
};

// The scale that gives a measurement of this per-row sensitivity epsilon_share-DP over
// `partitions` rows per user: sensitivity x partitions / epsilon_share, rounded up (more noise,
// never less) until it fits. InvalidArgument when even a whole-number scale does not fit.
Result<NoiseScale> ScaleFor(int64_t sensitivity, int64_t partitions, Rational epsilon_share);

// The noisy contributor count a row needs: k + s, where s is the least integer >= 1 with
// P[noise >= s] <= delta / partitions for the selection noise. A row of fewer than k contributors
// is never released; one of exactly k is released with probability at most delta / partitions.
int64_t SelectionThreshold(int k, NoiseScale selection, int64_t partitions, double delta);

// One noisy measurement of a row: its name, per-row sensitivity, and share of epsilon.
struct Measurement {
  std::string name;
  int64_t sensitivity = 1;
  Rational share;  // of the release's epsilon
};

// The selection count takes half of epsilon; the eleven released measurements share the rest.
std::vector<Measurement> Measurements(const ContributionBounds& bounds);

// A row's totals with noise, in the order of Measurements() (the selection count first).
std::vector<int64_t> Noisy(const RowTotals& totals, const std::vector<NoiseScale>& scales,
                           RandomSource& random);
std::vector<int64_t> Values(const RowTotals& totals);  // the same order, without noise

}  // namespace rapport::insights
