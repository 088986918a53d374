// How insight reads used a streaming standby (`rapport serve --db-read`), in this process so far:
// what /metrics reports, so that an operator sees a standby that is passed by.
#pragma once

#include <cstdint>

namespace rapport::store {

struct StandbyReadCounts {
  uint64_t on_standby = 0;   // read snapshots the standby served
  uint64_t behind = 0;       // read the primary: the standby had not replayed the latest erasure
  uint64_t unreachable = 0;  // read the primary: no connection to the standby, or it failed
};

StandbyReadCounts StandbyReadTotals();

}  // namespace rapport::store
