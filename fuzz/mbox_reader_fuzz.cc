// libFuzzer target: MboxReader on arbitrary bytes.
//
// Checks the splitting contract the ingestor relies on: every message is a view into the input
// that starts with "From " at its reported offset; messages follow each other without gap or
// overlap, at increasing offsets, and the last one runs to the end of the input; the reader stops
// (and keeps answering "no more") once the input is used up.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "ingest/mail/mbox_reader.h"

namespace rapport::ingest {
namespace {

// Aborts with the broken invariant and where it broke, so libFuzzer saves the input.
void Require(bool ok, const char* invariant, size_t offset) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken at offset %zu: %s\n", offset, invariant);
  std::abort();
}

void CheckSplit(std::string_view input) {
  MboxReader reader(input);
  std::string_view message;
  size_t offset = 0, count = 0, previous = 0, end = 0;
  // Messages are at least "From " long and never overlap, so there are at most size / 5; more
  // means the reader is looping.
  const size_t max_messages = input.size() / 5;
  while (reader.Next(message, offset)) {
    Require(++count <= max_messages, "more messages than the input can hold", offset);
    Require(offset <= input.size() && message.size() <= input.size() - offset,
            "message within the input", offset);
    Require(message.data() == input.data() + offset, "message view starts at its offset", offset);
    Require(message.substr(0, 5) == "From ", "message starts with \"From \"", offset);
    Require(count == 1 || offset > previous, "offsets increase", offset);
    Require(count == 1 || offset == end, "contiguous with the previous message", offset);
    previous = offset;
    end = offset + message.size();
  }
  Require(count == 0 || end == input.size(), "last message runs to the end of the input", end);
  Require(!reader.Next(message, offset), "no message after the end", offset);
}

}  // namespace
}  // namespace rapport::ingest

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rapport::ingest::CheckSplit(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
