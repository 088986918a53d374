// HeaderBlock: the RFC 5322 header section of a raw message, split into unfolded fields.
//
// Contract: never reads past the blank line that ends the header section. Accepts LF or CRLF line
// ends, a leading byte-order mark and a leading mbox "From " envelope line. Lines that are neither
// a field nor a continuation are skipped (counted in `malformed_lines`), as real-world parsers do.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace rapport::ingest {

struct HeaderField {
  std::string_view name;   // as written, e.g. "Message-ID"
  std::string_view value;  // unfolded (CRLF before WSP removed), leading whitespace trimmed
};

struct HeaderBlock {
  std::vector<HeaderField> fields;
  // Values of folded fields, joined; a deque so that views into it stay valid as it grows.
  // Unfolded values point straight into the message, so most fields cost no allocation.
  std::deque<std::string> unfolded;
  size_t header_bytes = 0;  // bytes up to and including the blank line (or all of the input)
  size_t malformed_lines = 0;

  // First field with this name (case-insensitive), or nullptr.
  const HeaderField* Find(std::string_view name) const;
};

// Splits the header section of `message`. `message` must outlive the result (views point into
// it). The result must not be copied (views point into its own `unfolded`); it can be moved.
HeaderBlock SplitHeaderBlock(std::string_view message);

// True when `line` starts like a header field: one or more printable non-colon characters then ':'.
bool LooksLikeHeaderField(std::string_view line);

// Case-insensitive ASCII comparison, and the same for a prefix.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);

// `s` without leading and trailing spaces and tabs.
std::string_view TrimSpaces(std::string_view s);

}  // namespace rapport::ingest
