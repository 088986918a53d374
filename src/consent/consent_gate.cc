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
  // Excluded from every type in force: the intersection of the grants' excluded members.
  bool first = true;
  for (ConsentType type : kConsentTypes) {
    const TypeState& t = state->of(type);
    if (!t.in_force) continue;
    auto members = store_.GroupMemberAddresses(t.last->excluded_groups);
    if (!members.ok()) return members.status();
    std::unordered_set<std::string> these(members->begin(), members->end());
    if (first) {
      excluded_ = std::move(these);
      first = false;
    } else {
      std::erase_if(excluded_, [&](const std::string& a) { return !these.count(a); });
    }
  }
  return Status::Ok();
}

bool ConsentGate::Excluded(const std::string& address) const {
  return !excluded_.empty() && !address.empty() && excluded_.count(ingest::AddressKey(address));
}

ingest::GateVerdict ConsentGate::Filter(model::MessageMeta& meta) {
  if (excluded_.empty()) return ingest::GateVerdict::kKeep;
  if (Excluded(meta.from.address)) return ingest::GateVerdict::kDrop;
  for (auto* list : {&meta.to, &meta.cc, &meta.bcc}) {
    std::erase_if(*list, [&](const model::Mailbox& m) { return Excluded(m.address); });
  }
  std::erase_if(meta.identity_hints,
                [&](const model::IdentityHint& h) { return Excluded(h.address); });
  return ingest::GateVerdict::kKeep;
}

ingest::GateVerdict ConsentGate::Filter(model::MeetingMeta& meeting) {
  if (excluded_.empty()) return ingest::GateVerdict::kKeep;
  if (Excluded(meeting.organizer.address)) return ingest::GateVerdict::kDrop;
  std::erase_if(meeting.attendees, [&](const auto& a) { return Excluded(a.who.address); });
  return ingest::GateVerdict::kKeep;
}

}  // namespace rapport::consent
