// Weekly buckets in the tenant's time zone. Internal to src/insights.
#pragma once

#include <cstdint>
#include <string_view>

#include "rapport/status.h"

namespace rapport::insights {

class WeekCalendar {
 public:
  // `zone`: an IANA name ("UTC", "Europe/Berlin"); InvalidArgument when unknown.
  static Result<WeekCalendar> For(std::string_view zone);
  // Monday 00:00 of the local week holding the UTC instant `utc`, as civil seconds (the local
  // wall-clock time read as if it were UTC, so IsoDate prints the local date).
  int64_t WeekStart(int64_t utc) const;
  int64_t LocalSeconds(int64_t utc) const;  // civil seconds of `utc` in the zone

 private:
  explicit WeekCalendar(void* zone) : zone_(zone) {}
  void* zone_;  // icaltimezone*, owned by libical's built-in table
};

}  // namespace rapport::insights
