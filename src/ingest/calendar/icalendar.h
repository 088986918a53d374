// ICalendarParser: RFC 5545 iCalendar text -> meeting occurrences (MeetingMeta), through libical.
//
// Contract:
// * Every VEVENT of every VCALENDAR in `data` is read. ORGANIZER and ATTENDEEs become Mailboxes
//   ("mailto:" stripped, domain lower-cased, CN as the name); attendees whose CUTYPE is ROOM,
//   RESOURCE or UNKNOWN are left out (rooms are not people). ROLE and PARTSTAT map to
//   model::AttendeeRole / AttendeeResponse.
// * DTSTART/DTEND/DURATION with TZID resolved through the file's VTIMEZONEs, libical's built-in
//   Olson zones, and the Windows zone names Exchange writes ("Pacific Standard Time", ...).
//   An all-day event spans its dates in UTC. A missing DTEND means DURATION, else one day for
//   all-day events and zero length otherwise (RFC 5545 §3.6.1).
// * Recurrence (RRULE, RDATE, EXDATE) is expanded into occurrences whose start lies in
//   [window.start_utc, window.end_utc); RECURRENCE-ID overrides replace their occurrence. The
//   work is linear in the occurrences visited and stops at the window end, so COUNT=10^9 or an
//   endless rule cannot run away; at most kMaxOccurrencesPerSeries are produced per series.
//   A rule rapport does not expand (recurrence_rule.h) is counted in `rules_not_expanded`.
// * METHOD (REQUEST/REPLY/CANCEL, else PUBLISH) is copied to each occurrence; STATUS:CANCELLED
//   marks an occurrence cancelled. SEQUENCE is copied.
// * A VEVENT that cannot be used (no UID, no or bad DTSTART, end before start, unknown TZID that
//   no rule resolves) is skipped and its reason (one of the fixed strings below) is added to
//   `rejected`; the rest of the file is still read. Text that is not iCalendar at all gives a
//   non-OK Result. Never crashes, whatever the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/ingest/expansion_window.h"
#include "rapport/model/meeting.h"
#include "rapport/status.h"

namespace rapport::ingest {

inline constexpr size_t kMaxOccurrencesPerSeries = 20000;

inline constexpr std::string_view kRejectNotICalendar = "not iCalendar (no VCALENDAR component)";
inline constexpr std::string_view kRejectEventNoUid = "event without UID";
inline constexpr std::string_view kRejectEventNoStart = "event without a valid DTSTART";
inline constexpr std::string_view kRejectEventBadEnd = "event ends before it starts";
inline constexpr std::string_view kRejectEventUnknownZone = "event in an unknown time zone";
// What ingest reports for each RRULE it does not expand (recurrence_rule.h: rules RFC 5545
// forbids, and every-minute or every-second rules limited to some days).
inline constexpr std::string_view kSkipRuleNotExpanded =
    "recurrence rule not expanded (RFC 5545 forbids it, or it repeats every minute or second "
    "on some days): its event kept DTSTART and RDATEs only";

struct ICalendarResult {
  std::vector<model::MeetingMeta> meetings;
  std::vector<std::string> rejected;  // one reason per VEVENT that was skipped
  size_t rules_not_expanded = 0;      // RRULEs of kept events left unexpanded
};

Result<ICalendarResult> ParseICalendar(std::string_view data, const ExpansionWindow& window);

}  // namespace rapport::ingest
