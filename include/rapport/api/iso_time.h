// How every document (the CLI's --json and the HTTP API) writes a time, ISO 8601 in UTC, and how
// every time a user writes (an option, a query parameter, a body field) is read back.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

#include "rapport/status.h"

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

// The one reader of a time a user gives: exactly "YYYY-MM-DD" (midnight UTC) or
// "YYYY-MM-DDTHH:MM:SSZ", and only a time that exists. 2026-02-30, month 13, day 0, 2100-02-29
// and hour 24 are refused, never rolled over into the next month or day (as strptime and timegm
// do). `name` is how the caller knows the value ("--as-of", "'as_of'"): the InvalidArgument
// message is one line naming it, repeating the value and showing the form, e.g.
//   --as-of: '2026-02-30' is not a date: February 2026 has 28 days (write YYYY-MM-DD or
//   YYYY-MM-DDTHH:MM:SSZ, in UTC)
Result<int64_t> ParseUtc(std::string_view name, std::string_view text);

}  // namespace rapport::api
