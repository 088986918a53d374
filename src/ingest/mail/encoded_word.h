// Header text decoding: RFC 2047 encoded words and raw 8-bit bytes, to valid UTF-8.
//
// Contract: the result is always valid UTF-8 without NUL or other control characters (C0 and C1;
// tabs and line breaks become spaces), whatever the input, so it is safe to print on a terminal.
// Encoded words in any charset iconv knows are converted; adjacent encoded words are joined (the
// whitespace between them is not text, RFC 2047 §6.2) and their bytes are concatenated before
// conversion, so a multibyte character split across two words survives. Undecodable words are kept
// as written. Raw bytes that are not UTF-8 are read as Windows-1252, the usual charset of mailers
// that send them.
#pragma once

#include <string>
#include <string_view>

namespace rapport::ingest {

// Decodes an unstructured header value (Subject) or a display-name phrase.
std::string DecodeHeaderText(std::string_view raw);

// Converts `bytes` in `charset` to UTF-8; returns false when iconv does not know the charset or
// the bytes are invalid in it.
bool ConvertToUtf8(std::string_view charset, std::string_view bytes, std::string& out);

// Makes `s` valid UTF-8 without control characters (see the contract above).
std::string SanitizeText(std::string_view s);

}  // namespace rapport::ingest
