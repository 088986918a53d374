// How every document (the CLI's --json and the HTTP API) writes a time: ISO 8601, in UTC.
#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

namespace rapport::api {

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

}  // namespace rapport::api
