#include "rapport/consent/consent_gate.h"

#include <algorithm>
#include <ctime>

#include "consent/exclusions.h"
#include "ingest/identity/address_identity.h"

namespace rapport::consent {

ConsentGate::ConsentGate(store::Store& store) : store_(store) {}
ConsentGate::~ConsentGate() = default;

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
  auto exclusions = Exclusions::For(store_, *state);
  if (!exclusions.ok()) return exclusions.status();
  exclusions_ = std::make_unique<Exclusions>(std::move(*exclusions));
  if (tenant->retention_days > 0) {
    oldest_ = static_cast<int64_t>(std::time(nullptr)) - tenant->retention_days * 86400;
  }
  return Status::Ok();
}

bool ConsentGate::Excluded(const std::string& address) {
  return !address.empty() && exclusions_->ExcludedFromAll(ingest::AddressKey(address));
}

ingest::GateVerdict ConsentGate::Filter(model::MessageMeta& meta) {
  if (meta.sent.utc_seconds < oldest_) return ingest::GateVerdict::kDrop;
  if (!exclusions_ || !exclusions_->any()) return ingest::GateVerdict::kKeep;
  if (Excluded(meta.from.address)) return ingest::GateVerdict::kDrop;
  for (auto* list : {&meta.to, &meta.cc, &meta.bcc}) {
    std::erase_if(*list, [&](const model::Mailbox& m) { return Excluded(m.address); });
  }
  std::erase_if(meta.identity_hints,
                [&](const model::IdentityHint& h) { return Excluded(h.address); });
  return ingest::GateVerdict::kKeep;
}

ingest::GateVerdict ConsentGate::Filter(model::MeetingMeta& meeting) {
  if (meeting.end.utc_seconds < oldest_) return ingest::GateVerdict::kDrop;
  if (!exclusions_ || !exclusions_->any()) return ingest::GateVerdict::kKeep;
  if (Excluded(meeting.organizer.address)) return ingest::GateVerdict::kDrop;
  std::erase_if(meeting.attendees, [&](const auto& a) { return Excluded(a.who.address); });
  return ingest::GateVerdict::kKeep;
}

}  // namespace rapport::consent
