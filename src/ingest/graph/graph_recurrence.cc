#include "ingest/graph/graph_recurrence.h"

#include <algorithm>
#include <bit>
#include <nlohmann/json.hpp>
#include <string_view>

#include "ingest/graph/graph_time.h"
#include "ingest/graph_fields.h"
#include "ingest/mail/date_time.h"

namespace rapport::ingest::graph {
namespace {

using json = nlohmann::json;
using Type = GraphRecurrence::Type;
using Range = GraphRecurrence::Range;

constexpr int64_t kMaxInterval = 1'000'000;
constexpr std::string_view kWeekdays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                          "thursday", "friday", "saturday"};

// An integer field, or `fallback` when it is absent, not an integer or outside [lo, hi].
int64_t Int(const json& obj, const char* key, int64_t lo, int64_t hi, int64_t fallback) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return fallback;
  if (it->is_number_unsigned()) {
    auto v = it->get<uint64_t>();
    return v > static_cast<uint64_t>(hi) ? fallback : std::max(lo, static_cast<int64_t>(v));
  }
  auto v = it->get<int64_t>();
  return v < lo || v > hi ? fallback : v;
}

// Index in kWeekdays, or -1.
int Weekday(std::string_view name) {
  for (int i = 0; i < 7; ++i) {
    if (name == kWeekdays[i]) return i;
  }
  return -1;
}

std::optional<int64_t> Day(std::string_view text) {
  auto dt = ParseIsoDateTime(text);
  if (!dt) return std::nullopt;
  return FloorDiv(dt->local_seconds, kSecondsPerDay);
}

std::optional<Type> PatternType(std::string_view t) {
  if (t == "daily") return Type::kDaily;
  if (t == "weekly") return Type::kWeekly;
  if (t == "absoluteMonthly") return Type::kAbsoluteMonthly;
  if (t == "relativeMonthly") return Type::kRelativeMonthly;
  if (t == "absoluteYearly") return Type::kAbsoluteYearly;
  if (t == "relativeYearly") return Type::kRelativeYearly;
  return std::nullopt;
}

unsigned WeekdayOf(int64_t day) {
  return static_cast<unsigned>(day - FloorDiv(day + 4, 7) * 7 + 4);
}

bool ParsePattern(const json& pattern, GraphRecurrence& r) {
  auto type = PatternType(Str(pattern, "type"));
  if (!type) return false;
  r.type = *type;
  r.interval = Int(pattern, "interval", 1, kMaxInterval, 1);
  r.month = static_cast<unsigned>(Int(pattern, "month", 1, 12, 0));
  r.day_of_month = static_cast<unsigned>(Int(pattern, "dayOfMonth", 1, 31, 0));
  if (auto it = pattern.find("daysOfWeek"); it != pattern.end() && it->is_array()) {
    for (const json& d : *it) {
      int w = d.is_string() ? Weekday(d.get_ref<const std::string&>()) : -1;
      if (w >= 0) r.days_of_week |= 1u << w;
    }
  }
  r.first_day_of_week = static_cast<unsigned>(std::max(0, Weekday(Str(pattern, "firstDayOfWeek"))));
  constexpr std::string_view kIndex[] = {"first", "second", "third", "fourth", "last"};
  std::string_view index = Str(pattern, "index");
  for (unsigned i = 0; i < 5; ++i) {
    if (index == kIndex[i]) r.index = i;
  }
  return true;
}

bool ParseRange(const json& range, GraphRecurrence& r) {
  std::string_view type = Str(range, "type");
  auto start = Day(Str(range, "startDate"));
  if (!start) return false;
  r.start_day = *start;
  r.time_zone = std::string(Str(range, "recurrenceTimeZone"));
  if (type == "noEnd") {
    r.range = Range::kNoEnd;
  } else if (type == "numbered") {
    r.range = Range::kNumbered;
    r.count = Int(range, "numberOfOccurrences", 0, INT64_MAX, 0);
  } else if (type == "endDate") {
    auto end = Day(Str(range, "endDate"));
    if (!end) return false;
    r.range = Range::kEndDate;
    r.end_day = *end;
  } else {
    return false;
  }
  return true;
}

// The dates of one period (a day, a week, a month or a year of the pattern).
class Expander {
 public:
  explicit Expander(const GraphRecurrence& r) : r_(r), start_(CivilFromDays(r.start_day)) {
    mask_ = r.days_of_week != 0 ? r.days_of_week : 1u << WeekdayOf(r.start_day);
    month_ = r.month != 0 ? r.month : start_.month;
    day_ = r.day_of_month != 0 ? r.day_of_month : start_.day;
    week_start_ = r.start_day - (WeekdayOf(r.start_day) + 7 - r.first_day_of_week % 7) % 7;
  }

