#include "rapport/insights/tie_index.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace rapport::insights {
namespace {

using store::TieFact;

// Whether someone sent bulk mail and mail that is not bulk (before the cut-off).
struct Sending {
  bool bulk = false, personal = false;
  bool Robot() const { return bulk && !personal; }
};

}  // namespace

std::vector<store::TieRow> TieRowsOf(const store::Activity& activity,
                                     std::span<const int64_t> contacts) {
  const std::set<int64_t> wanted(contacts.begin(), contacts.end());
  // (contact, colleague, at, fact, participants) -> how many identical interactions.
  std::map<std::tuple<int64_t, int64_t, int64_t, int, int>, int> counted;
  for (const auto& [pair, list] : PairInteractions(activity, std::numeric_limits<int64_t>::max())) {
    if (!wanted.count(pair.second)) continue;
    for (const Interaction& i : list) {
      ++counted[{pair.second, pair.first, i.at, static_cast<int>(i.kind), i.participants}];
    }
  }
  // (contact, colleague, fact) -> the earliest time.
  std::map<std::tuple<int64_t, int64_t, int>, int64_t> first;
  auto earliest = [&](int64_t contact, int64_t colleague, TieFact fact, int64_t at) {
    auto [it, added] = first.emplace(std::tuple{contact, colleague, static_cast<int>(fact)}, at);
    if (!added) it->second = std::min(it->second, at);
  };
  for (const auto& m : activity.mail) {
    if (m.context) continue;
    if (wanted.count(m.sender)) {
      earliest(m.sender, 0, m.bulk ? TieFact::kContactFirstBulk : TieFact::kContactFirstPersonal,
               m.sent_at);
    }
    if (!m.bulk || !IsPersonOf(activity, m.sender, store::PersonKind::kInternal)) continue;
    for (int64_t r : m.recipients) {
      if (wanted.count(r)) earliest(r, m.sender, TieFact::kColleagueFirstBulk, m.sent_at);
    }
  }
  std::vector<store::TieRow> rows;
  rows.reserve(counted.size() + first.size());
  for (const auto& [key, n] : counted) {
    const auto& [contact, colleague, at, fact, participants] = key;
    rows.push_back({contact, colleague, at, static_cast<TieFact>(fact), participants, n});
  }
  for (const auto& [key, at] : first) {
    const auto& [contact, colleague, fact] = key;
    rows.push_back({contact, colleague, at, static_cast<TieFact>(fact), 0, 1});
  }
  return rows;
}

std::vector<TieInteractions> TiesFromRows(std::span<const store::TieRow> rows, int64_t until) {
  std::map<int64_t, Sending> contacts, colleagues;
  PairMap pairs;  // (colleague, contact)
  // Rows come grouped by pair (the index's key order): the last pair's list is reused instead of
  // a map look-up per row, which counts on an account's thousands of rows.
  std::vector<Interaction>* list = nullptr;
  Sending* sender = nullptr;  // the pair's colleague
  std::pair<int64_t, int64_t> key{0, 0};
  for (const store::TieRow& r : rows) {
    if (r.at >= until) continue;
    switch (r.fact) {
      case TieFact::kContactFirstBulk:
        contacts[r.contact].bulk = true;
        continue;
      case TieFact::kContactFirstPersonal:
        contacts[r.contact].personal = true;
        continue;
      case TieFact::kColleagueFirstBulk:
        colleagues[r.colleague].bulk = true;
        continue;
      default:
        break;
    }
    if (list == nullptr || key != std::pair{r.colleague, r.contact}) {
      key = {r.colleague, r.contact};
      list = &pairs[key];
      sender = &colleagues[r.colleague];
    }
    if (r.fact == TieFact::kEmailToContact || r.fact == TieFact::kReplyToContact) {
      sender->personal = true;
    }
    const Interaction i{static_cast<InteractionKind>(r.fact), r.at, r.participants};
    list->insert(list->end(), static_cast<size_t>(r.count), i);
  }
  std::vector<TieInteractions> out;
  out.reserve(pairs.size());
  for (auto& [pair, interactions] : pairs) {
    if (colleagues[pair.first].Robot() || contacts[pair.second].Robot()) continue;
    SortInteractions(interactions);
    out.push_back({pair.first, pair.second, std::move(interactions)});
  }
  return out;
}

