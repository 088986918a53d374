#include "rapport/insights/relationship.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "insights/decide.h"
#include "insights/weeks.h"
#include "rapport/insights/ties.h"

namespace rapport::insights {
namespace {

constexpr auto kKind = consent::InsightKind::kRelationship;
constexpr double kWriteHours = 5.0 / 60, kReadHours = 2.5 / 60;

// Who is on which side of an item.
struct Sides {
  const store::Activity& activity;
  const std::set<int64_t>& them;
  std::unordered_set<int64_t> robots;
  // Colleagues excluded from identifiable insights: absent, so never counted (SPEC §1).
  std::unordered_set<int64_t> excluded;

  Sides(const store::Activity& a, const std::set<int64_t>& t, std::unordered_set<int64_t> x)
      : activity(a), them(t), robots(BulkOnlySenders(a)), excluded(std::move(x)) {}

  bool Us(int64_t person) const {
    auto it = activity.people.find(person);
    return it != activity.people.end() && it->second.kind == store::PersonKind::kInternal &&
           !it->second.is_role && !robots.count(person) && !excluded.count(person);
  }
  bool Them(int64_t person) const { return them.count(person) && !robots.count(person); }
};

// What happened in [from, to].
struct Tally {
  SideKpis by_us, by_them;
  int meetings = 0;
  std::vector<double> our_latencies, their_latencies;
  std::optional<int64_t> last;
  std::map<int64_t, int> colleagues;  // internal person -> interactions
  std::map<int64_t, WeekActivity> weeks;
};

void Seen(Tally& t, int64_t at) {
  t.last = std::max(t.last.value_or(at), at);
}

// +1 for us (we wrote), -1 for them, 0 when the message is not between the two sides.
int Direction(const Sides& s, const store::MailItem& m) {
  if (m.bulk || s.robots.count(m.sender)) return 0;
  auto any = [&](auto side) { return std::any_of(m.recipients.begin(), m.recipients.end(), side); };
  if (s.Us(m.sender) && any([&](int64_t r) { return s.Them(r); })) return 1;
  if (s.Them(m.sender) && any([&](int64_t r) { return s.Us(r); })) return -1;
  return 0;
}

void TallyMail(const Sides& s, const WeekCalendar& weeks, int64_t from, int64_t to, Tally& t) {
  for (const auto& m : s.activity.mail) {
    const int dir = Direction(s, m);
    if (dir == 0 || m.sent_at < from || m.sent_at > to) continue;
    Seen(t, m.sent_at);
    SideKpis& writer = dir > 0 ? t.by_us : t.by_them;
    SideKpis& reader = dir > 0 ? t.by_them : t.by_us;
    ++writer.emails_sent;
    ++reader.emails_received;
    writer.hours_spent += kWriteHours;
    for (int64_t r : m.recipients) {
      if (dir > 0 ? s.Them(r) : s.Us(r)) reader.hours_spent += kReadHours;
      if (dir < 0 && s.Us(r)) ++t.colleagues[r];
    }
    if (dir > 0) ++t.colleagues[m.sender];
    WeekActivity& week = t.weeks[weeks.WeekStart(m.sent_at)];
    ++(dir > 0 ? week.emails_by_us : week.emails_by_them);
    if (m.parent < 0) continue;
    const store::MailItem& parent = s.activity.mail[static_cast<size_t>(m.parent)];
    if (Direction(s, parent) != -dir) continue;
    ++writer.replies;
    const double hours = static_cast<double>(m.sent_at - parent.sent_at) / 3600.0;
    (dir > 0 ? t.our_latencies : t.their_latencies).push_back(hours);
  }
}

void TallyMeetings(const Sides& s, const WeekCalendar& weeks, int64_t from, int64_t to, Tally& t) {
  for (const auto& g : s.activity.meetings) {
    if (g.cancelled || g.all_day || g.start < from || g.start > to) continue;
    const auto ours =
        std::count_if(g.attendees.begin(), g.attendees.end(), [&](int64_t p) { return s.Us(p); });
    const bool theirs =
        std::any_of(g.attendees.begin(), g.attendees.end(), [&](int64_t p) { return s.Them(p); });
    if (ours == 0 || !theirs) continue;
    Seen(t, g.start);
    ++t.meetings;
    if (s.Us(g.organizer)) ++t.by_us.meetings_organised;
    if (s.Them(g.organizer)) ++t.by_them.meetings_organised;
    const double hours = static_cast<double>(g.end - g.start) / 3600.0;
    t.by_us.hours_spent += hours * static_cast<double>(ours);
    t.by_them.hours_spent += hours;
    for (int64_t p : g.attendees) {
      if (s.Us(p)) ++t.colleagues[p];
    }
    ++t.weeks[weeks.WeekStart(g.start)].meetings;
  }
}

Tally Count(const Sides& s, const WeekCalendar& weeks, int64_t from, int64_t to) {
  Tally t;
  TallyMail(s, weeks, from, to, t);
  TallyMeetings(s, weeks, from, to, t);
  if (!t.our_latencies.empty()) t.by_us.median_response_hours = Median(t.our_latencies);
  if (!t.their_latencies.empty()) t.by_them.median_response_hours = Median(t.their_latencies);
  return t;
}

HealthInputs InputsOf(const Tally& t, int days, int64_t as_of) {
  HealthInputs in;
  in.days = days;
  in.emails_by_us = t.by_us.emails_sent;
  in.emails_by_them = t.by_them.emails_sent;
  in.meetings = t.meetings;
  in.response_hours = t.our_latencies;
  in.response_hours.insert(in.response_hours.end(), t.their_latencies.begin(),
                           t.their_latencies.end());
  in.last_interaction = t.last;
  in.as_of = as_of;
  return in;
}

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
  Sides sides(*older, them, std::move(*excluded));
  return Count(sides, weeks, std::numeric_limits<int64_t>::min(), before).last;
}

}  // namespace

