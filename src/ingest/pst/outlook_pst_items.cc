// Outlook items -> MessageMeta / MeetingMeta (see outlook_pst.h for the contract).

#include <cctype>
#include <cstdio>
#include <cstring>

#include "ingest/mail/encoded_word.h"
#include "ingest/mail/header_block.h"
#include "ingest/mail/message_id.h"
#include "ingest/mail/message_parser.h"
#include "ingest/pst/outlook_pst_internal.h"

namespace rapport::ingest::pst {
namespace {

// PidTagRecipientType: MAPI_TO, MAPI_CC, MAPI_BCC (a resource, for meetings); MAPI_P1 marks a
// row kept for a resend, a duplicate of another row.
constexpr int64_t kMapiTo = 1, kMapiCc = 2, kMapiBcc = 3, kMapiP1 = 0x10000000;
// PidTagRecipientFlags (MS-OXOCAL 2.2.4.10.1).
constexpr int64_t kRecipOrganizer = 0x2, kRecipExceptionalDeleted = 0x20;
// PidLidAppointmentStateFlags: asfCanceled.
constexpr int64_t kStateCanceled = 0x4;
// The GlobalObjectId layout (MS-OXOCAL 2.2.1.27): 16-byte class id, 4 bytes of instance date
// (zero in the series' id), 8 creation time, 8 reserved, 4 data size, then data.
constexpr size_t kGoidInstanceDate = 16, kGoidSizeField = 36, kGoidData = 40;
constexpr std::string_view kVcalUidMarker("vCal-Uid\x01\x00\x00\x00", 12);

// Message classes are compared per dot-separated part, case-insensitively (MAPI says they are):
// "IPM.Note" covers "IPM.Note.SMIME" but not "IPM.Notes".
bool ClassIs(std::string_view message_class, std::string_view base) {
  return StartsWithIgnoreCase(message_class, base) &&
         (message_class.size() == base.size() || message_class[base.size()] == '.');
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

uint32_t LittleEndian32(std::string_view b, size_t at) {
  auto u = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(b[at + i])); };
  return u(0) | u(1) << 8 | u(2) << 16 | u(3) << 24;
}

// The iCalendar UID Outlook exports for a GlobalObjectId (MS-OXCICAL 2.1.3.1.1.20.26): the
// "vCal-Uid" string embedded by non-Outlook organisers, else the hex of the id with the instance
// date cleared, so the same meeting read from an .ics file and from a PST is one meeting.
std::string UidFromGlobalObjectId(std::string goid) {
  if (goid.size() >= kGoidInstanceDate + 4) {
    goid.replace(kGoidInstanceDate, 4, 4, '\0');  // (not memset: g++ 12 -O3 misreads the bounds)
  }
  if (goid.size() >= kGoidData + kVcalUidMarker.size()) {
    uint32_t size = LittleEndian32(goid, kGoidSizeField);
    std::string_view data = std::string_view(goid).substr(kGoidData, size);
    if (data.substr(0, kVcalUidMarker.size()) == kVcalUidMarker) {
      std::string_view uid = data.substr(kVcalUidMarker.size());
      uid = uid.substr(0, uid.find('\0'));
      std::string clean = SanitizeText(uid);
      if (!clean.empty()) return clean;
    }
  }
  return Hex(goid);
}

std::string MeetingUid(libpff_item_t* item, const PropertyRow& row) {
  auto goid = row.NamedBinary(kPsetidMeeting, lid::kCleanGlobalObjectId);
  if (!goid || goid->empty()) goid = row.NamedBinary(kPsetidMeeting, lid::kGlobalObjectId);
  if (goid && !goid->empty()) return UidFromGlobalObjectId(std::move(*goid));
  uint32_t id = 0;
  libpff_item_get_identifier(item, &id, nullptr);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%x", id);
  return std::string("pst:") + buf;
}

model::Mailbox RecipientMailbox(const PropertyRow& r) {
  return MapiMailbox(r.String(tag::kDisplayName),
                     {r.String(tag::kSmtpAddress), r.String(tag::kEmailAddress)});
}

void AddRecipients(libpff_item_t* item, model::MessageMeta& meta) {
  RecipientTable table(item);
  for (int i = 0; i < table.size(); ++i) {
    PropertyRow r = table.Row(i);
    int64_t type = r.Integer(tag::kRecipientType).value_or(0);
    if (type & kMapiP1) continue;
    model::Mailbox box = RecipientMailbox(r);
    if (box.address.empty() && box.name.empty()) continue;
    switch (type & 0xff) {
      case kMapiTo:
        meta.to.push_back(std::move(box));
        break;
      case kMapiCc:
        meta.cc.push_back(std::move(box));
        break;
      case kMapiBcc:
        meta.bcc.push_back(std::move(box));
        break;
      default:
        break;
    }
  }
}

// PidTagRecipientTrackStatus: 0 none, 1 organised, 2 tentative, 3 accepted, 4 declined,
// 5 not responded.
model::AttendeeResponse Response(int64_t track_status) {
  switch (track_status) {
    case 2:
      return model::AttendeeResponse::kTentative;
    case 3:
      return model::AttendeeResponse::kAccepted;
    case 4:
      return model::AttendeeResponse::kDeclined;
    case 5:
      return model::AttendeeResponse::kNeedsAction;
    default:
      return model::AttendeeResponse::kNone;
  }
}

void AddAttendees(libpff_item_t* item, model::MeetingMeta& m) {
  RecipientTable table(item);
  for (int i = 0; i < table.size(); ++i) {
    PropertyRow r = table.Row(i);
    int64_t flags = r.Integer(tag::kRecipientFlags).value_or(0);
    model::Mailbox box = RecipientMailbox(r);
    if (flags & kRecipOrganizer) {
      if (m.organizer.address.empty()) m.organizer = std::move(box);
      continue;
    }
    int64_t type = r.Integer(tag::kRecipientType).value_or(0);
    // Without an SMTP address there is no person to resolve; BCC rows of a meeting are
    // resources (rooms, equipment), which are not people.
    if ((flags & kRecipExceptionalDeleted) || (type & kMapiP1) || box.address.empty()) continue;
    model::Attendee a;
    a.who = std::move(box);
    a.response = Response(r.Integer(tag::kRecipientTrackStatus).value_or(0));
    if ((type & 0xff) == kMapiTo) {
      a.role = model::AttendeeRole::kRequired;
    } else if ((type & 0xff) == kMapiCc) {
      a.role = model::AttendeeRole::kOptional;
    } else {
      continue;
    }
    m.attendees.push_back(std::move(a));
  }
}

bool IsCancelled(const PropertyRow& row, std::string_view message_class) {
  if (ClassIs(message_class, "IPM.Schedule.Meeting.Canceled")) return true;
  if (auto flags = row.NamedInteger(kPsetidAppointment, lid::kAppointmentStateFlags)) {
    return (*flags & kStateCanceled) != 0;
  }
  // Only when the state flags are missing: Outlook prefixes the subject of a cancelled meeting.
  return StartsWithIgnoreCase(row.String(tag::kSubject).value_or(""), "Canceled:");
}

model::MeetingMethod Method(std::string_view message_class) {
  if (ClassIs(message_class, "IPM.Schedule.Meeting.Request")) return model::MeetingMethod::kRequest;
  if (ClassIs(message_class, "IPM.Schedule.Meeting.Canceled")) {
    return model::MeetingMethod::kCancel;
  }
  return model::MeetingMethod::kPublish;
}

Result<model::MessageMeta> MessageFromMapi(libpff_item_t* item, const PropertyRow& row) {
  model::MessageMeta meta;
  meta.from = MapiAuthor(row);
  if (meta.from.address.empty()) return Status::InvalidArgument(std::string(kRejectNoSender));
  auto sent = row.Time(tag::kClientSubmitTime);
  if (!sent) sent = row.Time(tag::kDeliveryTime);
  if (!sent) return Status::InvalidArgument(std::string(kRejectNoDate));
  meta.sent = {*sent, 0};  // MAPI times are UTC; the sender's offset is not recorded
  meta.message_id = ParseMessageId(row.String(tag::kInternetMessageId).value_or(""));
  meta.in_reply_to = ParseMessageId(row.String(tag::kInReplyToId).value_or(""));
  meta.references = ParseMessageIds(row.String(tag::kInternetReferences).value_or(""));
  meta.subject = row.String(tag::kSubject).value_or("");
  AddRecipients(item, meta);
  meta.fingerprint = ComputeFingerprint(meta);
  return meta;
}

}  // namespace

