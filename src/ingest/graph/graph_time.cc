#include "ingest/graph/graph_time.h"

#include "ingest/calendar/icalendar_zones.h"

#include <libical/ical.h>

#include <string>
#include <utility>

#include "ingest/mail/date_time.h"
#include "ingest/mail/header_block.h"

namespace rapport::ingest::graph {
namespace {

constexpr int64_t kMinYear = 1900, kMaxYear = 9999;

using ingest::EqualsIgnoreCase;

bool IsUtcName(std::string_view name) {
  for (std::string_view utc : {"UTC", "GMT", "Z", "Etc/UTC", "Etc/GMT", "Etc/Zulu", "Zulu",
                               "Coordinated Universal Time"}) {
    if (EqualsIgnoreCase(name, utc)) return true;
  }
  return false;
}

// libical falls back to opening <zoneinfo>/<name> for names missing from zone.tab, so only plain
// tz names may reach it: no "..", no absolute path, nothing but the characters tz names use.
bool IsSafeTzName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/') return false;
  if (name.find("..") != std::string_view::npos) return false;
  for (char c : name) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

// Reads exactly `n` digits at s[i].
bool Digits(std::string_view s, size_t& i, size_t n, int64_t& out) {
  if (i + n > s.size()) return false;
  out = 0;
  for (size_t k = 0; k < n; ++k) {
    char c = s[i + k];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  i += n;
  return true;
}

bool Expect(std::string_view s, size_t& i, char c) {
  if (i >= s.size() || s[i] != c) return false;
  ++i;
  return true;
}

// "Z", "+hh:mm", "-hhmm" or nothing at s[i..]; false when something else follows.
bool ParseZoneSuffix(std::string_view s, size_t i, std::optional<int32_t>& offset) {
  if (i == s.size()) return true;
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
    offset = 0;
    return true;
  }
  if (s[i] != '+' && s[i] != '-') return false;
  int sign = s[i] == '-' ? -1 : 1;
  ++i;
  int64_t hh = 0, mm = 0;
  if (!Digits(s, i, 2, hh)) return false;
  if (i < s.size() && s[i] == ':') ++i;
  if (!Digits(s, i, 2, mm) || i != s.size() || hh > 18 || mm > 59) return false;
  offset = static_cast<int32_t>(sign * (hh * 60 + mm));
  return true;
}

const icaltimezone* Ical(const GraphZone& zone) {
  return static_cast<const icaltimezone*>(zone.ical);
}

// libical re-expands a zone's rules on every conversion far in the future (about 50 ms a call at
// year 3000), so instants after 2099 take the offset of the same wall-clock time in a year of
// 2072..2099 that has the same weekdays and leap day (the calendar repeats every 28 years there).
// Returns the seconds to add to move into that year.
int64_t ProxyShift(const CivilDate& date) {
  if (date.year <= 2099) return 0;
  const int64_t proxy_year = 2072 + (date.year - 2072) % 28;
  return (DaysFromCivil(proxy_year, date.month, date.day) -
          DaysFromCivil(date.year, date.month, date.day)) *
         kSecondsPerDay;
}

int64_t IcalLocalToUtc(const GraphZone& zone, int64_t local_seconds) {
  const int64_t days = FloorDiv(local_seconds, kSecondsPerDay);
  const int64_t sod = local_seconds - days * kSecondsPerDay;
  const CivilDate date = CivilFromDays(days);
  icaltimetype tt = icaltime_null_time();
  tt.year = static_cast<int>(date.year);
  tt.month = static_cast<int>(date.month);
  tt.day = static_cast<int>(date.day);
  tt.hour = static_cast<int>(sod / 3600);
  tt.minute = static_cast<int>(sod / 60 % 60);
  tt.second = static_cast<int>(sod % 60);
  auto* ical = const_cast<icaltimezone*>(Ical(zone));  // libical's API is not const-correct
  tt.zone = ical;
  return icaltime_as_timet_with_zone(tt, ical);
}

int64_t IcalUtcToLocal(const GraphZone& zone, int64_t utc_seconds) {
  auto* ical = const_cast<icaltimezone*>(Ical(zone));
  icaltimetype tt = icaltime_from_timet_with_zone(static_cast<time_t>(utc_seconds), 0, ical);
  return DaysFromCivil(tt.year, static_cast<unsigned>(tt.month), static_cast<unsigned>(tt.day)) *
             kSecondsPerDay +
         tt.hour * 3600 + tt.minute * 60 + tt.second;
}

}  // namespace

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const auto d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const auto m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

unsigned DaysInMonth(int64_t year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[(month - 1) % 12];
}

std::optional<IsoDateTime> ParseIsoDateTime(std::string_view text) {
  std::string_view s = TrimSpaces(text);
  size_t i = 0;
  int64_t y = 0, mo = 0, d = 0, hh = 0, mi = 0, ss = 0;
  if (!Digits(s, i, 4, y) || !Expect(s, i, '-') || !Digits(s, i, 2, mo) || !Expect(s, i, '-') ||
      !Digits(s, i, 2, d)) {
    return std::nullopt;
  }
  if (y < kMinYear || y > kMaxYear || mo < 1 || mo > 12 || d < 1 ||
      d > DaysInMonth(y, static_cast<unsigned>(mo))) {
    return std::nullopt;
  }
  IsoDateTime out;
  if (i < s.size() && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
    ++i;
    if (!Digits(s, i, 2, hh) || !Expect(s, i, ':') || !Digits(s, i, 2, mi)) return std::nullopt;
    if (i < s.size() && s[i] == ':' && !(++i, Digits(s, i, 2, ss))) return std::nullopt;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      size_t start = ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == start) return std::nullopt;
    }
    if (hh > 23 || mi > 59 || ss > 60) return std::nullopt;
    if (ss == 60) ss = 59;  // a leap second is kept within its minute
  }
  if (!ParseZoneSuffix(s, i, out.offset_minutes)) return std::nullopt;
  out.local_seconds =
      DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * kSecondsPerDay +
      hh * 3600 + mi * 60 + ss;
  return out;
}

