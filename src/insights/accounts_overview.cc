#include "rapport/insights/accounts_overview.h"

#include <algorithm>
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

struct AccountItems {
  std::set<int64_t> them;  // its people who may be counted
  ItemSubset items;
};

// Each account's countable people in the activity, and the items they took part in: what
// AnalyseRelationship reads for that account.
Result<std::map<int64_t, AccountItems>> ItemsByAccount(
    store::Store& store, const store::Activity& activity,
    const std::unordered_set<int64_t>& excluded) {
  auto members = store.AccountMembers();
  if (!members.ok()) return members.status();
  std::map<int64_t, AccountItems> out;
  std::unordered_map<int64_t, std::vector<int64_t>> accounts_of;
  for (const auto& [account, person] : *members) {
    if (!activity.people.count(person) || excluded.count(person)) continue;
    out[account].them.insert(person);
    accounts_of[person].push_back(account);
  }
  // Items come in index order, so an item already added to an account is that list's last.
  auto add = [&](int64_t person, size_t item, std::vector<size_t> ItemSubset::*list) {
    auto it = accounts_of.find(person);
    if (it == accounts_of.end()) return;
    for (int64_t account : it->second) {
      std::vector<size_t>& items = out[account].items.*list;
      if (items.empty() || items.back() != item) items.push_back(item);
    }
  };
  for (size_t i = 0; i < activity.mail.size(); ++i) {
    add(activity.mail[i].sender, i, &ItemSubset::mail);
    for (int64_t p : activity.mail[i].recipients) add(p, i, &ItemSubset::mail);
  }
  for (size_t i = 0; i < activity.meetings.size(); ++i) {
    const auto& g = activity.meetings[i];
    add(g.organizer, i, &ItemSubset::meetings);
    for (int64_t p : g.attendees) add(p, i, &ItemSubset::meetings);
    for (int64_t p : g.declined) add(p, i, &ItemSubset::meetings);
  }
  return out;
}

// The caller's person id; 0 when the store does not know them (an admin without mail).
Result<int64_t> CallerPerson(store::Store& store, const std::string& address) {
  auto person = store.IdentifyPerson(address);
  if (person.ok()) return person->id;
  if (person.status().code() == Status::Code::kNotFound) return int64_t{0};
  return person.status();
}

bool Newer(const AccountStanding& a, const AccountStanding& b) {
  if (a.last_interaction != b.last_interaction) return a.last_interaction > b.last_interaction;
  if (a.name != b.name) return a.name < b.name;
  return a.account_id < b.account_id;
}

// The answer, whose decision is made.
Result<AccountsOverview> Review(store::Store& store, consent::PolicyDecisionPoint& policy,
                                const InsightRequest& request, int days) {
  auto settings = LoadInsightSettings(store);
  if (!settings.ok()) return settings.status();
  auto weeks = WeekCalendar::For(settings->time_zone);
  if (!weeks.ok()) return weeks.status();
  auto me = CallerPerson(store, request.caller.address);
  if (!me.ok()) return me.status();
  auto accounts = store.ListAccounts();
  if (!accounts.ok()) return accounts.status();

  // This window and the one before (for the trend), with the older mail replies answer: as
  // relationship analytics reads each account.
  const int64_t window = int64_t{days} * 86400;
  store::ActivityQuery query;
  query.everyone = true;
  query.from = request.as_of - 2 * window;
  query.to = request.as_of + 1;
  query.parents = true;
  auto activity = store.ReadActivity(query);
  if (!activity.ok()) return activity.status();
  auto excluded = Excluded(policy, kKind, *activity);
  if (!excluded.ok()) return excluded.status();
  auto by_account = ItemsByAccount(store, *activity, *excluded);
  if (!by_account.ok()) return by_account.status();

  AccountsOverview out;
  out.as_of = request.as_of;
  out.days = days;
  out.data_up_to = request.data_up_to;
  const int64_t from = request.as_of - window;
  for (const auto& account : *accounts) {
    auto it = by_account->find(account.id);
    if (it == by_account->end()) continue;
    const ItemSubset& items = it->second.items;
    const auto robots = RobotsAmong(*activity, &items, request.as_of);
    const Sides sides{*activity, it->second.them, robots, *excluded, &items};
    const Tally now = Count(sides, *weeks, from + 1, request.as_of);
    const Tally before = Count(sides, *weeks, from - window + 1, from);
    if (!now.last && !before.last) continue;
    const auto last = now.last ? now.last : before.last;
    Standing standing = StandingOf(now, before, last, days, request.as_of, *settings);
    AccountStanding a;
    a.account_id = account.id;
    a.name = account.name;
    a.score = standing.health.score;
    a.grade = standing.health.grade;
    a.previous_score = standing.previous_score;
    a.trend = standing.trend;
    a.last_interaction = last;
    a.emails_by_us = now.by_us.emails_sent;
    a.emails_by_them = now.by_them.emails_sent;
    a.meetings = now.meetings;
    a.colleagues = static_cast<int>(now.colleagues.size());
    if (auto mine = now.colleagues.find(*me); mine != now.colleagues.end()) {
      a.my_interactions = mine->second;
    }
    out.accounts.push_back(std::move(a));
  }
  std::sort(out.accounts.begin(), out.accounts.end(), Newer);
  return out;
}

}  // namespace

Result<AccountsOverview> ReviewAccounts(store::Store& store, consent::PolicyDecisionPoint& policy,
                                        const InsightRequest& request, int days) {
  RAPPORT_RETURN_IF_ERROR(Decide(policy, request, kKind, "", "all accounts"));
  return InOneSnapshot(store, [&] { return Review(store, policy, request, days); });
}

}  // namespace rapport::insights