Result<TieSet> ReadTies(store::Store& store, std::span<const int64_t> contacts, int64_t until,
                        TieSource source) {
  TieSet set;
  if (contacts.empty()) return set;
  if (source != TieSource::kMessages) {
    auto fresh =
        source == TieSource::kIndexFresh ? Result<bool>(true) : store.Ties().Fresh(contacts);
    if (!fresh.ok()) return fresh.status();
    if (*fresh) {
      auto rows = store.Ties().Read(contacts);
      if (!rows.ok()) return rows.status();
      set.ties = TiesFromRows(*rows, until);
      set.from_index = true;
      return set;
    }
  }
  store::ActivityQuery query;
  query.people.assign(contacts.begin(), contacts.end());
  query.to = until;
  auto activity = store.ReadActivity(query);
  if (!activity.ok()) return activity.status();
  const std::set<int64_t> wanted(contacts.begin(), contacts.end());
  for (auto& tie : CollectTies(*activity, until)) {
    if (wanted.count(tie.contact)) set.ties.push_back(std::move(tie));
  }
  return set;
}

namespace {

// The rows of `contacts` from all their mail and meetings, or (`after` set) from their mail
// above message `after`, none sent before `from`, with the parents it answers, as the tie index
// stores them. An extension from 0 (no mail indexed yet) is still mail only: the meetings are in
// the rows already, and were counted twice when 0 meant "everything" (calendars ingested before
// mail).
Result<std::vector<store::TieRow>> RowsFromMail(
    store::Store& store, std::span<const int64_t> contacts, std::optional<int64_t> after,
    int64_t from = std::numeric_limits<int64_t>::min()) {
  store::ActivityQuery query;
  query.people.assign(contacts.begin(), contacts.end());
  query.after_message = after;
  query.from = from;
  auto activity = store.ReadActivity(query);
  if (!activity.ok()) return activity.status();
  return TieRowsOf(*activity, contacts);
}

}  // namespace

Result<TieSet> ReadColleagueTies(store::Store& store, int64_t colleague, int64_t until) {
  TieSet set;
  auto fresh = store.Ties().AllFresh();
  if (!fresh.ok()) return fresh.status();
  auto rows = store.Ties().ReadColleague(colleague);
  if (!rows.ok()) return rows.status();
  if (*fresh) {
    set.ties = TiesFromRows(*rows, until);  // the colleague's pairs: the rest are facts
    set.from_index = true;
    return set;
  }
  // Every external person in the colleague's mail and meetings, not only those of a pair: one
  // the colleague sent only bulk mail to counts towards whether the colleague is a robot.
  store::ActivityQuery query;
  query.people = {colleague};
  query.to = until;
  auto activity = store.ReadActivity(query);
  if (!activity.ok()) return activity.status();
  std::vector<int64_t> contacts;
  for (const auto& [id, person] : activity->people) {
    if (IsPersonOf(*activity, id, store::PersonKind::kExternal)) contacts.push_back(id);
  }
  std::sort(contacts.begin(), contacts.end());
  auto stale = store.Ties().StaleAmong(contacts);
  if (!stale.ok()) return stale.status();
  // Current rows of the contacts that are fresh; the others' rows as a refresh would write them.
  const std::set<int64_t> current = [&] {
    std::set<int64_t> out(contacts.begin(), contacts.end());
    for (int64_t c : *stale) out.erase(c);
    return out;
  }();
  std::erase_if(*rows, [&](const store::TieRow& r) { return !current.count(r.contact); });
  if (!stale->empty()) {
    auto computed = RowsFromMail(store, *stale, std::nullopt);
    if (!computed.ok()) return computed.status();
    for (const auto& r : *computed) {
      if (r.colleague == colleague || r.colleague == 0) rows->push_back(r);
    }
  }
  set.ties = TiesFromRows(*rows, until);
  set.from_index = stale->empty();
  return set;
}

Result<store::TieIndex::Refreshed> RefreshTieIndex(store::Store& store) {
  return store.Ties().Refresh(
      [&](std::span<const int64_t> contacts) {
        return RowsFromMail(store, contacts, std::nullopt);
      },
      [&](std::span<const int64_t> contacts, int64_t since, int64_t sent_from) {
        return RowsFromMail(store, contacts, since, sent_from);
      });
}

}  // namespace rapport::insights
