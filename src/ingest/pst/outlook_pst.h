// OutlookPstReader: an Outlook personal folder file (PST/OST) -> messages and meetings, through
// libpff.
//
// Contract:
// * Walks every folder. A mail item becomes a MessageMeta: from its transport headers
//   (PR_TRANSPORT_MESSAGE_HEADERS) through ingest::ParseMessage when present, otherwise from
//   MAPI properties (sender SMTP address and name, the recipient table with MAPI_TO/CC/BCC,
//   client submit time or delivery time, PR_INTERNET_MESSAGE_ID). A calendar item (message class
//   IPM.Appointment*, IPM.Schedule.Meeting.*) becomes meeting occurrences (organizer, attendees
//   from the recipient table, start/end, all-day flag, cancelled), with its global object id as
//   uid when present.
// * `location` of each item is the folder path ("/Top of Personal Folders/Inbox") and its index,
//   so provenance says where in the file it was.
// * An item that cannot be used is reported through `on_reject` with a reason; a file that is
//   not a PST, is encrypted with a password or is corrupt gives a non-OK Status and nothing else.
//   Bodies and attachments are never read. Never crashes.
#pragma once

#include <functional>
#include <string>

#include "ingest/calendar/icalendar.h"
#include "rapport/model/meeting.h"
#include "rapport/model/message.h"
#include "rapport/status.h"

namespace rapport::ingest {

inline constexpr std::string_view kRejectPstCorrupt = "not a readable Outlook PST/OST file";
// An item or folder inside a readable file that libpff cannot read (a damaged part of the file).
inline constexpr std::string_view kRejectPstItemUnreadable =
    "unreadable item in an Outlook PST/OST file";

struct PstItem {
  std::string folder_path;
  uint64_t index = 0;  // the item's position in the walk, stable for an unchanged file
  bool is_meeting = false;
  model::MessageMeta message;               // when !is_meeting
  std::vector<model::MeetingMeta> meeting;  // when is_meeting: its occurrences
};

Status ReadOutlookPst(const std::string& path, const ExpansionWindow& window,
                      const std::function<void(PstItem&&)>& on_item,
                      const std::function<void(std::string_view reason)>& on_reject);

}  // namespace rapport::ingest
