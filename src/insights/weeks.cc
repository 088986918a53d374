#include "insights/weeks.h"

#include <string>

#include "ingest/calendar/icalendar_zones.h"

namespace rapport::insights {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace

Result<WeekCalendar> WeekCalendar::For(std::string_view zone) {
  icaltimezone* z = ingest::ResolveTimeZone(nullptr, zone);
  if (!z) {
    std::string msg = "unknown time zone ";
    msg += SingleQuoted(zone);
    msg += " (set an IANA name: rapport settings set time_zone Europe/Berlin --by ADMIN)";
    return Status::InvalidArgument(msg);
  }
  return WeekCalendar(z);
}

int64_t WeekCalendar::LocalSeconds(int64_t utc) const {
  return utc + ingest::OffsetAtUtc(static_cast<icaltimezone*>(zone_), utc);
}

int64_t WeekCalendar::WeekStart(int64_t utc) const {
  // 1970-01-01 was a Thursday: day 4 was the first Monday.
  const int64_t day = FloorDiv(LocalSeconds(utc), 86400);
  return (FloorDiv(day - 4, 7) * 7 + 4) * 86400;
}

}  // namespace rapport::insights