std::optional<model::Timestamp> ParseGraphUtc(std::string_view text) {
  auto dt = ParseIsoDateTime(text);
  if (!dt) return std::nullopt;
  int32_t offset = dt->offset_minutes.value_or(0);
  return model::Timestamp{dt->local_seconds - int64_t{offset} * 60, offset};
}

std::optional<GraphZone> ResolveGraphZone(std::string_view name) {
  name = TrimSpaces(name);
  constexpr std::string_view kPrefix = "tzone://Microsoft/";
  if (name.size() >= kPrefix.size() && EqualsIgnoreCase(name.substr(0, kPrefix.size()), kPrefix)) {
    name.remove_prefix(kPrefix.size());
  }
  if (IsUtcName(name)) return GraphZone{};
  std::string iana = WindowsZoneToIana(name);  // the table shared with the iCalendar reader
  if (iana.empty()) iana = std::string(name);
  if (!IsSafeTzName(iana)) return std::nullopt;
  icaltimezone* zone = icaltimezone_get_builtin_timezone(iana.c_str());
  if (zone == nullptr) return std::nullopt;
  return GraphZone{zone};
}

std::optional<model::Timestamp> LocalToUtc(const GraphZone& zone, int64_t local_seconds) {
  const CivilDate date = CivilFromDays(FloorDiv(local_seconds, kSecondsPerDay));
  if (date.year < kMinYear || date.year > kMaxYear) return std::nullopt;
  if (zone.ical == nullptr) return model::Timestamp{local_seconds, 0};
  const int64_t proxy = local_seconds + ProxyShift(date);
  const int64_t offset_minutes = (proxy - IcalLocalToUtc(zone, proxy)) / 60;
  if (offset_minutes < -18 * 60 || offset_minutes > 18 * 60) return std::nullopt;
  return model::Timestamp{local_seconds - offset_minutes * 60,
                          static_cast<int32_t>(offset_minutes)};
}

int64_t UtcToLocal(const GraphZone& zone, int64_t utc_seconds) {
  if (zone.ical == nullptr) return utc_seconds;
  const int64_t proxy =
      utc_seconds + ProxyShift(CivilFromDays(FloorDiv(utc_seconds, kSecondsPerDay)));
  return utc_seconds + (IcalUtcToLocal(zone, proxy) - proxy);
}

}  // namespace rapport::ingest::graph
