// Times as Microsoft Graph writes them: ISO 8601 date-times (sentDateTime "2016-10-19T10:37:00Z",
// dateTimeTimeZone.dateTime "2017-04-15T12:00:00.0000000") and time zones named the Windows way
// ("Pacific Standard Time") or the IANA way ("Europe/Berlin").
//
// Contract: parsing is strict about field ranges (years 1900..9999, as date_time.h) and never
// throws; zones are resolved through libical's copy of the system tz database, so nothing global
// is set (no TZ, no setenv). Unknown zone names give nullopt rather than a guess.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "rapport/model/message.h"

namespace rapport::ingest::graph {

inline constexpr int64_t kSecondsPerDay = 86400;

// A parsed ISO 8601 date-time. `local_seconds` counts the written wall-clock time as if it were
// UTC; `offset_minutes` is set when the text carried "Z" or "+hh:mm".
struct IsoDateTime {
  int64_t local_seconds = 0;
  std::optional<int32_t> offset_minutes;
};

// "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fraction]]" with an optional "Z" or "±HH:MM".
std::optional<IsoDateTime> ParseIsoDateTime(std::string_view text);

// A UTC instant from text that must carry a zone or is read as UTC (Graph DateTimeOffset).
std::optional<model::Timestamp> ParseGraphUtc(std::string_view text);

// A resolved zone: UTC, or a libical zone (owned by libical, never freed).
struct GraphZone {
  const void* ical = nullptr;  // icaltimezone*; nullptr means UTC
};

// Resolves "UTC", IANA names and the common Windows names ("tzone://Microsoft/" prefix allowed).
// The Windows table duplicates part of icalendar_zones.cc's (written in parallel); to be merged.
std::optional<GraphZone> ResolveGraphZone(std::string_view name);

// Wall-clock seconds (as from IsoDateTime::local_seconds) in `zone` -> the instant and its offset.
// nullopt when the time is outside years 1900..9999.
std::optional<model::Timestamp> LocalToUtc(const GraphZone& zone, int64_t local_seconds);

// The wall-clock seconds in `zone` at the UTC instant `utc_seconds`.
int64_t UtcToLocal(const GraphZone& zone, int64_t utc_seconds);

// Proleptic Gregorian date of a day count since 1970-01-01 (inverse of DaysFromCivil).
struct CivilDate {
  int64_t year;
  unsigned month, day;
};
CivilDate CivilFromDays(int64_t days);
unsigned DaysInMonth(int64_t year, unsigned month);

// Floor division, for days before 1970.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace rapport::ingest::graph
