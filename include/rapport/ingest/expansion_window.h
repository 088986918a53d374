// ExpansionWindow: the span of time in which recurring meetings are expanded into occurrences.
#pragma once

#include <cstdint>

namespace rapport::ingest {

// Occurrences whose start lies in [start_utc, end_utc) (seconds since the Unix epoch).
struct ExpansionWindow {
  int64_t start_utc = 0;
  int64_t end_utc = 0;
};

}  // namespace rapport::ingest
