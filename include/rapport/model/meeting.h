// The metadata rapport keeps of one meeting occurrence (SPEC §3): who organised it, who was
// invited with which role and response, when it starts and ends, and whether it was cancelled.
// Never a description, location text or attachment.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rapport/model/message.h"

namespace rapport::model {

enum class AttendeeRole : uint8_t { kRequired = 0, kOptional = 1, kChair = 2, kNonParticipant = 3 };

enum class AttendeeResponse : uint8_t {
  kNone = 0,  // not known (Graph "none", or no PARTSTAT and not the organiser)
  kNeedsAction = 1,
  kAccepted = 2,
  kTentative = 3,
  kDeclined = 4,
  kDelegated = 5,
};

struct Attendee {
  Mailbox who;  // people only: rooms, resources and unknown CUTYPEs are left out by the parsers
  AttendeeRole role = AttendeeRole::kRequired;
  AttendeeResponse response = AttendeeResponse::kNone;

  friend bool operator==(const Attendee&, const Attendee&) = default;
};

// What an iCalendar object says it is (RFC 5546 METHOD); exports without METHOD are kPublish.
enum class MeetingMethod : uint8_t { kPublish = 0, kRequest = 1, kReply = 2, kCancel = 3 };

// One occurrence of a meeting. A recurring series is expanded by the parser into occurrences,
// each with the series' uid and its own occurrence_start (the original start, RFC 5545
// RECURRENCE-ID), so that the same occurrence from an invitation e-mail, an .ics export and a
// Graph export is one meeting.
struct MeetingMeta {
  std::string uid;               // iCalendar UID (Graph: iCalUId); never empty
  int64_t occurrence_start = 0;  // UTC seconds: RECURRENCE-ID, or the start of a single event
  Mailbox organizer;             // may be empty (exports of one's own calendar often omit it)
  std::vector<Attendee> attendees;
  Timestamp start;  // UTC seconds and the offset of the zone it was written in
  Timestamp end;    // >= start
  bool all_day = false;
  bool cancelled = false;  // STATUS:CANCELLED, a CANCEL for it, or Graph isCancelled
  int32_t sequence = 0;    // RFC 5545 SEQUENCE: a higher one replaces what a lower one said
  MeetingMethod method = MeetingMethod::kPublish;
};

}  // namespace rapport::model
