// Internals of the Outlook PST/OST reader (outlook_pst.h), shared by its .cc files only:
// ownership of libpff objects and typed reads of MAPI properties.
//
// libpff hands out two kinds of objects: items (folders, messages, recipient tables) that the
// caller owns and must free, and record sets / record entries / name-to-id map entries that are
// views into an item and die with it. Items are held in ItemPtr; views are never kept beyond the
// item they came from. Every libpff call is given a null error pointer (libyal functions accept
// it and then allocate nothing), except where the error text is wanted (opening the file).
#pragma once

// Debian's libpff-dev declares the libbfio-based open functions, whose header (libbfio-dev) it
// does not depend on. They are not used here: turn their declarations off rather than require
// another package.
#include <libpff/features.h>
#undef LIBPFF_HAVE_BFIO
#include <libpff.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/calendar/icalendar.h"
#include "rapport/model/meeting.h"
#include "rapport/model/message.h"
#include "rapport/status.h"

namespace rapport::ingest::pst {

struct ItemFree {
  void operator()(libpff_item_t* item) const { libpff_item_free(&item, nullptr); }
};
using ItemPtr = std::unique_ptr<libpff_item_t, ItemFree>;

// A property set GUID as stored in the file (the first three fields little-endian).
using Guid = std::array<uint8_t, 16>;
// PSETID_Appointment {00062002-0000-0000-C000-000000000046}
inline constexpr Guid kPsetidAppointment = {0x02, 0x20, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00,
                                            0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
// PSETID_Meeting {6ED8DA90-450B-101B-98DA-00AA003F1305}
inline constexpr Guid kPsetidMeeting = {0x90, 0xda, 0xd8, 0x6e, 0x0b, 0x45, 0x1b, 0x10,
                                        0x98, 0xda, 0x00, 0xaa, 0x00, 0x3f, 0x13, 0x05};

// MAPI property tags (the identifier half; value types are checked when read).
namespace tag {
inline constexpr uint32_t kMessageClass = 0x001a;
inline constexpr uint32_t kSubject = 0x0037;
inline constexpr uint32_t kClientSubmitTime = 0x0039;
inline constexpr uint32_t kSentRepresentingName = 0x0042;
inline constexpr uint32_t kStartDate = 0x0060;
inline constexpr uint32_t kEndDate = 0x0061;
inline constexpr uint32_t kSentRepresentingEmail = 0x0065;
inline constexpr uint32_t kTransportHeaders = 0x007d;
inline constexpr uint32_t kRecipientType = 0x0c15;
inline constexpr uint32_t kSenderName = 0x0c1a;
inline constexpr uint32_t kSenderEmail = 0x0c1f;
inline constexpr uint32_t kDeliveryTime = 0x0e06;
inline constexpr uint32_t kInternetMessageId = 0x1035;
inline constexpr uint32_t kInternetReferences = 0x1039;
inline constexpr uint32_t kInReplyToId = 0x1042;
inline constexpr uint32_t kDisplayName = 0x3001;
inline constexpr uint32_t kEmailAddress = 0x3003;
inline constexpr uint32_t kSmtpAddress = 0x39fe;
inline constexpr uint32_t kSenderSmtp = 0x5d01;
inline constexpr uint32_t kSentRepresentingSmtp = 0x5d02;
inline constexpr uint32_t kRecipientFlags = 0x5ffd;
inline constexpr uint32_t kRecipientTrackStatus = 0x5fff;
}  // namespace tag

// Named properties: (property set, long id).
namespace lid {
inline constexpr uint32_t kAppointmentSequence = 0x8201;  // PSETID_Appointment
inline constexpr uint32_t kAppointmentStartWhole = 0x820d;
inline constexpr uint32_t kAppointmentEndWhole = 0x820e;
inline constexpr uint32_t kAppointmentSubType = 0x8215;  // all-day
inline constexpr uint32_t kAppointmentStateFlags = 0x8217;
inline constexpr uint32_t kRecurring = 0x8223;
inline constexpr uint32_t kGlobalObjectId = 0x0003;  // PSETID_Meeting
inline constexpr uint32_t kCleanGlobalObjectId = 0x0023;
}  // namespace lid

// Typed reads of one record set: a message's own properties (set 0) or one recipient row.
// Every read returns nullopt when the property is absent, of another type, or unreadable.
class PropertyRow {
 public:
  PropertyRow(libpff_item_t* item, int set_index);
  bool ok() const { return set_ != nullptr; }

  std::optional<std::string> String(uint32_t tag) const;     // sanitized UTF-8
  std::optional<std::string> RawString(uint32_t tag) const;  // UTF-8 as stored (header blocks)
  std::optional<std::string> Binary(uint32_t tag) const;
  std::optional<int64_t> Time(uint32_t tag) const;  // FILETIME -> Unix seconds
  std::optional<int64_t> Integer(uint32_t tag) const;
  std::optional<bool> Boolean(uint32_t tag) const;

  std::optional<std::string> NamedBinary(const Guid& set, uint32_t lid) const;
  std::optional<int64_t> NamedTime(const Guid& set, uint32_t lid) const;
  std::optional<int64_t> NamedInteger(const Guid& set, uint32_t lid) const;
  std::optional<bool> NamedBoolean(const Guid& set, uint32_t lid) const;

 private:
  libpff_record_entry_t* Find(uint32_t tag) const;
  libpff_record_entry_t* FindNamed(const Guid& set, uint32_t lid) const;

  libpff_record_set_t* set_ = nullptr;  // a view owned by the item
};

// FILETIME (100 ns ticks since 1601-01-01 UTC) -> Unix seconds; nullopt for 0 and for values
// outside years 1970..9999 (Outlook writes 0x0CB34557A3DD4000 = 4501-01-01 for "none").
std::optional<int64_t> FileTimeToUnix(uint64_t filetime);

// The rows of a message's recipient table (empty when it has none or it is unreadable).
class RecipientTable {
 public:
  explicit RecipientTable(libpff_item_t* message);
  int size() const { return count_; }
  PropertyRow Row(int i) const { return PropertyRow(table_.get(), i); }

 private:
  ItemPtr table_;
  int count_ = 0;
};

// A mailbox from MAPI: the first candidate that is an SMTP address (Exchange X.500 DNs such as
// "/o=Org/ou=..." are not) and the display name; address empty when no candidate is usable.
model::Mailbox MapiMailbox(const std::optional<std::string>& name,
                           std::initializer_list<std::optional<std::string>> addresses);

// The author of an item: "sent representing" (From:) before sender (Sender:), as RFC 5322 does.
model::Mailbox MapiAuthor(const PropertyRow& row);

// Mail: from the transport headers when they parse, else from MAPI properties. The status
// message of a rejection is one of the kReject* reasons of message_parser.h.
Result<model::MessageMeta> BuildMessage(libpff_item_t* item, const PropertyRow& row);

// Calendar item -> its occurrences; rejections use the kRejectEvent* reasons of icalendar.h.
Result<std::vector<model::MeetingMeta>> BuildMeeting(libpff_item_t* item, const PropertyRow& row,
                                                     std::string_view message_class);

enum class ItemKind { kMail, kMeeting, kOther };
ItemKind Classify(std::string_view message_class, const PropertyRow& row);

}  // namespace rapport::ingest::pst
