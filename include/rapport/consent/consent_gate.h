// ConsentGate: the consent ledger deciding what an ingest may collect (SPEC §1).
//
// Contract: CheckRun() refuses the run when no consent type is in force (or the ledger is
// broken). Filter() removes from each item the people excluded from every consent type in force
// -- members of the groups a grant excludes, users opted out of everything, and users opted out
// of identifiable insights for the identifiable type -- so their data is never stored; a message
// they sent, or a meeting they organised, is dropped whole. People excluded from some types only
// are kept: the policy decision point hides them from those types' insights. With the tenant's
// retention_days, messages sent and meetings ended before the retention window are dropped too.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "rapport/consent/consent_ledger.h"
#include "rapport/ingest/ingest_gate.h"
#include "rapport/store/store.h"

namespace rapport::consent {

class Exclusions;

class ConsentGate final : public ingest::IngestGate {
 public:
  explicit ConsentGate(store::Store& store);
  ~ConsentGate() override;

  Status CheckRun() override;
  ingest::GateVerdict Filter(model::MessageMeta& meta) override;
  ingest::GateVerdict Filter(model::MeetingMeta& meeting) override;

 private:
  bool Excluded(const std::string& address);

  store::Store& store_;
  std::unique_ptr<Exclusions> exclusions_;  // set by CheckRun
  int64_t oldest_ = INT64_MIN;              // UTC seconds: older items are past retention
};

}  // namespace rapport::consent
