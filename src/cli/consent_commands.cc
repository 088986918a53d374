// `rapport consent ...`: the consent ledger from the command line (SPEC §1-§2).
#include <fmt/core.h>

#include <algorithm>
#include <ctime>

#include "cli/commands.h"
#include "cli/format.h"
#include "rapport/api/admin_actions.h"
#include "rapport/api/admin_documents.h"
#include "rapport/consent/consent_ledger.h"
#include "rapport/store/store.h"

namespace rapport::cli {
namespace {

void PrintPurged(const store::PurgeCounts& p) {
  if (p.messages + p.meetings + p.addresses == 0) return;
  fmt::print("purged what no consent in force covers: {} messages, {} meetings, {} addresses\n",
             p.messages, p.meetings, p.addresses);
}

}  // namespace

int RunConsentGrant(const std::string& db, const ConsentGrantArgs& args) {
  auto type = consent::ParseConsentType(args.type);
  if (!type.ok()) return Fail(type.status().message());
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto change =
      api::GrantConsent(**store, *type, args.by, args.terms_version, args.exclude_groups, Now());
  if (!change.ok()) return Fail(change.status().message());
  const auto& e = change->event;
  fmt::print("granted consent {} ({}) by {}{}\n", consent::ConsentTypeName(e.type), e.grant_id,
             e.by, e.excluded_groups.empty() ? "" : ", excluding " + Joined(e.excluded_groups));
  PrintPurged(change->purged);
  return 0;
}

int RunConsentRevoke(const std::string& db, const std::string& type_name, const std::string& by) {
  auto type = consent::ParseConsentType(type_name);
  if (!type.ok()) return Fail(type.status().message());
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  consent::ConsentLedger ledger(**store);
  auto change = ledger.Revoke(*type, by, Now());
  if (!change.ok()) return Fail(change.status().message());
  fmt::print("revoked consent {} by {}\n", consent::ConsentTypeName(change->event.type),
             change->event.by);
  PrintPurged(change->purged);
  return 0;
}

int RunConsentStatus(const std::string& db, bool json) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  consent::ConsentLedger ledger(**store);
  auto state = ledger.State();
  if (!state.ok()) return Fail(state.status().message());
  if (json) {
    auto doc = api::ConsentStatusDocument(**store);
    if (!doc.ok()) return Fail(doc.status().message());
    fmt::print("{}\n", doc->dump(2));
    return 0;
  }
  for (consent::ConsentType type : consent::kConsentTypes) {
    const auto& t = state->of(type);
    std::string line = !t.last ? "never granted"
                       : t.in_force
                           ? "in force since " + IsoTime(t.last->at) + ", granted by " + t.last->by
                           : "revoked " + IsoTime(t.last->at) + " by " + t.last->by;
    if (t.in_force && !t.last->excluded_groups.empty()) {
      line += "; excluded: " + Joined(t.last->excluded_groups);
    }
    fmt::print("{:<13} {}\n", consent::ConsentTypeName(type), line);
  }
  return 0;
}

int RunConsentHistory(const std::string& db, bool json) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  consent::ConsentLedger ledger(**store);
  auto events = ledger.History();
  if (!events.ok()) return Fail(events.status().message());
  if (json) {
    auto doc = api::ConsentHistoryDocument(**store);
    if (!doc.ok()) return Fail(doc.status().message());
    fmt::print("{}\n", doc->dump(2));
    return 0;
  }
  for (const auto& e : *events) {
    fmt::print("{:>4}  {}  {:<6} {:<12} by {}{}\n", e.seq, IsoTime(e.at),
               e.grant ? "grant" : "revoke", consent::ConsentTypeName(e.type), e.by,
               e.grant ? "  (" + e.grant_id + ")" : "");
  }
  return 0;
}

// A consent receipt in the spirit of Kantara Consent Receipt v1.1 / ISO/IEC TS 27560.
int RunConsentReceipt(const std::string& db, const std::string& grant_id) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto receipt = api::ConsentReceiptDocument(**store, grant_id);
  if (!receipt.ok()) return Fail(receipt.status().message());
  fmt::print("{}\n", receipt->dump(2));
  return 0;
}

}  // namespace rapport::cli
