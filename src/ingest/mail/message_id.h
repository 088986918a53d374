// Message identifiers: Message-ID, In-Reply-To and References (RFC 5322 §3.6.4).
//
// Contract: ids are returned without angle brackets, whitespace and comments removed. Phrases that
// obsolete mailers put in In-Reply-To ("Your message of ...") are skipped. A Message-ID without
// brackets is accepted when it is one word.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rapport::ingest {

// All "<...>" ids in order; for a single bracket-less word, that word.
std::vector<std::string> ParseMessageIds(std::string_view value);

// The first id of ParseMessageIds, or empty.
std::string ParseMessageId(std::string_view value);

}  // namespace rapport::ingest