ItemKind Classify(std::string_view message_class, const PropertyRow& row) {
  for (std::string_view c :
       {"IPM.Appointment", "IPM.Schedule.Meeting.Request", "IPM.Schedule.Meeting.Canceled"}) {
    if (ClassIs(message_class, c)) return ItemKind::kMeeting;
  }
  // Items that are neither mail nor meetings, even when they carry a sender.
  for (std::string_view c : {"IPM.Contact", "IPM.DistList", "IPM.Task", "IPM.StickyNote",
                             "IPM.Activity", "IPM.Microsoft", "IPM.Configuration", "IPC"}) {
    if (ClassIs(message_class, c)) return ItemKind::kOther;
  }
  if (ClassIs(message_class, "IPM.Note")) return ItemKind::kMail;
  return MapiAuthor(row).address.empty() ? ItemKind::kOther : ItemKind::kMail;
}

Result<model::MessageMeta> BuildMessage(libpff_item_t* item, const PropertyRow& row) {
  // The transport headers are what the recipient's server received, so they carry the
  // sender's offset, References and list markers that MAPI does not keep. When they do not parse
  // (Outlook's own test messages have no Date:), MAPI properties still describe the message.
  if (auto headers = row.RawString(tag::kTransportHeaders); headers && !headers->empty()) {
    auto parsed = ParseMessage(*headers);
    if (parsed.ok()) return parsed;
  }
  return MessageFromMapi(item, row);
}

