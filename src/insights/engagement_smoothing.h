// Estimates of a listed account's periods that borrow strength from each other (docs/privacy.md,
// "Estimates across periods"). Every period of a listed account gets a noisy row, so the noisy
// values of all its periods are public outputs, and any function of them is post-processing: it
// costs no privacy. Internal to src/insights.
#pragma once

#include <cstdint>
#include <vector>

#include "rapport/insights/discrete_gaussian.h"

namespace rapport::insights {

// The fewest periods the estimate uses: below it values are returned as measured.
constexpr size_t kFewestPeriodsToSmooth = 5;

// `noisy[t][i]`: measure i of one account in period t (periods in order, of equal footing: whole
// periods of one release), each with noise of variance `variances[i]`. Returns, per measure, the
// Efron-Morris (Lindley) estimate towards the account's least-squares fit -- its mean (q = 1) or
// its line (q = 2), whichever Stein's unbiased estimate of the total squared error favours:
//   fit_t + (1 - B) (y_t - fit_t),   B = min(1, (T - q - 2) sigma^2 / sum_t (y_t - fit_t)^2)
// rounded half away from zero. For Gaussian noise each has less expected total squared error
// than the measurements whatever the account's true values (T >= 5). It shrinks little where
// the periods differ by more than the noise explains; a trend is kept by the line.
std::vector<std::vector<int64_t>> TowardsTheTrend(const std::vector<std::vector<int64_t>>& noisy,
                                                  const std::vector<Variance>& variances);

}  // namespace rapport::insights
