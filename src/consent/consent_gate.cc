#include "rapport/consent/consent_gate.h"

#include <algorithm>

#include "ingest/address_identity.h"

namespace rapport::consent {

Status ConsentGate::CheckRun() {
  auto tenant = store_.Tenant();
  if (!tenant.ok()) return tenant.status();
  ConsentLedger ledger(store_);
  auto state = ledger.State();
  if (!state.ok()) return state.status();
  if (!state->AnyInForce()) {
    return Status::FailedPrecondition(
        "no consent is in force for tenant " + tenant->name +
        ", so nothing may be collected (an admin grants one: rapport consent grant "
        "personal|aggregated|identifiable --by ADMIN)");
  }
  auto optouts = store_.ListOptOuts();
  if (!optouts.ok()) return optouts.status();
  any_exclusion_ = !optouts->empty();
  for (ConsentType type : kConsentTypes) {
    const TypeState& t = state->of(type);
    if (!t.in_force) continue;
    auto members = store_.GroupMemberAddresses(t.last->excluded_groups);
    if (!members.ok()) return members.status();
    any_exclusion_ = any_exclusion_ || !members->empty();
    in_force_.emplace_back(type == ConsentType::kIdentifiable,
                           std::unordered_set<std::string>(members->begin(), members->end()));
  }
  return Status::Ok();
}

// Excluded from a type: in a group its grant excludes, opted out of everything, or (for the
// identifiable type) opted out of identifiable insights. An error reading the opt-outs counts as
// excluded: when in doubt, collect nothing.
bool ConsentGate::ExcludedFromAll(const std::string& key) {
  auto scope = optouts_.ScopeOfAddress(key);
  for (const auto& [identifiable, members] : in_force_) {
    const bool opted_out =
        !scope.ok() || (*scope && (**scope == OptOutScope::kAll || identifiable));
    if (!opted_out && !members.count(key)) return false;
  }
  return true;
}

bool ConsentGate::Excluded(const std::string& address) {
  if (!any_exclusion_ || address.empty()) return false;
  std::string key = ingest::AddressKey(address);
  if (auto it = verdicts_.find(key); it != verdicts_.end()) return it->second;
  const bool excluded = ExcludedFromAll(key);
  verdicts_.emplace(std::move(key), excluded);
  return excluded;
}

ingest::GateVerdict ConsentGate::Filter(model::MessageMeta& meta) {
  if (!any_exclusion_) return ingest::GateVerdict::kKeep;
  if (Excluded(meta.from.address)) return ingest::GateVerdict::kDrop;
  for (auto* list : {&meta.to, &meta.cc, &meta.bcc}) {
    std::erase_if(*list, [&](const model::Mailbox& m) { return Excluded(m.address); });
  }
  std::erase_if(meta.identity_hints,
                [&](const model::IdentityHint& h) { return Excluded(h.address); });
  return ingest::GateVerdict::kKeep;
}

ingest::GateVerdict ConsentGate::Filter(model::MeetingMeta& meeting) {
  if (!any_exclusion_) return ingest::GateVerdict::kKeep;
  if (Excluded(meeting.organizer.address)) return ingest::GateVerdict::kDrop;
  std::erase_if(meeting.attendees, [&](const auto& a) { return Excluded(a.who.address); });
  return ingest::GateVerdict::kKeep;
}

}  // namespace rapport::consent
