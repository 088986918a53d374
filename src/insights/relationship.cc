#include "rapport/insights/relationship.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "insights/decide.h"
#include "insights/relationship_tally.h"
#include "insights/weeks.h"

namespace rapport::insights {
namespace {

constexpr auto kKind = consent::InsightKind::kRelationship;

std::optional<int64_t> NextMeeting(const Sides& s, int64_t as_of) {
  for (const auto& g : s.activity.meetings) {  // by start
    if (g.start <= as_of || g.cancelled) continue;
    const bool ours =
        std::any_of(g.attendees.begin(), g.attendees.end(), [&](int64_t p) { return s.Us(p); });
    const bool theirs =
        std::any_of(g.attendees.begin(), g.attendees.end(), [&](int64_t p) { return s.Them(p); });
    if (ours && theirs) return g.start;
  }
  return std::nullopt;
}

Result<std::vector<ContactedColleague>> MostContacted(consent::PolicyDecisionPoint& policy,
                                                      const store::Activity& activity,
                                                      const std::map<int64_t, int>& counts) {
  // Most interactions first, then by address: never by ingest order.
  std::vector<std::pair<int64_t, int>> ranked(counts.begin(), counts.end());
  std::sort(ranked.begin(), ranked.end(), [&](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return activity.people.at(a.first).address < activity.people.at(b.first).address;
  });
  std::vector<ContactedColleague> out;
  for (const auto& [person, n] : ranked) {
    if (out.size() == 3) break;
    auto may = policy.MayAppear(kKind, person);
    if (!may.ok()) return may.status();
    if (*may) out.push_back({activity.people.at(person), n});
  }
  return out;
}

std::vector<WeekActivity> Timeline(const Tally& t, const WeekCalendar& weeks, int64_t from,
                                   int64_t to) {
  std::vector<WeekActivity> out;
  for (int64_t w = weeks.WeekStart(from); w <= weeks.WeekStart(to); w += 7 * 86400) {
    auto it = t.weeks.find(w);
    WeekActivity week = it == t.weeks.end() ? WeekActivity{} : it->second;
    week.week_start = w;
    out.push_back(week);
  }
  return out;
}

// The last interaction before `before`, for a relationship quiet for longer than was read.
Result<std::optional<int64_t>> LastBefore(store::Store& store, consent::PolicyDecisionPoint& policy,
                                          const std::set<int64_t>& them, const WeekCalendar& weeks,
                                          int64_t before) {
  store::ActivityQuery query;
  query.people.assign(them.begin(), them.end());
  query.to = before;
  auto older = store.ReadActivity(query);
  if (!older.ok()) return older.status();
  auto excluded = Excluded(policy, kKind, *older);
  if (!excluded.ok()) return excluded.status();
  const auto robots = RobotsAmong(*older, nullptr, before);
  const Sides sides{*older, them, robots, *excluded};
  return Count(sides, weeks, std::numeric_limits<int64_t>::min(), before).last;
}

// The answer about `target`, whose decision is made.
Result<RelationshipAnswer> Analyse(store::Store& store, consent::PolicyDecisionPoint& policy,
                                   const InsightRequest& request, Target target, int days) {
  auto them = Countable(policy, kKind, target.people);
  if (!them.ok()) return them.status();
  auto settings = LoadInsightSettings(store);
  if (!settings.ok()) return settings.status();
  auto weeks = WeekCalendar::For(settings->time_zone);
  if (!weeks.ok()) return weeks.status();

  // This window, the one before (for the trend) and everything ahead (the next meeting), with
  // the older mail replies answer: reading a month more for those cost a fifth of the request.
  const int64_t window = int64_t{days} * 86400;
  store::ActivityQuery query;
  query.people.assign(them->begin(), them->end());
  query.from = request.as_of - 2 * window;
  query.parents = true;
  auto activity = store.ReadActivity(query);
  if (!activity.ok()) return activity.status();
  auto excluded = Excluded(policy, kKind, *activity);
  if (!excluded.ok()) return excluded.status();
  const auto robots = RobotsAmong(*activity, nullptr, request.as_of);
  const Sides sides{*activity, *them, robots, *excluded};
  const int64_t from = request.as_of - window;
  Tally now = Count(sides, *weeks, from + 1, request.as_of);
  Tally before = Count(sides, *weeks, from - window + 1, from);

  RelationshipAnswer a;
  a.as_of = request.as_of;
  a.data_up_to = request.data_up_to;
  a.days = days;
  a.by_us = now.by_us;
  a.by_them = now.by_them;
  a.meetings = now.meetings;
  a.last_interaction = now.last ? now.last : before.last;
  if (!a.last_interaction) {
    auto last = LastBefore(store, policy, *them, *weeks, from - window + 1);
    if (!last.ok()) return last.status();
    a.last_interaction = *last;
  }
  a.next_interaction = NextMeeting(sides, request.as_of);
  auto colleagues = MostContacted(policy, *activity, now.colleagues);
  if (!colleagues.ok()) return colleagues.status();
  a.most_contacted = std::move(*colleagues);
  std::vector<store::PersonSummary*> shown;
  for (auto& c : a.most_contacted) shown.push_back(&c.colleague);
  RAPPORT_RETURN_IF_ERROR(Describe(store, shown));
  a.timeline = Timeline(now, *weeks, from + 1, request.as_of);

  Standing standing = StandingOf(now, before, a.last_interaction, days, request.as_of, *settings);
  a.health = std::move(standing.health);
  a.previous_score = standing.previous_score;
  a.trend = std::move(standing.trend);
  a.target = std::move(target);
  return a;
}

}  // namespace

Result<RelationshipAnswer> AnalyseRelationship(store::Store& store,
                                               consent::PolicyDecisionPoint& policy,
                                               const InsightRequest& request, std::string_view text,
                                               int days) {
  auto target = DecideOnTarget(store, policy, request, kKind, text);
  if (!target.ok()) return target.status();
  return InOneSnapshot(store,
                       [&] { return Analyse(store, policy, request, std::move(*target), days); });
}

}  // namespace rapport::insights
