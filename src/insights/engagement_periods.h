// The periods account engagement is released for (SPEC §4.5): UTC calendar weeks (from Monday),
// months and years. Internal to src/insights.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "rapport/insights/engagement.h"
#include "rapport/status.h"

namespace rapport::insights {

struct Period {
  int64_t start = 0, end = 0;  // UTC seconds, [start, end)
};

// The start of the period holding `t`, and of the next one.
int64_t PeriodStart(PeriodLevel level, int64_t t);
int64_t NextPeriodStart(PeriodLevel level, int64_t start);

// The periods covering [from, to): from rounded down, to rounded up to period boundaries.
std::vector<Period> PeriodsCovering(PeriodLevel level, int64_t from, int64_t to);

// The most periods of `level` one calendar month's data reaches: 1 for months and years; 6 for
// weeks (31 days from a Sunday). A colleague-month's pieces reach at most accounts per month x
// this many rows, the count the noise is calibrated to.
int64_t PiecesPerMonth(PeriodLevel level);

// How many periods a request covers when it names no range, ending with the one holding as-of.
int DefaultPeriodCount(PeriodLevel level);

}  // namespace rapport::insights
