#include "rapport/consent/consent_ledger.h"

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>

#include "consent/exclusions.h"
#include "consent/hash_chain.h"
#include "rapport/consent/ledger_anchor.h"

namespace rapport::consent {
namespace {

using nlohmann::ordered_json;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

// The entry as written to the ledger: canonical JSON (fixed key order, no spaces).
std::string EntryOf(const ConsentEvent& e) {
  ordered_json j{{"seq", e.seq},
                 {"event", e.grant ? "grant" : "revoke"},
                 {"type", ConsentTypeName(e.type)},
                 {"by", e.by},
                 {"at", e.at}};
  if (e.grant) {
    j["terms_version"] = e.terms_version;
    j["excluded_groups"] = e.excluded_groups;
  }
  return j.dump();
}

Result<ConsentEvent> EventOf(const store::LedgerRow& row) {
  auto bad = [&](const std::string& what) {
    return Status::Corruption("consent ledger entry " + std::to_string(row.seq) + " " + what +
                              " (run rapport consent verify)");
  };
  ordered_json j = ordered_json::parse(row.entry, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("is not JSON");
  ConsentEvent e;
  e.seq = row.seq;
  if (j.value("seq", int64_t{0}) != row.seq) return bad("is out of place");
  const std::string event = j.value("event", "");
  if (event != "grant" && event != "revoke") return bad("has no event");
  e.grant = event == "grant";
  auto type = ParseConsentType(j.value("type", ""));
  if (!type.ok()) return bad("has no consent type");
  e.type = *type;
  e.by = j.value("by", "");
  e.at = j.value("at", int64_t{0});
  if (e.grant) {
    e.grant_id = std::string(ConsentTypeName(e.type)) + "-" + std::to_string(e.seq);
    e.terms_version = j.value("terms_version", "");
    if (j.contains("excluded_groups") && j["excluded_groups"].is_array()) {
      for (const auto& g : j["excluded_groups"]) {
        if (g.is_string()) e.excluded_groups.push_back(g.get<std::string>());
      }
    }
  }
  return e;
}

}  // namespace

std::string_view ConsentTypeName(ConsentType type) {
  switch (type) {
    case ConsentType::kPersonal:
      return "personal";
    case ConsentType::kAggregated:
      return "aggregated";
    case ConsentType::kIdentifiable:
      return "identifiable";
  }
  return "personal";
}

Result<ConsentType> ParseConsentType(std::string_view name) {
  for (ConsentType t : kConsentTypes) {
    if (Lower(name) == ConsentTypeName(t)) return t;
  }
  return Status::InvalidArgument(SingleQuoted(name) +
                                 " is not a consent type (personal, aggregated or identifiable)");
}

bool ConsentState::AnyInForce() const {
  return std::any_of(types.begin(), types.end(), [](const TypeState& t) { return t.in_force; });
}

Status RequireAdmin(store::Store& store, std::string_view admin, std::string_view action) {
  auto tenant = store.Tenant();
  if (!tenant.ok()) return tenant.status();
  const std::string who = Lower(admin);
  if (std::find(tenant->admins.begin(), tenant->admins.end(), who) != tenant->admins.end()) {
    return Status::Ok();
  }
  if (tenant->admins.empty()) {
    return Status::FailedPrecondition("tenant " + tenant->name + " has no admin, so nobody may " +
                                      std::string(action) +
                                      " (name one with rapport init --admin EMAIL)");
  }
  return Status::FailedPrecondition(std::string(admin) + " is not an admin of tenant " +
                                    tenant->name + ", so may not " + std::string(action) +
                                    " (ask an admin: " + tenant->admins.front() + ")");
}

namespace {

// The last ledger this process found intact, as stored, with its events. Every read reads the
// rows again (another process may have appended or changed them) and compares them byte for byte:
// rows equal to these under the same chain key would verify and parse the same, so only then are
// the HMACs and JSON skipped -- a sixteenth of a Who Knows Whom request.
struct VerifiedLedger {
  ChainKey chain;
  std::vector<store::LedgerRow> rows;
  std::vector<ConsentEvent> events;

