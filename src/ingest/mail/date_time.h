// RFC 5322 §3.3 date-time, with the obsolete forms of §4.3 and what real mailers write.
//
// Contract: accepts an optional day name, 1- or 2-digit day, English month names (abbreviated or
// full), 2-, 3- or 4-digit years (obs-year: < 50 is 20xx, otherwise 19xx; 3 digits add 1900),
// optional seconds, numeric zones, the US zone names and military letters of RFC 5322 (letters
// other than Z mean "unknown", read as +0000 as §4.3 says), common European and Asian zone
// abbreviations, comments anywhere, and a missing zone (read as +0000). Rejects out-of-range
// fields, years outside 1900..9999 and zones beyond ±18:00 rather than guessing.
#pragma once

#include <optional>
#include <string_view>

#include "rapport/model/message.h"

namespace rapport::ingest {

std::optional<model::Timestamp> ParseDateTime(std::string_view value);

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

}  // namespace rapport::ingest