  // Appends the dates of period p; returns the first day of the period, or nullopt past 9999.
  std::optional<int64_t> Period(int64_t p, std::vector<int64_t>& out) const {
    switch (r_.type) {
      case Type::kDaily:
        out.push_back(r_.start_day + p * r_.interval);
        return out.back();
      case Type::kWeekly: {
        int64_t base = week_start_ + p * 7 * r_.interval;
        for (unsigned k = 0; k < 7; ++k) {
          if (mask_ & (1u << ((r_.first_day_of_week + k) % 7))) out.push_back(base + k);
        }
        return base;
      }
      case Type::kAbsoluteMonthly:
      case Type::kRelativeMonthly: {
        int64_t months = start_.year * 12 + (start_.month - 1) + p * r_.interval;
        return InMonth(months / 12, static_cast<unsigned>(months % 12) + 1, out);
      }
      case Type::kAbsoluteYearly:
      case Type::kRelativeYearly:
        return InMonth(start_.year + p * r_.interval, month_, out);
    }
    return std::nullopt;
  }

  // A count of leading periods whose dates all lie before `day` (conservative by one).
  int64_t PeriodsBefore(int64_t day) const {
    int64_t q = 0;
    switch (r_.type) {
      case Type::kDaily:
        q = FloorDiv(day - r_.start_day, r_.interval);
        break;
      case Type::kWeekly:
        q = FloorDiv(day - week_start_, 7 * r_.interval);
        break;
      case Type::kAbsoluteMonthly:
      case Type::kRelativeMonthly: {
        CivilDate c = CivilFromDays(day);
        q = FloorDiv((c.year - start_.year) * 12 + c.month - start_.month, r_.interval);
        break;
      }
      case Type::kAbsoluteYearly:
      case Type::kRelativeYearly:
        q = FloorDiv(CivilFromDays(day).year - start_.year, r_.interval);
        break;
    }
    return std::max<int64_t>(0, q - 1);
  }

  // Dates in every period after the first (the first may start before range.startDate).
  int64_t PerPeriod() const { return r_.type == Type::kWeekly ? std::popcount(mask_) : 1; }

 private:
  std::optional<int64_t> InMonth(int64_t year, unsigned month, std::vector<int64_t>& out) const {
    if (year > 9999) return std::nullopt;
    const int64_t first = DaysFromCivil(year, month, 1);
    const unsigned dim = DaysInMonth(year, month);
    bool absolute = r_.type == Type::kAbsoluteMonthly || r_.type == Type::kAbsoluteYearly;
    if (absolute) {
      out.push_back(first + std::min(day_, dim) - 1);
    } else if (auto d = NthWeekday(first, dim)) {
      out.push_back(*d);
    }
    return first;
  }

  // The index-th day of the month whose weekday is in the mask ("last" counts from the end).
  std::optional<int64_t> NthWeekday(int64_t first, unsigned dim) const {
    if (r_.index == 4) {
      for (int64_t d = first + dim - 1; d >= first; --d) {
        if (mask_ & (1u << WeekdayOf(d))) return d;
      }
      return std::nullopt;
    }
    unsigned seen = 0;
    for (int64_t d = first; d < first + dim; ++d) {
      if ((mask_ & (1u << WeekdayOf(d))) && seen++ == r_.index) return d;
    }
    return std::nullopt;
  }

  const GraphRecurrence& r_;
  CivilDate start_;
  unsigned mask_, month_, day_;
  int64_t week_start_;
};

}  // namespace

std::optional<GraphRecurrence> ParseGraphRecurrence(const json& recurrence) {
  if (!recurrence.is_object()) return std::nullopt;
  auto pattern = recurrence.find("pattern");
  auto range = recurrence.find("range");
  if (pattern == recurrence.end() || range == recurrence.end() || !pattern->is_object() ||
      !range->is_object()) {
    return std::nullopt;
  }
  GraphRecurrence r;
  if (!ParsePattern(*pattern, r) || !ParseRange(*range, r)) return std::nullopt;
  return r;
}

std::vector<int64_t> ExpandGraphRecurrence(const GraphRecurrence& r, int64_t from_day,
                                           int64_t last_day, size_t max_dates) {
  // Days of years 1900..9999 keep every product below within int64.
  const int64_t lo = DaysFromCivil(1900, 1, 1), hi = DaysFromCivil(9999, 12, 31);
  from_day = std::clamp(from_day, lo, hi);
  last_day = std::clamp(last_day, lo, hi);
  if (r.range == Range::kEndDate) last_day = std::min(last_day, r.end_day);
  std::vector<int64_t> out, dates;
  if (max_dates == 0 || last_day < from_day || last_day < r.start_day) return out;

  Expander ex(r);
  const bool numbered = r.range == Range::kNumbered;
  int64_t counted = 0;  // dates on or after range.startDate so far, for a numbered range
  int64_t p = ex.PeriodsBefore(from_day);
  if (p > 0) {  // skip whole periods: the count they would have used is known without them
    ex.Period(0, dates);
    counted =
        std::count_if(dates.begin(), dates.end(), [&](int64_t d) { return d >= r.start_day; });
    counted += (p - 1) * ex.PerPeriod();
  }
  for (;; ++p) {
    dates.clear();
    auto period_start = ex.Period(p, dates);
    if (!period_start || *period_start > last_day) break;
    for (int64_t d : dates) {
      if (d < r.start_day) continue;
      if ((numbered && counted >= r.count) || d > last_day) return out;
      ++counted;
      if (d < from_day) continue;
      out.push_back(d);
      if (out.size() >= max_dates) return out;
    }
  }
  return out;
}

}  // namespace rapport::ingest::graph
