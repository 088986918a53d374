// libFuzzer target: rapport's header parsers on arbitrary bytes.
//
// Besides "no crash and no sanitizer report", it checks what the parser contracts promise to the
// layers above: an accepted message has a sender address with an '@'; every text handed on
// (display names, addresses, subject, message ids, decoded header text) is valid UTF-8 without
// control characters; a parsed date lies within the years and zones ParseDateTime accepts; every
// identity hint names one of the message's From/To/Cc addresses.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "ingest/mail/address_list.h"
#include "ingest/mail/date_time.h"
#include "ingest/mail/encoded_word.h"
#include "ingest/mail/message_id.h"
#include "ingest/mail/message_parser.h"

#include "fuzz_invariants.h"

namespace rapport::ingest {
namespace {

using fuzz::CheckMailbox;
using fuzz::IsCleanText;
using fuzz::Require;

void CheckMailboxes(const std::vector<model::Mailbox>& mailboxes) {
  for (const auto& m : mailboxes) CheckMailbox(m);
}

// identity_hints.h: a hint names an address of From, To or Cc exactly as parsed, and says
// something (an alias or a name) in clean text.
void CheckHints(const model::MessageMeta& meta) {
  for (const auto& h : meta.identity_hints) {
    bool known = h.address == meta.from.address;
    for (const auto* list : {&meta.to, &meta.cc}) {
      for (const auto& m : *list) known = known || m.address == h.address;
    }
    Require(known && !h.address.empty(), "hint address is a From/To/Cc address", h.address);
    Require(!h.alias.empty() || !h.name.empty(), "hint has an alias or a name", h.address);
    Require(IsCleanText(h.alias), "hint alias is clean UTF-8", h.alias);
    Require(IsCleanText(h.name), "hint name is clean UTF-8", h.name);
  }
}

void CheckMessage(std::string_view input) {
  Result<model::MessageMeta> meta = ParseMessage(input);
  if (!meta.ok()) return;
  const std::string& from = meta->from.address;
  Require(!from.empty() && from.find('@') != std::string::npos, "accepted sender has an '@'", from);
  CheckMailbox(meta->from);
  for (const auto* list : {&meta->to, &meta->cc, &meta->bcc}) CheckMailboxes(*list);
  Require(IsCleanText(meta->subject), "subject is clean UTF-8", meta->subject);
  Require(IsCleanText(meta->message_id), "message id is clean UTF-8", meta->message_id);
  Require(IsCleanText(meta->in_reply_to), "in-reply-to is clean UTF-8", meta->in_reply_to);
  for (const auto& id : meta->references) Require(IsCleanText(id), "reference is clean", id);
  CheckHints(*meta);
}

// date_time.h: years 1900..9999 and zones within ±18:00, so the instant is within these bounds.
void CheckDate(std::string_view input) {
  auto date = ParseDateTime(input);
  if (!date) return;
  constexpr int64_t kDay = 86400, kMaxZone = 18 * 3600;
  const int64_t earliest = DaysFromCivil(1900, 1, 1) * kDay - kMaxZone;
  const int64_t latest = DaysFromCivil(9999, 12, 31) * kDay + kDay - 1 + kMaxZone;
  Require(date->offset_minutes >= -18 * 60 && date->offset_minutes <= 18 * 60, "zone within ±18:00",
          input);
  Require(date->utc_seconds >= earliest && date->utc_seconds <= latest, "year in 1900..9999",
          input);
}

// The field parsers on the whole input, as if it were one header value.
void CheckFieldParsers(std::string_view input) {
  CheckMailboxes(ParseAddressList(input));
  CheckDate(input);
  for (const auto& id : ParseMessageIds(input)) Require(IsCleanText(id), "message id", id);
  std::string text = DecodeHeaderText(input);
  Require(IsCleanText(text), "decoded header text is clean UTF-8", text);
}

}  // namespace
}  // namespace rapport::ingest

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  rapport::ingest::CheckMessage(input);
  rapport::ingest::CheckFieldParsers(input);
  return 0;
}
