// How the command line writes times and lists, the same in every command.
#pragma once

#include <cstdint>
#include <ctime>
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

inline std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace rapport::cli
