// Exclusions: who may not be collected under the consent in force (SPEC §1).
//
// Contract: an address is excluded from a consent type in force when its person is in a group
// that type's grant excludes, is opted out of everything, or (for the identifiable type) is opted
// out of identifiable insights. ExcludedFromAll() is true when that holds for every type in force
// -- then nothing covers the person's data, and it is neither stored nor kept. An error reading
// the opt-outs counts as excluded: when in doubt, collect nothing.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "rapport/consent/consent_ledger.h"
#include "rapport/consent/optout.h"
#include "rapport/store/store.h"

namespace rapport::consent {

class Exclusions {
 public:
  static Result<Exclusions> For(store::Store& store, const ConsentState& state);

  // False when no group is excluded and nobody opted out: nothing needs checking.
  bool any() const { return any_; }
  // `key` is an ingest::AddressKey.
  bool ExcludedFromAll(const std::string& key);
  // Whether `key` is excluded from this type (which must be in force): opted out of it, or in
  // a group its grant excludes.
  bool ExcludedFrom(ConsentType type, const std::string& key);

 private:
  explicit Exclusions(store::Store& store) : optouts_(store) {}

  OptOuts optouts_;
  bool any_ = false;
  // Per type in force: the type, and the address keys its grant excludes.
  std::vector<std::pair<ConsentType, std::unordered_set<std::string>>> in_force_;
  std::unordered_map<std::string, bool> verdicts_;
};

// What a change of consent leaves uncovered: everything when no type is in force, else the
// stored addresses excluded from every type in force.
Result<store::PurgePlan> PlanPurge(store::Store& store, const ConsentState& state);

}  // namespace rapport::consent
