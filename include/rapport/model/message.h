// The metadata rapport keeps of one email message (SPEC §3). Never a body, never an attachment.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace rapport::model {

// One mailbox from an address header: "Display Name <local@domain>".
// `address` is the addr-spec with the domain lower-cased; empty when the header had only a name.
struct Mailbox {
  std::string name;     // decoded display name (RFC 2047 words turned into UTF-8); may be empty
  std::string address;  // local@domain; local part kept as written, domain lower-cased

  friend bool operator==(const Mailbox&, const Mailbox&) = default;
};

enum class ParticipantRole : uint8_t { kFrom = 0, kTo = 1, kCc = 2, kBcc = 3 };

// A point in time as the message stated it: seconds since the Unix epoch (UTC) and the offset
// from UTC the sender wrote, in minutes (so the local time can be shown as the sender saw it).
struct Timestamp {
  int64_t utc_seconds = 0;
  int32_t offset_minutes = 0;

  friend bool operator==(const Timestamp&, const Timestamp&) = default;
};

// 16 bytes that identify the content of a message independent of its Message-ID: the same real
// message copied into several mailboxes (each copy with its own Message-ID) has one fingerprint.
using Fingerprint = std::array<uint8_t, 16>;

// Markers that say a message is bulk or machine-made, so it never makes a relationship.
struct BulkMarkers {
  std::string list_id;         // List-Id header value (the <...> part), empty when absent
  std::string precedence;      // Precedence: bulk | list | junk | ..., lower-cased
  std::string auto_submitted;  // Auto-Submitted: auto-generated | auto-replied | ..., lower-cased
  bool list_unsubscribe = false;

  bool IsBulk() const {
    return !list_id.empty() || list_unsubscribe || precedence == "bulk" || precedence == "list" ||
           precedence == "junk" || (!auto_submitted.empty() && auto_submitted != "no");
  }
};

// What a message says about who one of its addresses is, beyond the address itself. Exchange and
// Notes exports name the sender and recipients as the directory knew them (the X-From, X-To and
// X-cc fields of the Enron release): "Lohman, TK </O=ENRON/OU=NA/CN=RECIPIENTS/CN=TLOHMAN>".
struct IdentityHint {
  std::string address;  // an address of From/To/Cc, exactly as in its Mailbox
  std::string alias;    // another address of the same mailbox (an X.500 DN, ...); may be empty
  std::string name;     // a display name of that mailbox; may be empty

  friend bool operator==(const IdentityHint&, const IdentityHint&) = default;
};

struct MessageMeta {
  std::string message_id;  // without angle brackets; empty when the header was absent/invalid
  Timestamp sent;
  Mailbox from;  // the author (From:, else Sender:)
  std::vector<Mailbox> to, cc, bcc;
  std::string in_reply_to;              // first msg-id of In-Reply-To, without brackets
  std::vector<std::string> references;  // msg-ids of References, in order, without brackets
  BulkMarkers bulk;
  std::string subject;  // decoded; kept in the store only when the tenant turns keep_subjects on
  Fingerprint fingerprint{};
  std::vector<IdentityHint> identity_hints;  // not part of the fingerprint
};

}  // namespace rapport::model
