// Rows of earlier releases that a new release takes instead of computing them again
// (docs/privacy.md, "For life"). A whole period that an earlier release with the same
// parameters read to its end holds the same data: its rows are reused, which is post-processing
// of a release already paid for, and the new release computes and charges only the periods after
// them. So a view that rolls on (next month's twelve months) spends only its new month.
// Internal to src/insights.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "insights/engagement_periods.h"
#include "rapport/insights/engagement.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::insights {

struct ReusedPeriods {
  size_t periods = 0;               // the leading periods taken from earlier releases
  std::vector<EngagementRow> rows;  // their rows, as released
  // The listed accounts' noisy measures of those periods, where the releases kept them.
  std::map<int64_t, std::map<int64_t, std::vector<int64_t>>> measured;
};

// The longest run of leading `periods` (whole, before p.cutoff) each of which an earlier release
// with p's level, time zone, epsilon, k, accounts per month and delta read to its end; the oldest
// such release gives each period's rows. Only a leading run: the periods left to compute stay
// one contiguous span. Stored releases whose body does not parse (older versions) are ignored.
Result<ReusedPeriods> ReusablePeriods(store::Store& store, const ReleaseParameters& p,
                                      const std::vector<Period>& periods);

// A listed account's noisy measures (`measures` of them) of the reused periods, in order, when
// every one of those periods kept them; else none (releases before the estimate across periods
// kept none).
std::vector<std::vector<int64_t>> KeptMeasures(const ReusedPeriods& reused, int64_t account,
                                               size_t measures);

}  // namespace rapport::insights
