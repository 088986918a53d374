#include "sample/zones.h"

#include <iterator>

#include "sample/text.h"

namespace rapport::sample {
namespace {

constexpr int64_t kDay = 86400;

// One zone per office offset of the population (see kOfficeZones in population.cc).
constexpr OfficeZone kZones[] = {
    {-480, DstRule::kUs, "America/Los_Angeles", "Pacific Standard Time", "PST", "PDT",
     "20070311T020000", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "20071104T020000",
     "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"},
    {-300, DstRule::kUs, "America/New_York", "Eastern Standard Time", "EST", "EDT",
     "20070311T020000", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "20071104T020000",
     "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"},
    {0, DstRule::kEu, "Europe/London", "GMT Standard Time", "GMT", "BST", "19810329T010000",
     "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "19961027T020000", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"},
    {60, DstRule::kEu, "Europe/Berlin", "W. Europe Standard Time", "CET", "CEST", "19810329T020000",
     "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "19961027T030000", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"},
    {330, DstRule::kNone, "Asia/Kolkata", "India Standard Time", "IST", "", "", "",
     "19700101T000000", ""},
};

int64_t NthSunday(int64_t year, unsigned month, int n) {
  int64_t first = DaysFromCivil(year, month, 1);
  return first + (7 - Weekday(first)) % 7 + 7 * (n - 1);
}

int64_t LastSunday(int64_t year, unsigned month) {
  int64_t last =
      month == 12 ? DaysFromCivil(year + 1, 1, 1) - 1 : DaysFromCivil(year, month + 1, 1) - 1;
  return last - Weekday(last);
}

// The UTC instants daylight-saving time starts and ends in `year`.
void DstSpan(const OfficeZone& z, int64_t year, int64_t& start, int64_t& end) {
  if (z.rule == DstRule::kUs) {
    start = NthSunday(year, 3, 2) * kDay + 2 * 3600 - int64_t{z.std_offset} * 60;
    end = NthSunday(year, 11, 1) * kDay + 2 * 3600 - int64_t{z.std_offset + 60} * 60;
  } else {
    start = LastSunday(year, 3) * kDay + 3600;
    end = LastSunday(year, 10) * kDay + 3600;
  }
}

}  // namespace

int ZoneCount() {
  return static_cast<int>(std::size(kZones));
}

const OfficeZone& Zone(int index) {
  return kZones[index];
}

int ZoneIndexForOffset(int offset_minutes) {
  for (int i = 0; i < ZoneCount(); ++i) {
    if (kZones[i].std_offset == offset_minutes) return i;
  }
  return -1;
}

int OffsetAt(const OfficeZone& zone, int64_t utc) {
  if (zone.rule == DstRule::kNone) return zone.std_offset;
  int64_t year;
  unsigned month, day;
  CivilFromDays(DayOf(utc), year, month, day);
  int64_t start, end;
  DstSpan(zone, year, start, end);
  return utc >= start && utc < end ? zone.std_offset + 60 : zone.std_offset;
}

int64_t UtcFromLocal(const OfficeZone& zone, int64_t local) {
  int64_t guess = local - int64_t{zone.std_offset} * 60;
  return local - int64_t{OffsetAt(zone, guess)} * 60;
}

// Howard Hinnant's days_from_civil.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  auto yoe = static_cast<unsigned>(year - era * 400);
  unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void AppendIcsDate(std::string& out, int64_t days) {
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, year, month, day);
  AppendPadded(out, static_cast<uint64_t>(year), 4);
  AppendPadded(out, month, 2);
  AppendPadded(out, day, 2);
}

void AppendIcsDateTime(std::string& out, int64_t seconds) {
  AppendIcsDate(out, DayOf(seconds));
  int64_t sod = SecondOfDay(seconds);
  out += 'T';
  AppendClock(out, sod, "");
}

void AppendIsoDate(std::string& out, int64_t days) {
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, year, month, day);
  AppendPadded(out, static_cast<uint64_t>(year), 4);
  out += '-';
  AppendPadded(out, month, 2);
  out += '-';
  AppendPadded(out, day, 2);
}

void AppendGraphDateTime(std::string& out, int64_t seconds) {
  int64_t sod = SecondOfDay(seconds);
  AppendIsoDate(out, DayOf(seconds));
  out += 'T';
  AppendClock(out, sod, ":");
  out += ".0000000";
}

void AppendIsoUtc(std::string& out, int64_t utc) {
  AppendGraphDateTime(out, utc);
  out.resize(out.size() - 8);  // drop ".0000000": Graph writes whole seconds here
  out += 'Z';
}

}  // namespace rapport::sample
