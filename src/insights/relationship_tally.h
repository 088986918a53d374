// What happened between us (colleagues) and them (a target's people) over a stretch of time: the
// counting behind relationship analytics, shared by one relationship (relationship.cc) and the
// accounts overview (account_overview.cc) so that the two can never disagree. Internal to
// src/insights.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>
#include <vector>

#include "insights/weeks.h"
#include "rapport/insights/health_score.h"
#include "rapport/insights/relationship.h"
#include "rapport/store/activity.h"

namespace rapport::insights {

// Which of an activity's items involve the target (sent or received by one of its people, or a
// meeting one of them was invited to or organised): indices into Activity::mail and ::meetings.
// A tally reads every item when it has none.
struct ItemSubset {
  std::vector<size_t> mail, meetings;
};

// Who is on which side of an item. Colleagues excluded from identifiable insights are absent:
// never counted (SPEC §1); robots (senders of bulk mail only) are on neither side.
struct Sides {
  const store::Activity& activity;
  const std::set<int64_t>& them;
  const std::unordered_set<int64_t>& robots;
  const std::unordered_set<int64_t>& excluded;
  const ItemSubset* only = nullptr;

  bool Us(int64_t person) const;
  bool Them(int64_t person) const;
};

// Senders of the items (at or before `as_of`) whose every message there is bulk: what a
// relationship's robots are. Later mail never changes an earlier answer.
std::unordered_set<int64_t> RobotsAmong(const store::Activity& activity, const ItemSubset* only,
                                        int64_t as_of);

struct Tally {
  SideKpis by_us, by_them;
  int meetings = 0;
  std::vector<double> our_latencies, their_latencies;
  std::optional<int64_t> last;
  std::map<int64_t, int> colleagues;  // internal person -> interactions
  std::map<int64_t, WeekActivity> weeks;
};

// What happened in [from, to].
Tally Count(const Sides& sides, const WeekCalendar& weeks, int64_t from, int64_t to);

// The health score's inputs from a window's tally.
HealthInputs InputsOf(const Tally& tally, int days, int64_t as_of);

// The score and trend of a window ending at `as_of` against the window before it, as
// relationship analytics reports them: `last` is the last interaction known (perhaps older).
struct Standing {
  HealthScore health;
  int previous_score = 0;
  std::string trend;  // up, down or steady (5 points either way)
};
Standing StandingOf(const Tally& now, const Tally& before, std::optional<int64_t> last, int days,
                    int64_t as_of, const InsightSettings& settings);

}  // namespace rapport::insights
