#include "rapport/api/iso_time.h"

#include <array>
#include <chrono>

namespace rapport::api {
namespace {

constexpr std::string_view kForm = "write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, in UTC";
constexpr std::array<std::string_view, 12> kMonths = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

// The value as the message repeats it: one short line whatever the caller sent.
std::string Shown(std::string_view text) {
  constexpr size_t kMax = 40;
  std::string out;
  for (char c : text.substr(0, kMax)) {
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  }
  if (text.size() > kMax) out += "...";
  return SingleQuoted(out);
}

// The digits at [at, at + n), or -1 when any of them is not a digit.
int Digits(std::string_view text, size_t at, size_t n) {
  int value = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return -1;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// "there is no month 13" (appended: GCC 12 misreads "..." + std::string under -Wrestrict).
std::string NoSuch(std::string_view unit, int value) {
  std::string out = "there is no ";
  out.append(unit).append(" ").append(std::to_string(value));
  return out;
}

// `why` is empty when the text has not the form; `what` is "date" or "time".
Status Refuse(std::string_view name, std::string_view text, const std::string& why,
              std::string_view what = "date") {
  std::string msg(name);
  msg += ": ";
  msg += Shown(text);
  if (why.empty()) {
    msg += " is not a date";
  } else {
    msg += " is not a real ";
    msg += what;
    msg += ": ";
    msg += why;
  }
  msg += " (";
  msg += kForm;
  msg += ")";
  return Status::InvalidArgument(std::move(msg));
}

}  // namespace

Result<int64_t> ParseUtc(std::string_view name, std::string_view text) {
  using namespace std::chrono;
  // 2001-06-01 or 2001-06-01T12:30:00Z: every character in its place, nothing after.
  const bool has_time = text.size() == 20;
  if (text.size() != 10 && !has_time) return Refuse(name, text, "");
  const int y = Digits(text, 0, 4), m = Digits(text, 5, 2), d = Digits(text, 8, 2);
  if (y < 0 || m < 0 || d < 0 || text[4] != '-' || text[7] != '-') return Refuse(name, text, "");
  int hh = 0, mm = 0, ss = 0;
  if (has_time) {
    hh = Digits(text, 11, 2);
    mm = Digits(text, 14, 2);
    ss = Digits(text, 17, 2);
    if (hh < 0 || mm < 0 || ss < 0 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
        text[19] != 'Z') {
      return Refuse(name, text, "");
    }
  }
  if (m < 1 || m > 12) return Refuse(name, text, NoSuch("month", m));
  const year_month_day date{year{y}, month{static_cast<unsigned>(m)},
                            day{static_cast<unsigned>(d)}};
  if (d == 0) return Refuse(name, text, "there is no day 0");
  if (!date.ok()) {
    const unsigned days_in_month = static_cast<unsigned>((date.year() / date.month() / last).day());
    std::string why(kMonths[static_cast<size_t>(m - 1)]);
    why.append(" ").append(std::to_string(y)).append(" has ");
    why.append(std::to_string(days_in_month)).append(" days");
    return Refuse(name, text, why);
  }
  if (hh > 23) return Refuse(name, text, NoSuch("hour", hh), "time");
  if (mm > 59) return Refuse(name, text, NoSuch("minute", mm), "time");
  if (ss > 59) return Refuse(name, text, NoSuch("second", ss), "time");
  const int64_t days_since_epoch = sys_days{date}.time_since_epoch().count();
  return days_since_epoch * 86400 + hh * 3600 + mm * 60 + ss;
}

}  // namespace rapport::api
