// ConsentGate: the consent ledger deciding what an ingest may collect (SPEC §1).
//
// Contract: CheckRun() refuses the run when no consent type is in force (or the ledger is
// broken). Filter() removes from each item the people excluded from every consent type in force
// -- members of the groups a grant excludes, users opted out of everything, and users opted out
// of identifiable insights for the identifiable type -- so their data is never stored; a message
// they sent, or a meeting they organised, is dropped whole. People excluded from some types only
// are kept: the policy decision point hides them from those types' insights.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "rapport/consent/consent_ledger.h"
#include "rapport/consent/optout.h"
#include "rapport/ingest/ingest_gate.h"
#include "rapport/store/store.h"

namespace rapport::consent {

class ConsentGate final : public ingest::IngestGate {
 public:
  explicit ConsentGate(store::Store& store) : store_(store), optouts_(store) {}

  Status CheckRun() override;
  ingest::GateVerdict Filter(model::MessageMeta& meta) override;
  ingest::GateVerdict Filter(model::MeetingMeta& meeting) override;

 private:
  bool Excluded(const std::string& address);
  bool ExcludedFromAll(const std::string& key);

  store::Store& store_;
  OptOuts optouts_;
  bool any_exclusion_ = false;  // no group excluded and nobody opted out: nothing to check
  // Per consent type in force: whether it is identifiable, and the address keys its grant excludes.
  std::vector<std::pair<bool, std::unordered_set<std::string>>> in_force_;
  std::unordered_map<std::string, bool> verdicts_;  // address key -> excluded from all
};

}  // namespace rapport::consent
