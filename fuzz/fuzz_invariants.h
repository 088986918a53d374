// Invariants every fuzz target checks on what a parser returns: text rapport stores is valid
// UTF-8 without control characters, and a broken invariant aborts so libFuzzer keeps the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "rapport/model/message.h"

namespace rapport::fuzz {

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629 §4: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0.
inline size_t Utf8Length(std::string_view s, size_t i) {
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

// Valid UTF-8 without a Unicode control character: C0 (U+0000..U+001F), DEL, or C1
// (U+0080..U+009F, which some terminals obey like their escape-sequence C0 twins).
inline bool IsCleanText(std::string_view s) {
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
inline void Require(bool ok, const char* invariant, std::string_view value) {
  if (ok) return;
  std::fprintf(stderr, "invariant broken: %s: \"%.*s\"\n", invariant,
               static_cast<int>(value.size()), value.data());
  std::abort();
}

// A refusal's message: one line without control characters (the file's values quoted with
// QuotedForMessage), as a terminal shows it.
inline void RequireOneLine(std::string_view message) {
  bool clean = true;
  for (char c : message) clean = clean && static_cast<unsigned char>(c) >= 0x20;
  Require(clean, "a refusal is one line without control characters", message);
}

inline void CheckMailbox(const model::Mailbox& m) {
  Require(IsCleanText(m.name), "mailbox name is clean UTF-8", m.name);
  Require(IsCleanText(m.address), "mailbox address is clean UTF-8", m.address);
}

}  // namespace rapport::fuzz
