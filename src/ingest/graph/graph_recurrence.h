// Microsoft Graph patternedRecurrence (a seriesMaster's "recurrence") -> the local dates of its
// occurrences.
//
// Contract: pattern types daily, weekly, absoluteMonthly, relativeMonthly, absoluteYearly and
// relativeYearly with interval, daysOfWeek, firstDayOfWeek, dayOfMonth, month and index; range
// types endDate (inclusive), noEnd and numbered, from range.startDate. A dayOfMonth past the end
// of a month falls on its last day, as Outlook shows it. Expansion skips whole periods before the
// requested dates and stops at the last requested date, the range end, the count, or
// `max_dates`, so its work is linear in the dates returned whatever the series says.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace rapport::ingest::graph {

struct GraphRecurrence {
  enum class Type {
    kDaily,
    kWeekly,
    kAbsoluteMonthly,
    kRelativeMonthly,
    kAbsoluteYearly,
    kRelativeYearly
  };
  enum class Range { kEndDate, kNoEnd, kNumbered };

  Type type = Type::kDaily;
  int64_t interval = 1;
  unsigned month = 0;              // 1..12, yearly patterns; 0 = the month of the start date
  unsigned day_of_month = 0;       // 1..31, absolute patterns; 0 = the day of the start date
  unsigned days_of_week = 0;       // bit 0 = Sunday .. bit 6 = Saturday; 0 = the start's weekday
  unsigned first_day_of_week = 0;  // 0 = Sunday
  unsigned index = 0;              // first, second, third, fourth, last = 0..4
  Range range = Range::kNoEnd;
  int64_t start_day = 0;  // range.startDate, days since 1970-01-01
  int64_t end_day = 0;    // range.endDate, inclusive (kEndDate)
  int64_t count = 0;      // range.numberOfOccurrences (kNumbered)
  std::string time_zone;  // range.recurrenceTimeZone, may be empty
};

// nullopt when the pattern or range type is unknown or a required field is missing or mistyped.
std::optional<GraphRecurrence> ParseGraphRecurrence(const nlohmann::json& recurrence);

// The occurrence dates in [from_day, last_day], ascending, at most `max_dates` of them. Dates
// before from_day still count toward a numbered range.
std::vector<int64_t> ExpandGraphRecurrence(const GraphRecurrence& r, int64_t from_day,
                                           int64_t last_day, size_t max_dates);

}  // namespace rapport::ingest::graph
