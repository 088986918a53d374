// IMAP responses (RFC 3501 §7, RFC 9051): finding where one ends in a stream of bytes, and
// parsing one into values.
//
// Contract: both functions are pure and total. Any byte string gives either a result or a
// one-line error; nothing here crashes, reads past its input or recurses without bound (the
// fuzz target fuzz/imap_response_fuzz checks this). Message data arrives as literals and is
// returned whole, unparsed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/status.h"

namespace rapport::sync {

struct ImapValue {
  enum class Kind { kAtom, kString, kNil, kList };
  Kind kind = Kind::kAtom;
  std::string text;             // kAtom (as sent, e.g. "FETCH", "\Seen", "BODY[HEADER]"), kString
  std::vector<ImapValue> list;  // kList

  // True for an atom equal to `upper` (ASCII case-insensitive).
  bool Is(std::string_view upper) const;
  // The atom as a non-negative number (up to 2^63-1), if it is one.
  std::optional<uint64_t> Number() const;
  // The text of an atom or a string; "" for NIL and lists.
  const std::string& Text() const { return text; }
};

struct ImapResponse {
  std::string tag;  // "*" (untagged), "+" (continuation) or the tag of the command it completes
  // What follows the tag. A status response (OK, NO, BAD, BYE, PREAUTH) holds just its status.
  std::vector<ImapValue> values;
  std::vector<ImapValue> code;  // the response code inside [ ], e.g. {UIDVALIDITY, 3857529045}
  std::string text;             // a status or continuation response's human-readable text

  bool IsStatus(std::string_view upper) const { return !values.empty() && values[0].Is(upper); }
};

inline constexpr size_t kMaxImapLine = 64u << 20;      // one line, without its literals
inline constexpr size_t kMaxImapLiteral = 256u << 20;  // one literal (a message's header section)

// How many bytes of `buffered` make the first complete response (its lines and literals), 0 if
// more bytes are needed. An error when a line or literal is longer than the limits above.
Result<size_t> ImapResponseLength(std::string_view buffered);

// Parses one complete response (as delimited by ImapResponseLength).
Result<ImapResponse> ParseImapResponse(std::string_view raw);

// A sequence set of UIDs ("1:5,7,9:12", RFC 3501 §9) as numbers; "*" is not accepted here.
// Sets larger than `max_count` numbers are an error.
Result<std::vector<uint32_t>> ParseUidSet(std::string_view set, size_t max_count = 100'000'000);
// The shortest sequence set for ascending, distinct UIDs.
std::string FormatUidSet(const std::vector<uint32_t>& uids);

}  // namespace rapport::sync
