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

#include "ingest/graph/graph_json.h"

#include "fuzz_invariants.h"

namespace rapport::ingest {
namespace {

using fuzz::CheckMailbox;
using fuzz::IsCleanText;
using fuzz::Require;

// 2000-01-01 .. 2030-01-01 UTC.
constexpr ExpansionWindow kWindow{946684800, 1893456000};

void Clean(std::string_view s, const char* what) {
  Require(IsCleanText(s), what, s);
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
