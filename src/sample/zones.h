// The time zones the sample's offices are in, with their daylight-saving rules, and the date
// formats calendars and Microsoft Graph write. The mail generator gives every person a fixed
// UTC offset; calendars need real zones, because a weekly 10:00 meeting stays at 10:00 local time
// when the clocks change, so its UTC start moves.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rapport::sample {

enum class DstRule : uint8_t {
  kNone,
  kUs,  // second Sunday of March 02:00 local to first Sunday of November 02:00 local
  kEu,  // last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC
};

struct OfficeZone {
  int std_offset;  // minutes east of UTC outside daylight-saving time
  DstRule rule;
  std::string_view iana;     // "America/Los_Angeles"
  std::string_view windows;  // "Pacific Standard Time", as Exchange writes TZIDs
  std::string_view std_abbr, dst_abbr;
  // The VTIMEZONE observances: DTSTART (local) and RRULE of each transition.
  std::string_view dst_start, dst_rrule, std_start, std_rrule;
};

// The office zones, indexed by the numbers MeetingPlan stores; kPacificZone is one of them.
int ZoneCount();
const OfficeZone& Zone(int index);
inline constexpr int kPacificZone = 0;

// The index of the office zone whose standard offset is `offset_minutes`, or -1.
int ZoneIndexForOffset(int offset_minutes);

// Minutes east of UTC in `zone` at the instant `utc`.
int OffsetAt(const OfficeZone& zone, int64_t utc);

// The UTC instant of a local wall-clock time (seconds since the epoch as if local were UTC).
// Exact for wall times away from the night-time transitions, which is all meetings use.
int64_t UtcFromLocal(const OfficeZone& zone, int64_t local);

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12, day 1..31).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

// "20260304T091500" (iCalendar DATE-TIME without zone) of seconds since the epoch.
void AppendIcsDateTime(std::string& out, int64_t seconds);
// "20260304" (iCalendar DATE) of days since the epoch.
void AppendIcsDate(std::string& out, int64_t days);
// "2026-03-04T09:15:00Z": Graph's DateTimeOffset in UTC.
void AppendIsoUtc(std::string& out, int64_t utc);
// "2026-03-04T09:15:00.0000000": Graph's dateTimeTimeZone.dateTime.
void AppendGraphDateTime(std::string& out, int64_t seconds);
// "2026-03-04": a Graph date.
void AppendIsoDate(std::string& out, int64_t days);

}  // namespace rapport::sample
