#include "consent/exclusions.h"

namespace rapport::consent {

Result<Exclusions> Exclusions::For(store::Store& store, const ConsentState& state) {
  Exclusions e(store);
  auto optouts = store.ListOptOuts();
  if (!optouts.ok()) return optouts.status();
  e.any_ = !optouts->empty();
  for (ConsentType type : kConsentTypes) {
    const TypeState& t = state.of(type);
    if (!t.in_force) continue;
    auto members = store.GroupMemberAddresses(t.last->excluded_groups);
    if (!members.ok()) return members.status();
    e.any_ = e.any_ || !members->empty();
    e.in_force_.emplace_back(type,
                             std::unordered_set<std::string>(members->begin(), members->end()));
  }
  return e;
}

bool Exclusions::ExcludedFromAll(const std::string& key) {
  if (!any_) return in_force_.empty();
  if (auto it = verdicts_.find(key); it != verdicts_.end()) return it->second;
  auto scope = optouts_.ScopeOfAddress(key);
  bool excluded = true;
  for (const auto& [type, members] : in_force_) {
    const bool opted_out =
        !scope.ok() ||
        (*scope && (**scope == OptOutScope::kAll || type == ConsentType::kIdentifiable));
    if (!opted_out && !members.count(key)) excluded = false;
  }
  verdicts_.emplace(key, excluded);
  return excluded;
}

bool Exclusions::ExcludedFrom(ConsentType type, const std::string& key) {
  auto scope = optouts_.ScopeOfAddress(key);
  if (!scope.ok()) return true;  // when in doubt, show nothing
  if (*scope && (**scope == OptOutScope::kAll || type == ConsentType::kIdentifiable)) return true;
  for (const auto& [t, members] : in_force_) {
    if (t == type) return members.count(key) > 0;
  }
  return true;  // not in force: nothing is covered
}

Result<store::PurgePlan> PlanPurge(store::Store& store, const ConsentState& state) {
  store::PurgePlan plan;
  if (!state.AnyInForce()) {
    plan.everything = true;
    return plan;
  }
  auto exclusions = Exclusions::For(store, state);
  if (!exclusions.ok()) return exclusions.status();
  if (!exclusions->any()) return plan;
  auto keys = store.AddressKeys();
  if (!keys.ok()) return keys.status();
  for (const auto& key : *keys) {
    if (exclusions->ExcludedFromAll(key)) plan.addresses.push_back(key);
  }
  return plan;
}

}  // namespace rapport::consent
