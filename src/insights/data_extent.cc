#include "rapport/insights/data_extent.h"

namespace rapport::insights {
namespace {

constexpr int64_t kDay = 86400;

int64_t DayStart(int64_t t) {
  return t - ((t % kDay) + kDay) % kDay;
}

}  // namespace

Result<ResolvedAsOf> ResolveAsOf(store::Store& store, std::optional<int64_t> given, int64_t now) {
  auto last = store.LastActivity(now);
  if (!last.ok()) return last.status();
  ResolvedAsOf out{now, *last};
  if (given) {
    out.as_of = *given;
  } else if (*last && DayStart(**last) < DayStart(now)) {
    out.as_of = DayStart(**last) + kDay - 1;  // the end of the last day with data
  }
  return out;
}

}  // namespace rapport::insights
