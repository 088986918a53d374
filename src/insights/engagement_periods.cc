#include "insights/engagement_periods.h"

#include <chrono>

namespace rapport::insights {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr int64_t kDay = 86400;

int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

sys_days DayOf(int64_t t) {
  return sys_days{days{FloorDiv(t, kDay)}};
}

int64_t SecondsOf(sys_days d) {
  return static_cast<int64_t>(d.time_since_epoch().count()) * kDay;
}

}  // namespace

int64_t PeriodStart(PeriodLevel level, int64_t t) {
  const sys_days day = DayOf(t);
  const year_month_day ymd{day};
  switch (level) {
    case PeriodLevel::kWeek: {
      // 1970-01-01 was a Thursday: Monday is 3 days before it.
      const int64_t n = FloorDiv(static_cast<int64_t>(day.time_since_epoch().count()) + 3, 7);
      return (n * 7 - 3) * kDay;
    }
    case PeriodLevel::kMonth:
      return SecondsOf(sys_days{ymd.year() / ymd.month() / 1});
    case PeriodLevel::kYear:
      return SecondsOf(sys_days{ymd.year() / std::chrono::January / 1});
  }
  return t;
}

int64_t NextPeriodStart(PeriodLevel level, int64_t start) {
  const year_month_day ymd{DayOf(start)};
  switch (level) {
    case PeriodLevel::kWeek:
      return start + 7 * kDay;
    case PeriodLevel::kMonth:
      return SecondsOf(sys_days{(ymd.year() / ymd.month() + std::chrono::months{1}) / 1});
    case PeriodLevel::kYear:
      return SecondsOf(sys_days{(ymd.year() + std::chrono::years{1}) / std::chrono::January / 1});
  }
  return start;
}

std::vector<Period> PeriodsCovering(PeriodLevel level, int64_t from, int64_t to) {
  std::vector<Period> out;
  for (int64_t s = PeriodStart(level, from); s < to;) {
    const int64_t e = NextPeriodStart(level, s);
    out.push_back({s, e});
    s = e;
  }
  return out;
}

int DefaultPeriodCount(PeriodLevel level) {
  return level == PeriodLevel::kYear ? 1 : 12;
}

int64_t PiecesPerMonth(PeriodLevel level) {
  return level == PeriodLevel::kWeek ? 6 : 1;
}

}  // namespace rapport::insights
