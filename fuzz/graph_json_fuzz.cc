// libFuzzer target: the Microsoft Graph JSON parser on arbitrary bytes, with a fixed window.
//
// Besides "no crash and no sanitizer report", it checks what graph_json.h promises: every text
// handed on is valid UTF-8 without control characters, an event ends no earlier than it starts
// and has a uid, an accepted message has a sender address, and no series yields more than
// kMaxOccurrencesPerSeries occurrences.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/graph_json.h"

namespace rapport::ingest {
namespace {

// 2000-01-01 .. 2030-01-01 UTC.
constexpr ExpansionWindow kWindow{946684800, 1893456000};

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629 §4), or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  size_t n = b < 0x80                 ? 1
             : b >= 0xC2 && b <= 0xDF ? 2
             : b >= 0xE0 && b <= 0xEF ? 3
             : b >= 0xF0 && b <= 0xF4 ? 4
                                      : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  if (n == 3 && ((b == 0xE0 && byte(i + 1) < 0xA0) || (b == 0xED && byte(i + 1) >= 0xA0))) return 0;
  if (n == 4 && ((b == 0xF0 && byte(i + 1) < 0x90) || (b == 0xF4 && byte(i + 1) >= 0x90))) return 0;
  return n;
}

// Valid UTF-8 without C0, DEL or C1 control characters.
bool IsCleanText(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8Length(s, i);
    if (n == 0) return false;
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b == 0x7F) return false;
    if (b == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) return false;
    i += n;
  }
  return true;
}

// Aborts with the broken invariant and the offending value, so libFuzzer saves the input.
void Require(bool ok, const char* invariant, std::string_view value) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s: \"%.*s\"\n", invariant,
               static_cast<int>(value.size()), value.data());
  std::abort();
}

void Clean(std::string_view s, const char* what) {
  Require(IsCleanText(s), what, s);
}

void CheckMailbox(const model::Mailbox& m) {
  Clean(m.name, "mailbox name is clean UTF-8");
  Clean(m.address, "mailbox address is clean UTF-8");
}

void CheckMessage(const GraphMessage& msg) {
  const model::MessageMeta& m = msg.meta;
  Clean(msg.graph_id, "message id is clean");
  Require(m.from.address.find('@') != std::string::npos, "sender has an '@'", m.from.address);
  CheckMailbox(m.from);
  for (const auto* list : {&m.to, &m.cc, &m.bcc}) {
    for (const auto& r : *list) CheckMailbox(r);
  }
  for (const std::string* s : {&m.message_id, &m.in_reply_to, &m.subject, &m.bulk.list_id,
                               &m.bulk.precedence, &m.bulk.auto_submitted}) {
    Clean(*s, "message text is clean UTF-8");
  }
  for (const auto& id : m.references) Clean(id, "reference is clean");
}

void CheckEvent(const GraphEvent& e) {
  const model::MeetingMeta& m = e.meta;
  Clean(e.graph_id, "event id is clean");
  Require(!m.uid.empty(), "event has a uid", e.graph_id);
  Clean(m.uid, "event uid is clean");
  Require(m.end.utc_seconds >= m.start.utc_seconds, "event ends no earlier than it starts", m.uid);
  CheckMailbox(m.organizer);
  for (const auto& a : m.attendees) CheckMailbox(a.who);
}

void CheckUser(const GraphUser& u) {
  for (const std::string* s : {&u.graph_id, &u.display_name, &u.mail, &u.user_principal_name}) {
    Clean(*s, "user text is clean UTF-8");
  }
  for (const auto& a : u.aliases) Clean(a, "alias is clean");
}

}  // namespace
}  // namespace rapport::ingest

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::ingest;  // NOLINT: a fuzz entry point
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto result = ParseGraphJson(input, kWindow);
  if (!result.ok()) return 0;
  for (const auto& m : result->messages) CheckMessage(m);
  for (const auto& e : result->events) CheckEvent(e);
  // Each series is at least one JSON object, and yields at most kMaxOccurrencesPerSeries.
  size_t objects = static_cast<size_t>(std::count(input.begin(), input.end(), '{'));
  Require(result->events.size() <= objects * kMaxOccurrencesPerSeries, "bounded occurrences", "");
  for (const auto& u : result->users) CheckUser(u);
  for (const auto& r : result->removed) Clean(r.graph_id, "tombstone id is clean");
  Clean(result->next_link, "next link is clean");
  Clean(result->delta_link, "delta link is clean");
  return 0;
}
