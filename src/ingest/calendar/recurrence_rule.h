// What libical is given of an RRULE. libical's iterator looks for the next occurrence by trying
// every candidate at the rule's frequency until one passes the BY parts, for as long as it takes:
// a rule whose BY parts never or rarely match keeps it busy for years of candidates (13 s for
// FREQ=HOURLY;BYMONTH=10;BYDAY=-1SU, found by the fuzzer; minutes for MINUTELY). So rules it
// would scan without end are refused, and the others end where the window does.
// Internal to src/ingest/calendar.
#pragma once

#include <libical/ical.h>

#include <cstdint>

namespace rapport::ingest {

// Whether rapport expands `rule` at all. Not:
// * rules RFC 5545 (3.3.10) forbids: a BYDAY with a number when FREQ is not MONTHLY or YEARLY,
//   BYWEEKNO when FREQ is not YEARLY (libical finds no occurrence of them, after a long scan);
// * rules every minute or every second limited to some days (BYMONTH, BYMONTHDAY, BYYEARDAY,
//   BYDAY, BYWEEKNO, BYSETPOS): libical would try every minute between two such days, and no
//   calendar schedules meetings that way.
// The event keeps its DTSTART (and RDATEs) either way.
bool ExpandableRule(const icalrecurrencetype& rule);

// `rule` with an UNTIL no later than two days past `end_utc` (the window's end; occurrences
// after it are not used), of DTSTART's type (a date for all-day series), so that libical stops
// looking there. A rule with COUNT is returned unchanged: RFC 5545 allows COUNT or UNTIL, not
// both (the caller counts instead; see ExpandRule).
icalrecurrencetype EndingBy(icalrecurrencetype rule, const icaltimetype& dtstart, int64_t end_utc);

}  // namespace rapport::ingest