  bool Holds(const ChainKey& c, const std::vector<store::LedgerRow>& r) const {
    auto same_row = [](const store::LedgerRow& a, const store::LedgerRow& b) {
      return a.seq == b.seq && a.entry == b.entry && a.prev_hash == b.prev_hash && a.hash == b.hash;
    };
    return chain.key == c.key && chain.start.seq == c.start.seq &&
           chain.start.base == c.start.base &&
           std::equal(rows.begin(), rows.end(), r.begin(), r.end(), same_row);
  }
};

std::mutex verified_mutex;
std::optional<VerifiedLedger> verified;  // guarded by verified_mutex

}  // namespace

Result<std::vector<ConsentEvent>> ConsentLedger::ReadChecked() {
  auto chain = ChainKeyOf(store_, store::Ledger::kConsent);
  if (!chain.ok()) return chain.status();
  auto rows = store_.ReadLedger(store::Ledger::kConsent);
  if (!rows.ok()) return rows.status();
  {
    std::lock_guard<std::mutex> lock(verified_mutex);
    if (verified && verified->Holds(*chain, *rows)) return verified->events;
  }
  ChainCheck check = VerifyChain(*rows, *chain);
  if (check.first_broken) {
    return Status::Corruption("consent ledger entry " + std::to_string(*check.first_broken) + " " +
                              check.problem +
                              "; no consent can be read from a broken ledger (restore the "
                              "store from a backup)");
  }
  std::vector<ConsentEvent> events;
  for (const auto& row : *rows) {
    auto e = EventOf(row);
    if (!e.ok()) return e.status();
    events.push_back(std::move(*e));
  }
  std::lock_guard<std::mutex> lock(verified_mutex);
  verified = VerifiedLedger{std::move(*chain), std::move(*rows), events};
  return events;
}

Result<ConsentChange> ConsentLedger::Append(ConsentEvent event, ConsentState state) {
  auto chain = ChainKeyOf(store_, store::Ledger::kConsent);
  if (!chain.ok()) return chain.status();
  auto last = store_.LastLedgerRow(store::Ledger::kConsent);
  if (!last.ok()) return last.status();
  event.seq = *last ? (*last)->seq + 1 : 1;
  if (event.grant) {
    event.grant_id = std::string(ConsentTypeName(event.type)) + "-" + std::to_string(event.seq);
  }
  store::LedgerRow row = NextRow(*chain, *last ? &**last : nullptr, EntryOf(event));
  TypeState& t = state.types[static_cast<size_t>(event.type)];
  t.in_force = event.grant;
  t.last = event;
  auto plan = PlanPurge(store_, state);
  if (!plan.ok()) return plan.status();
  auto purged = store_.Purge(*plan, &row);
  if (!purged.ok()) return purged.status();
  return ConsentChange{std::move(event), *purged};
}

Result<ConsentChange> ConsentLedger::Grant(ConsentType type, std::string_view admin,
                                           std::string_view terms_version,
                                           std::vector<std::string> excluded_groups, int64_t now) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(store_, admin, "grant consent"));
  auto state = State();  // refuses to extend a broken ledger
  if (!state.ok()) return state.status();
  std::sort(excluded_groups.begin(), excluded_groups.end());
  excluded_groups.erase(std::unique(excluded_groups.begin(), excluded_groups.end()),
                        excluded_groups.end());
  ConsentEvent e;
  e.grant = true;
  e.type = type;
  e.by = Lower(admin);
  e.at = now;
  e.terms_version = terms_version;
  e.excluded_groups = std::move(excluded_groups);
  return Append(std::move(e), std::move(*state));
}

Result<ConsentChange> ConsentLedger::Revoke(ConsentType type, std::string_view admin, int64_t now) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(store_, admin, "revoke consent"));
  auto state = State();
  if (!state.ok()) return state.status();
  if (!state->of(type).in_force) {
    return Status::FailedPrecondition("consent " + std::string(ConsentTypeName(type)) +
                                      " is not in force; there is nothing to revoke");
  }
  ConsentEvent e;
  e.grant = false;
  e.type = type;
  e.by = Lower(admin);
  e.at = now;
  return Append(std::move(e), std::move(*state));
}

Result<ConsentState> ConsentLedger::State(std::optional<int64_t> at) {
  auto events = ReadChecked();
  if (!events.ok()) return events.status();
  ConsentState state;
  for (const ConsentEvent& e : *events) {
    if (at && e.at > *at) break;
    TypeState& t = state.types[static_cast<size_t>(e.type)];
    t.in_force = e.grant;
    t.last = e;
  }
  return state;
}

Result<std::vector<ConsentEvent>> ConsentLedger::History() {
  return ReadChecked();
}

Result<ChainCheck> ConsentLedger::Verify() {
  return VerifyLedger(store_, store::Ledger::kConsent, nullptr);
}

}  // namespace rapport::consent
