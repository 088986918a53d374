// How the command line writes times and lists, the same in every command.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/api/iso_time.h"

namespace rapport::cli {

inline int64_t Now() {
  return static_cast<int64_t>(std::time(nullptr));
}

using api::FormatUtc;
using api::IsoDate;
using api::IsoTime;

using api::ParseUtc;

// Characters, not bytes, in UTF-8 text: what a terminal column needs.
inline size_t DisplayWidth(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// "data up to 2026-06-30", or "no data yet": said beside every insight's as-of.
inline std::string DataUpTo(const std::optional<int64_t>& last) {
  return last ? "data up to " + IsoDate(*last) : std::string("no data yet");
}

// "1 message", "2 messages": a count and its noun, singular or plural.
inline std::string Counted(uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

inline std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace rapport::cli
