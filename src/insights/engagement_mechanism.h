// The privacy mechanism of account engagement (docs/privacy.md, "Mechanism" and "Accounting"):
// the measures a row is made of, how a release's zCDP budget rho is split among them, the
// discrete Gaussian variance of each, and the noisy colleague count a domain row must clear.
// Internal to src/insights.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "insights/engagement_contributions.h"
#include "rapport/insights/discrete_gaussian.h"
#include "rapport/insights/discrete_laplace.h"
#include "rapport/status.h"

namespace rapport::insights {

// One noisy measure of a row: its name, its bound per piece (one colleague, one month, one row)
// and its weight: its share of the release's rho.
struct Measure {
  std::string name;
  int64_t bound = 1;
  double weight = 0;
};

// The base measures, in the order of Values(): the colleague count rows are selected on first.
// Every other column of a row is derived from these by post-processing.
std::vector<Measure> Measures(const ContributionBounds& bounds);

// The variance of each measure for a release of zCDP `rho` per month, where one colleague's data
// in one month reaches at most `rows_per_month` rows (accounts per month x pieces per month):
// sigma_i^2 = rows_per_month x bound_i^2 / (2 x weight_i x rho), rounded up to what the sampler
// takes. The release is then rho-zCDP per month (the measures' rhos add up to rho).
// InvalidArgument when a variance is beyond the sampler's range (epsilon too small).
Result<std::vector<Variance>> Calibrate(const ContributionBounds& bounds, double rho,
                                        int64_t rows_per_month);

// The noisy colleague count a domain row (an account not on the imported list) needs: k + s,
// where s is the least integer >= 1 with P[noise >= s] <= delta / rows_per_month. A row of fewer
// than k colleagues is never released; one of exactly k with probability at most that.
int64_t SelectionThreshold(int k, const Variance& selection, int64_t rows_per_month, double delta);

// A row's totals in the order of Measures(), and the same with noise.
std::vector<int64_t> Values(const RowTotals& totals);
std::vector<int64_t> Noisy(const RowTotals& totals, const std::vector<Variance>& variances,
                           RandomSource& random);

}  // namespace rapport::insights
