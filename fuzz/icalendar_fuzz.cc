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

#include "ingest/icalendar.h"

namespace rapport::ingest {
namespace {

constexpr ExpansionWindow kWindow{1577836800, 1640995200};  // [2020-01-01, 2022-01-01) UTC

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

// Valid UTF-8 without C0, DEL or C1 controls.
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

void CheckMailbox(const model::Mailbox& m) {
  Require(IsCleanText(m.name), "mailbox name is clean UTF-8", m.name);
  Require(IsCleanText(m.address), "mailbox address is clean UTF-8", m.address);
}

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
