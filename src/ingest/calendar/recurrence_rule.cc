#include "ingest/calendar/recurrence_rule.h"

#include <ctime>

namespace rapport::ingest {
namespace {

constexpr int64_t kDay = 86400;

bool Empty(const short* list) {
  return list[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

bool HasNumberedDay(const icalrecurrencetype& r) {
  for (int i = 0; i < ICAL_BY_DAY_SIZE && r.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; ++i) {
    if (icalrecurrencetype_day_position(r.by_day[i]) != 0) return true;
  }
  return false;
}

}  // namespace

bool ExpandableRule(const icalrecurrencetype& r) {
  const bool monthly_or_yearly =
      r.freq == ICAL_MONTHLY_RECURRENCE || r.freq == ICAL_YEARLY_RECURRENCE;
  if (HasNumberedDay(r) && !monthly_or_yearly) return false;
  if (!Empty(r.by_week_no) && r.freq != ICAL_YEARLY_RECURRENCE) return false;
  const bool some_days = !Empty(r.by_day) || !Empty(r.by_month_day) || !Empty(r.by_year_day) ||
                         !Empty(r.by_week_no) || !Empty(r.by_month) || !Empty(r.by_set_pos);
  const bool every_minute =
      r.freq == ICAL_SECONDLY_RECURRENCE || r.freq == ICAL_MINUTELY_RECURRENCE;
  return !(every_minute && some_days);
}

icalrecurrencetype EndingBy(icalrecurrencetype rule, const icaltimetype& dtstart, int64_t end_utc) {
  if (rule.count > 0) return rule;
  icaltimetype end = icaltime_from_timet_with_zone(
      static_cast<time_t>(end_utc + 2 * kDay), dtstart.is_date, icaltimezone_get_utc_timezone());
  if (icaltime_is_null_time(rule.until) || icaltime_compare(rule.until, end) > 0) {
    rule.until = end;
  }
  return rule;
}

}  // namespace rapport::ingest
