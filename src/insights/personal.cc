#include "rapport/insights/personal.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "insights/decide.h"
#include "insights/equal_scores.h"
#include "rapport/insights/health_score.h"
#include "rapport/insights/insight_settings.h"
#include "rapport/insights/tie_index.h"
#include "rapport/insights/ties.h"

namespace rapport::insights {
namespace {

constexpr auto kKind = consent::InsightKind::kPersonal;
constexpr int64_t kDay = 86400;

bool Has(const std::vector<int64_t>& people, int64_t person) {
  return std::find(people.begin(), people.end(), person) != people.end();
}

bool Human(const store::Activity& a, int64_t person) {
  auto it = a.people.find(person);
  return it != a.people.end() && !it->second.is_role &&
         it->second.kind != store::PersonKind::kGuest;
}

// The caller's ties, strongest first, that the policy lets appear: the same ties Who Knows Whom
// ranks (ReadColleagueTies), read from the tie index rather than from all the caller's mail.
Result<std::vector<ContactTie>> Ties(store::Store& store, consent::PolicyDecisionPoint& policy,
                                     int64_t me, int64_t as_of) {
  auto ties = ReadColleagueTies(store, me, as_of + 1);
  if (!ties.ok()) return ties.status();
  std::vector<ContactTie> out;
  for (auto& tie : ties->ties) {
    TieStrength s = ComputeTieStrength(tie.interactions, as_of);
    if (s.strength <= 0) continue;
    out.push_back({{}, s});
    out.back().contact.id = tie.contact;
  }
  // Who they are is read for those shown (DescribeEveryone), and here only to break equal scores.
  std::sort(out.begin(), out.end(),
            [](const ContactTie& x, const ContactTie& y) { return x.tie.raw > y.tie.raw; });
  RAPPORT_RETURN_IF_ERROR(BreakEqualScores(store, std::span(out), &ContactTie::contact));
  std::vector<ContactTie> visible;
  for (auto& t : out) {
    auto may = policy.MayAppear(kKind, t.contact.id);
    if (!may.ok()) return may.status();
    if (*may) visible.push_back(std::move(t));
  }
  return visible;
}

void TopAndCold(std::vector<ContactTie> ties, int64_t as_of, int cold_days, PersonalAnswer& out) {
  for (const auto& t : ties) {
    if (out.top_contacts.size() < 5) out.top_contacts.push_back(t);
    const bool quiet =
        t.tie.explanation.last && *t.tie.explanation.last <= as_of - cold_days * kDay;
    if (t.tie.label == TieLabel::kStrong && quiet) out.going_cold.push_back(t);
  }
}

// Whether `m` involves the caller.
bool Mine(const store::MailItem& m, int64_t me) {
  return m.sender == me || Has(m.recipients, me);
}

// Mail in (from, to] that may await the caller's reply: not bulk (so never a robot's), to the
// caller, from a person.
bool MayAwait(const store::Activity& a, const store::MailItem& m, int64_t me, int64_t from,
              int64_t to) {
  return !m.context && !m.bulk && m.sent_at > from && m.sent_at <= to && m.sender != me &&
         Has(m.recipients, me) && Human(a, m.sender);
}

// person -> the last time the caller wrote to them: in (from, to] from `a` (the caller's mail
// since `from` with the parents it answers), else `from` for those the caller wrote to before
// it. Only those the caller ever wrote to can be owed a reply: a newsletter or a robot never is,
// even without bulk headers. Earlier mail is asked about only for senders it could matter for.
Result<std::unordered_map<int64_t, int64_t>> LastWrittenTo(store::Store& store,
                                                           const store::Activity& a, int64_t me,
                                                           int64_t from, int64_t to) {
  std::unordered_map<int64_t, int64_t> last;
  for (const auto& m : a.mail) {
    if (m.context || m.sender != me || m.sent_at <= from || m.sent_at > to) continue;
    for (int64_t r : m.recipients) last[r] = std::max(last[r], m.sent_at);
  }
  std::vector<int64_t> senders;
  for (const auto& m : a.mail) {
    if (MayAwait(a, m, me, from, to) && !last.count(m.sender)) senders.push_back(m.sender);
  }
  if (senders.empty()) return last;
  std::sort(senders.begin(), senders.end());
  senders.erase(std::unique(senders.begin(), senders.end()), senders.end());
  auto wrote = store.WroteToBefore(me, senders, from + 1);
  if (!wrote.ok()) return wrote.status();
  for (int64_t person : *wrote) last.emplace(person, from);
  return last;
}

// Reply latencies both ways, and the mail still waiting for the caller, in (from, to]; `a` and
// `last_written_to` as LastWrittenTo has them.
void MailFacts(const store::Activity& a, int64_t me, const std::unordered_set<int64_t>& excluded,
               const std::unordered_map<int64_t, int64_t>& last_written_to, int64_t from,
               int64_t to, std::vector<double>& mine, std::vector<double>& theirs,
               std::vector<const store::MailItem*>& waiting) {
  std::unordered_set<int64_t> answered;  // indexes of messages the caller replied to
  for (const auto& m : a.mail) {
    if (!m.context && m.sender == me && m.sent_at <= to && m.parent >= 0) answered.insert(m.parent);
  }
  for (size_t i = 0; i < a.mail.size(); ++i) {
    const store::MailItem& m = a.mail[i];
    if (m.context || m.bulk || m.sent_at <= from || m.sent_at > to) continue;
    // A parent counts only when it is the caller's mail too, as when all of it was read.
    const store::MailItem* parent =
        m.parent >= 0 ? &a.mail[static_cast<size_t>(m.parent)] : nullptr;
    if (parent != nullptr && Mine(*parent, me)) {
      const double hours = static_cast<double>(m.sent_at - parent->sent_at) / 3600.0;
      if (m.sender == me && parent->sender != me) mine.push_back(hours);
      const bool counted = !excluded.count(m.sender);  // the excluded are never counted
      if (m.sender != me && parent->sender == me && counted) theirs.push_back(hours);
    }
    if (!MayAwait(a, m, me, from, to)) continue;
    auto wrote = last_written_to.find(m.sender);
    if (wrote == last_written_to.end()) continue;  // a stranger to the caller
    if (!answered.count(static_cast<int64_t>(i)) && wrote->second < m.sent_at) {
      waiting.push_back(&m);
    }
  }
}

Status Meetings(consent::PolicyDecisionPoint& policy, const store::Activity& a, int64_t me,
                int64_t from, int64_t as_of, PersonalAnswer& out) {
  double hours = 0;
  for (const auto& g : a.meetings) {
    if (g.cancelled || g.all_day || !Has(g.attendees, me)) continue;
    if (g.start > from && g.start <= as_of) hours += static_cast<double>(g.end - g.start) / 3600.0;
    if (g.start <= as_of || g.start > as_of + 14 * kDay) continue;
    UpcomingMeeting next{g.start, g.end, {}};
    for (int64_t p : g.attendees) {
      const auto& person = a.people.at(p);
      if (person.kind != store::PersonKind::kExternal || person.is_role) continue;
      auto may = policy.MayAppear(kKind, p);
      if (!may.ok()) return may.status();
      if (*may) next.external.push_back(person);
    }
    if (!next.external.empty()) out.upcoming_external.push_back(std::move(next));
  }
  out.meeting_hours_per_week = hours / (static_cast<double>(out.days) / 7.0);
  return Status::Ok();
}

constexpr size_t kAwaitingShown = 20;

Status Awaiting(consent::PolicyDecisionPoint& policy, const store::Activity& a,
                const std::vector<const store::MailItem*>& waiting, PersonalAnswer& out) {
  // `waiting` is oldest first; the list shows the newest 20, newest first, and says how many.
  for (auto it = waiting.rbegin(); it != waiting.rend(); ++it) {
    const auto* m = *it;
    auto may = policy.MayAppear(kKind, m->sender);
    if (!may.ok()) return may.status();
    if (!*may) continue;
    ++out.awaiting_reply_total;
    if (out.awaiting_reply.size() < kAwaitingShown) {
      out.awaiting_reply.push_back({a.people.at(m->sender), m->sent_at});
    }
  }
  return Status::Ok();
}

Status DescribeEveryone(store::Store& store, PersonalAnswer& out) {
  std::vector<store::PersonSummary*> people;
  for (auto& t : out.top_contacts) people.push_back(&t.contact);
  for (auto& t : out.going_cold) people.push_back(&t.contact);
  for (auto& w : out.awaiting_reply) people.push_back(&w.from);
  for (auto& m : out.upcoming_external) {
    for (auto& p : m.external) people.push_back(&p);
  }
  return Describe(store, people);
}

// The answer, whose decision is made.
Result<PersonalAnswer> Personal(store::Store& store, consent::PolicyDecisionPoint& policy,
                                const InsightRequest& request, int days) {
  // The caller's id is all this needs: not their names, account or groups.
  auto me = store.LocatePerson(request.caller.address);
  if (!me.ok()) return me.status();
  auto settings = LoadInsightSettings(store);
  if (!settings.ok()) return settings.status();
  // The window's mail and meetings and the next 14 days', with the parents replies answer: the
  // ties come from the tie index, so nothing older is read.
  const int64_t from = request.as_of - int64_t{days} * kDay;
  store::ActivityQuery query;
  query.people = {me->id};
  query.from = from + 1;
  query.to = request.as_of + 14 * kDay + 1;
  query.parents = true;
  auto activity = store.ReadActivity(query);
  if (!activity.ok()) return activity.status();
  auto summary = store.SummarizePeople({me->id});
  if (!summary.ok()) return summary.status();

  PersonalAnswer out;
  out.me = summary->at(me->id);
  out.as_of = request.as_of;
  out.data_up_to = request.data_up_to;
  out.days = days;
  out.cold_after_days = settings->cold_after_days;
  auto ties = Ties(store, policy, me->id, request.as_of);
  if (!ties.ok()) return ties.status();
  TopAndCold(std::move(*ties), request.as_of, settings->cold_after_days, out);
  std::vector<double> mine, theirs;
  std::vector<const store::MailItem*> waiting;
  auto excluded = Excluded(policy, kKind, *activity);
  if (!excluded.ok()) return excluded.status();
  auto last_written_to = LastWrittenTo(store, *activity, me->id, from, request.as_of);
  if (!last_written_to.ok()) return last_written_to.status();
  MailFacts(*activity, me->id, *excluded, *last_written_to, from, request.as_of, mine, theirs,
            waiting);
  if (!mine.empty()) out.my_median_response_hours = Median(mine);
  if (!theirs.empty()) out.others_median_response_hours = Median(theirs);
  RAPPORT_RETURN_IF_ERROR(Awaiting(policy, *activity, waiting, out));
  RAPPORT_RETURN_IF_ERROR(Meetings(policy, *activity, me->id, from, request.as_of, out));
  RAPPORT_RETURN_IF_ERROR(DescribeEveryone(store, out));
  return out;
}

}  // namespace

Result<PersonalAnswer> PersonalInsights(store::Store& store, consent::PolicyDecisionPoint& policy,
                                        const InsightRequest& request, int days) {
  RAPPORT_RETURN_IF_ERROR(Decide(policy, request, kKind, request.caller.address));
  return InOneSnapshot(store, [&] { return Personal(store, policy, request, days); });
}

}  // namespace rapport::insights
