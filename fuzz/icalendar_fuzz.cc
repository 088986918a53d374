// libFuzzer target: ParseICalendar on arbitrary bytes, with a fixed two-year window.
//
// Besides "no crash, no sanitizer report, no leak", it checks what icalendar.h promises the layers
// above: every meeting has a uid, ends at or after its start, and a series never yields more than
// kMaxOccurrencesPerSeries occurrences; every text handed on is valid UTF-8 without control
// characters; a failed parse says why.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "ingest/calendar/icalendar.h"

#include "fuzz_invariants.h"

namespace rapport::ingest {
namespace {

using fuzz::CheckMailbox;
using fuzz::IsCleanText;
using fuzz::Require;

constexpr ExpansionWindow kWindow{1577836800, 1640995200};  // [2020-01-01, 2022-01-01) UTC

void CheckMeeting(const model::MeetingMeta& m) {
  Require(!m.uid.empty(), "meeting has a uid", m.uid);
  Require(IsCleanText(m.uid), "uid is clean UTF-8", m.uid);
  Require(m.end.utc_seconds >= m.start.utc_seconds, "end >= start", m.uid);
  Require(m.start.offset_minutes >= -24 * 60 && m.start.offset_minutes <= 24 * 60,
          "offset within a day", m.uid);
  CheckMailbox(m.organizer);
  for (const auto& a : m.attendees) CheckMailbox(a.who);
}

void Check(std::string_view input) {
  Result<ICalendarResult> r = ParseICalendar(input, kWindow);
  if (!r.ok()) {
    Require(!r.status().message().empty(), "a failure says why", input.substr(0, 64));
    return;
  }
  std::map<std::string, size_t> per_uid;
  for (const auto& m : r->meetings) {
    CheckMeeting(m);
    ++per_uid[m.uid];
  }
  // A uid may name several series (one per VEVENT or VCALENDAR), so the bound is per input
  // component; the input size bounds those.
  for (const auto& [uid, n] : per_uid) {
    Require(n <= kMaxOccurrencesPerSeries * (1 + input.size() / 16), "occurrences bounded", uid);
  }
  for (const auto& reason : r->rejected) Require(!reason.empty(), "a rejection says why", reason);
}

}  // namespace
}  // namespace rapport::ingest

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rapport::ingest::Check(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