Result<RelationshipAnswer> AnalyseRelationship(store::Store& store,
                                               consent::PolicyDecisionPoint& policy,
                                               const InsightRequest& request, std::string_view text,
                                               int days) {
  auto target = ResolveTarget(store, text);
  if (!target.ok()) {
    RAPPORT_RETURN_IF_ERROR(Decide(policy, request, kKind, std::string(text)));
    return target.status();
  }
  RAPPORT_RETURN_IF_ERROR(Decide(policy, request, kKind, target->address,
                                 target->address.empty() ? target->label : std::string()));
  auto them = Countable(policy, kKind, target->people);
  if (!them.ok()) return them.status();
  auto settings = LoadInsightSettings(store);
  if (!settings.ok()) return settings.status();
  auto weeks = WeekCalendar::For(settings->time_zone);
  if (!weeks.ok()) return weeks.status();

  // This window, the one before (for the trend), a month before that for replies' originals,
  // and everything ahead (the next meeting).
  const int64_t window = int64_t{days} * 86400;
  store::ActivityQuery query;
  query.people.assign(them->begin(), them->end());
  query.from = request.as_of - 2 * window - 30 * 86400;
  auto activity = store.ReadActivity(query);
  if (!activity.ok()) return activity.status();
  auto excluded = Excluded(policy, kKind, *activity);
  if (!excluded.ok()) return excluded.status();
  Sides sides(*activity, *them, std::move(*excluded));
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

  HealthInputs inputs = InputsOf(now, days, request.as_of);
  inputs.last_interaction = a.last_interaction;
  a.health = ComputeHealth(inputs, *settings);
  HealthInputs earlier = InputsOf(before, days, from);
  earlier.last_interaction = before.last ? before.last : std::nullopt;
  a.previous_score = ComputeHealth(earlier, *settings).score;
  const int change = a.health.score - a.previous_score;
  a.trend = change >= 5 ? "up" : change <= -5 ? "down" : "steady";
  a.target = std::move(*target);
  return a;
}

}  // namespace rapport::insights
