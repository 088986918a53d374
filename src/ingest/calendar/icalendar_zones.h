// Times and time zones for the iCalendar parser: a TZID as real files write it -> a libical zone,
// and a DTSTART-like property -> UTC seconds and offset.
//
// Contract: a TZID is resolved, in this order, through the VTIMEZONE of the same VCALENDAR (when
// its rules are ones libical can expand cheaply and its offsets within ±18:00), libical's Olson
// zones (read from the system tzdata; absent tzdata means only "UTC"/"GMT" resolve), the Olson name
// at the end of a prefixed TZID ("/mozilla.org/20050126_1/Europe/Berlin"), and the Windows zone ids
// and Outlook display names Exchange writes ("W. Europe Standard Time", "(UTC-08:00) Pacific Time
// (US & Canada)"). Returns nullptr when nothing resolves it.
#pragma once

#include <libical/ical.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "rapport/model/message.h"

namespace rapport::ingest {

// The IANA name for a Windows zone id or display name, or empty when unknown. A display name
// that is not in the table but starts with a whole-hour "(UTC+hh:00)" maps to a fixed Etc/GMT
// zone: right at least outside daylight saving time, better than losing the meeting.
std::string WindowsZoneToIana(std::string_view name);

icaltimezone* ResolveTimeZone(icalcomponent* calendar, std::string_view tzid);

// A time as written: local fields and the zone they are in (nullptr: UTC, or floating, which
// rapport reads as UTC; dates are all-day and also read in UTC).
struct When {
  icaltimetype local = icaltime_null_time();
  icaltimezone* zone = nullptr;
};

enum class TimeError { kNone, kInvalid, kUnknownZone };

// Reads the time `t` of `prop` (DTSTART, EXDATE, ...) and resolves its TZID in `calendar`.
// kInvalid for a null or out-of-range time (years 1..9999).
TimeError MakeWhen(icaltimetype t, icalproperty* prop, icalcomponent* calendar, When& out);

bool IsValidTime(const icaltimetype& t);
int64_t CivilSeconds(const icaltimetype& t);                // fields as if in UTC
int OffsetAtLocal(icaltimezone* zone, icaltimetype local);  // seconds; 0 for UTC and dates
int OffsetAtUtc(icaltimezone* zone, int64_t utc);           // seconds
model::Timestamp ToTimestamp(const When& w);

}  // namespace rapport::ingest
