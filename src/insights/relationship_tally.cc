#include "insights/relationship_tally.h"

#include <algorithm>

#include "rapport/insights/ties.h"

namespace rapport::insights {
namespace {

constexpr double kWriteHours = 5.0 / 60, kReadHours = 2.5 / 60;

// Calls `each` with every item of `all`, or only those `indices` names.
template <typename Item, typename Each>
void ForEachItem(const std::vector<Item>& all, const std::vector<size_t>* indices, Each each) {
  if (indices == nullptr) {
    for (const Item& item : all) each(item);
    return;
  }
  for (size_t i : *indices) each(all[i]);
}

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
  ForEachItem(s.activity.mail, s.only ? &s.only->mail : nullptr, [&](const store::MailItem& m) {
    if (m.context) return;  // read only as a reply's parent
    const int dir = Direction(s, m);
    if (dir == 0 || m.sent_at < from || m.sent_at > to) return;
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
    if (m.parent < 0) return;
    const store::MailItem& parent = s.activity.mail[static_cast<size_t>(m.parent)];
    if (Direction(s, parent) != -dir) return;
    ++writer.replies;
    const double hours = static_cast<double>(m.sent_at - parent.sent_at) / 3600.0;
    (dir > 0 ? t.our_latencies : t.their_latencies).push_back(hours);
  });
}

void TallyMeetings(const Sides& s, const WeekCalendar& weeks, int64_t from, int64_t to, Tally& t) {
  ForEachItem(s.activity.meetings, s.only ? &s.only->meetings : nullptr,
              [&](const store::MeetingItem& g) {
                if (g.cancelled || g.all_day || g.start < from || g.start > to) return;
                const auto ours = std::count_if(g.attendees.begin(), g.attendees.end(),
                                                [&](int64_t p) { return s.Us(p); });
                const bool theirs = std::any_of(g.attendees.begin(), g.attendees.end(),
                                                [&](int64_t p) { return s.Them(p); });
                if (ours == 0 || !theirs) return;
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
              });
}

}  // namespace

bool Sides::Us(int64_t person) const {
  auto it = activity.people.find(person);
  return it != activity.people.end() && it->second.kind == store::PersonKind::kInternal &&
         !it->second.is_role && !robots.count(person) && !excluded.count(person);
}

bool Sides::Them(int64_t person) const {
  return them.count(person) && !robots.count(person);
}

std::unordered_set<int64_t> RobotsAmong(const store::Activity& activity, const ItemSubset* only,
                                        int64_t as_of) {
  BulkOnlyTally tally;
  ForEachItem(activity.mail, only ? &only->mail : nullptr, [&](const store::MailItem& m) {
    if (!m.context && m.sent_at <= as_of) tally.Add(m);
  });
  return tally.Senders();
}

Tally Count(const Sides& sides, const WeekCalendar& weeks, int64_t from, int64_t to) {
  Tally t;
  TallyMail(sides, weeks, from, to, t);
  TallyMeetings(sides, weeks, from, to, t);
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

Standing StandingOf(const Tally& now, const Tally& before, std::optional<int64_t> last, int days,
                    int64_t as_of, const InsightSettings& settings) {
  Standing out;
  HealthInputs inputs = InputsOf(now, days, as_of);
  inputs.last_interaction = last;
  out.health = ComputeHealth(inputs, settings);
  const int64_t previous_end = as_of - int64_t{days} * 86400;
  out.previous_score = ComputeHealth(InputsOf(before, days, previous_end), settings).score;
  const int change = out.health.score - out.previous_score;
  out.trend = change >= 5 ? "up" : change <= -5 ? "down" : "steady";
  return out;
}

}  // namespace rapport::insights
