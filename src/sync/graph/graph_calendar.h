// A user's meetings from Microsoft Graph: calendarView delta over a window of time.
//
// Contract: the window (meetings_back_days before the round began to meetings_ahead_days after)
// is fixed by a round's first request and carried by its links; it is kept with the link in the
// calendar's cursor. A new window starts when half of the one ahead has passed, or when the
// link expires. Each event is one meeting occurrence, stored as a live calendar's current state
// (Provenance::current_state): a change moves or updates it, a removal forgets this calendar's
// copy, and the meeting goes with its last copy. After a round read whole by one run, the events
// of this calendar it did not list whose meeting starts inside its window are forgotten; those
// before the window stay (history is not deleted by the window moving on).
#pragma once

#include <map>
#include <string>

#include "sync/graph/graph_paging.h"

namespace rapport::sync {

inline constexpr std::string_view kCalendarPermission = "Calendars.ReadBasic";

// One calendarView delta round (or what is left of one) for `user`. `now_utc` anchors a new
// window.
Status SyncGraphCalendar(const GraphPass& c, const GraphMailboxRef& user,
                         const std::map<std::string, std::string>& cursors, int64_t now_utc);

}  // namespace rapport::sync