Result<std::vector<model::MeetingMeta>> BuildMeeting(libpff_item_t* item, const PropertyRow& row,
                                                     std::string_view message_class) {
  // PidLidAppointmentStartWhole/EndWhole; PR_START_DATE/PR_END_DATE, which Outlook also writes,
  // when the named properties are missing.
  auto start = row.NamedTime(kPsetidAppointment, lid::kAppointmentStartWhole);
  if (!start) start = row.Time(tag::kStartDate);
  if (!start) return Status::InvalidArgument(std::string(kRejectEventNoStart));
  auto end = row.NamedTime(kPsetidAppointment, lid::kAppointmentEndWhole);
  if (!end) end = row.Time(tag::kEndDate);
  if (!end) end = start;
  if (*end < *start) return Status::InvalidArgument(std::string(kRejectEventBadEnd));

  model::MeetingMeta m;
  m.uid = MeetingUid(item, row);
  m.occurrence_start = *start;
  // Stored in UTC; an all-day event is kept as Outlook stored it (local midnights in UTC), since
  // the time zone blob that would give the dates is not decoded.
  m.start = {*start, 0};
  m.end = {*end, 0};
  m.all_day = row.NamedBoolean(kPsetidAppointment, lid::kAppointmentSubType).value_or(false);
  m.cancelled = IsCancelled(row, message_class);
  m.sequence = static_cast<int32_t>(
      row.NamedInteger(kPsetidAppointment, lid::kAppointmentSequence).value_or(0));
  m.method = Method(message_class);
  m.organizer = MapiAuthor(row);
  AddAttendees(item, m);
  // A recurring series (PidLidRecurring) yields its first occurrence only: the recurrence
  // pattern blob (PidLidAppointmentRecur, MS-OXOCAL 2.2.1.44) is not decoded, so later
  // occurrences and exceptions are not known here.
  std::vector<model::MeetingMeta> out;
  out.push_back(std::move(m));
  return out;
}

}  // namespace rapport::ingest::pst
