// Post-processing of account engagement: rows from noisy measurements, averages, days since the
// last e-mail or meeting, EngagementScore -- computed from released numbers only, so they cost no
// privacy. And a release as the JSON the budget ledger stores. Internal to src/insights.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "insights/engagement_contributions.h"
#include "rapport/insights/engagement.h"

namespace rapport::insights {

// A released row from its noisy measures (in Measures() order): counts never below 0 and
// consistent with the noisy colleague counts and the bounds' averages (`pieces`: the most pieces
// one colleague has in a row: 1 a month, 2 a week, 12 a year), averages only over a positive noisy
// count and clamped to their bounds.
EngagementRow RowFrom(const RowTotals& totals, const std::vector<int64_t>& noisy,
                      const ContributionBounds& bounds, int64_t pieces, int64_t period_start);

// Fills in days since the last e-mail / meeting and EngagementScore. `rows` by period, then
// account; `periods` the release's; `as_of` caps the end of the last period.
void PostProcess(std::vector<EngagementRow>& rows, const std::vector<Period>& periods,
                 int64_t as_of);

// The stored form of a release (parameters and rows), and back.
std::string ReleaseBody(const EngagementRelease& release);
Result<EngagementRelease> ParseReleaseBody(const std::string& body);

}  // namespace rapport::insights
