// How the command line writes times and lists, the same in every command.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace rapport::cli {

inline int64_t Now() {
  return static_cast<int64_t>(std::time(nullptr));
}

// `format` is a strftime format, applied in UTC.
inline std::string FormatUtc(int64_t seconds, const char* format) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

inline std::string IsoTime(int64_t seconds) {  // 2026-11-26T21:35:04Z
  return FormatUtc(seconds, "%Y-%m-%dT%H:%M:%SZ");
}

inline std::string IsoDate(int64_t seconds) {  // 2026-11-26
  return FormatUtc(seconds, "%Y-%m-%d");
}

// "2001-06-01" (midnight UTC) or "2001-06-01T12:30:00Z"; nullopt when neither.
inline std::optional<int64_t> ParseUtc(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!end || *end) {
    tm = std::tm{};
    end = strptime(text.c_str(), "%Y-%m-%d", &tm);
  }
  if (!end || *end) return std::nullopt;
  return static_cast<int64_t>(timegm(&tm));
}

// Characters, not bytes, in UTF-8 text: what a terminal column needs.
inline size_t DisplayWidth(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

inline std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace rapport::cli
