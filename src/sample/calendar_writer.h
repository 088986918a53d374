// Meetings as iCalendar (RFC 5545): one export per user, as a calendar client would save it, and
// invitation e-mails (RFC 6047 iMIP, METHOD:REQUEST) carrying the same VEVENT.
//
// The same meeting has the same UID and the same VEVENT text in every file it appears in, so a
// reader that dedupes on UID and occurrence sees one meeting however many exports name it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rapport/status.h"
#include "sample/meetings.h"
#include "sample/organisation.h"
#include "sample/output.h"
#include "sample/population.h"

namespace rapport::sample {

struct CalendarFiles {
  uint64_t files = 0;
  uint64_t bytes = 0;
};

// Writes out_dir/calendar/<mailbox>.ics for every user (mailboxes[u] is user u's local part):
// CRLF line ends, lines folded at 75 octets, a VTIMEZONE for every TZID used.
Result<CalendarFiles> WriteCalendars(const std::string& out_dir, const OrganisationSpec& spec,
                                     const Population& pop, const MeetingPlan& plan,
                                     const std::vector<std::string>& mailboxes);

// Composes the invitation e-mail for `meeting` with Message-ID number `number` into `text`
// (LF line ends, like the rest of the mail) and describes it in `facts`. Returns the user whose
// mailbox keeps it: the organiser when internal, else the first internal attendee.
uint32_t ComposeInvitation(const OrganisationSpec& spec, const Population& pop,
                           const MeetingPlan& plan, const Meeting& meeting, uint64_t number,
                           std::string& text, MessageFacts& facts);

}  // namespace rapport::sample
