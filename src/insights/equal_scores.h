// Exact order among equal tie scores. Insights rank people by raw tie score, and break equal
// scores by address (StrongerTie, who_knows_whom.h); an answer shows a handful of the hundreds
// ranked, so who each ranked person is gets read only where two scores are equal, not for all.
// Internal to src/insights.
#pragma once

#include <algorithm>
#include <span>
#include <vector>

#include "rapport/insights/who_knows_whom.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::insights {

// `items`, already sorted by `tie.raw` (strongest first), put in StrongerTie's order: the basics
// (store::TieIndex::Basics) of every item whose score equals a neighbour's are read into its
// `person` and those runs sorted. Items with unique scores keep only their id.
template <typename Item>
Status BreakEqualScores(store::Store& store, std::span<Item> items,
                        store::PersonSummary Item::*person) {
  std::vector<int64_t> ids;
  for (size_t i = 0; i < items.size(); ++i) {
    const bool equal = (i > 0 && items[i].tie.raw == items[i - 1].tie.raw) ||
                       (i + 1 < items.size() && items[i].tie.raw == items[i + 1].tie.raw);
    if (equal) ids.push_back((items[i].*person).id);
  }
  if (ids.empty()) return Status::Ok();  // no two scores are equal: the order is exact
  auto who = store.Ties().Basics(ids);
  if (!who.ok()) return who.status();
  for (Item& item : items) {
    if (auto it = who->find((item.*person).id); it != who->end()) item.*person = it->second;
  }
  std::stable_sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
    return StrongerTie(a.tie, a.*person, b.tie, b.*person);
  });
  return Status::Ok();
}

}  // namespace rapport::insights
