// Where the data at hand ends, and the as-of an insight takes when the caller gives none.
//
// Contract: without an as-of from the caller an insight is as of now -- unless the store's latest
// activity (a message sent or a meeting begun, at or before now) is from before today (UTC): then
// it is as of the end of that last day with data, so that an archive or a sample answers with its
// figures instead of zeros "as of today". Either way every answer says which day the data goes up
// to. An as-of the caller gives is kept as given.
#pragma once

#include <cstdint>
#include <optional>

#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::insights {

struct ResolvedAsOf {
  int64_t as_of = 0;                  // UTC seconds
  std::optional<int64_t> data_up_to;  // the latest activity at or before now; none: no data
};

Result<ResolvedAsOf> ResolveAsOf(store::Store& store, std::optional<int64_t> given, int64_t now);

}  // namespace rapport::insights
