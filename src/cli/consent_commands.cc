// `rapport consent ...`: the consent ledger from the command line (SPEC §1-§2).
#include <fmt/core.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "rapport/consent/consent_ledger.h"
#include "rapport/store/store.h"

namespace rapport::cli {
namespace {

using nlohmann::ordered_json;

ordered_json EventJson(const consent::ConsentEvent& e) {
  ordered_json j{{"seq", e.seq},
                 {"event", e.grant ? "grant" : "revoke"},
                 {"type", consent::ConsentTypeName(e.type)},
                 {"by", e.by},
                 {"at", IsoTime(e.at)}};
  if (e.grant) {
    j["grant_id"] = e.grant_id;
    j["terms_version"] = e.terms_version;
    j["excluded_groups"] = e.excluded_groups;
  }
  return j;
}

// What the grant with this id became: still in force, replaced by a later grant, or revoked.
std::string Termination(const std::vector<consent::ConsentEvent>& events,
                        const consent::ConsentEvent& grant) {
  for (const auto& e : events) {
    if (e.seq <= grant.seq || e.type != grant.type) continue;
    if (e.grant) return "replaced by grant " + e.grant_id + " at " + IsoTime(e.at);
    return "revoked at " + IsoTime(e.at) + " by " + e.by;
  }
  return "in force until a tenant admin revokes it (rapport consent revoke)";
}

// What each consent type lets rapport do with the tenant's mail and meeting metadata (SPEC §1).
std::string PurposeOf(consent::ConsentType type) {
  switch (type) {
    case consent::ConsentType::kPersonal:
      return "insights for each user about their own mail and meetings, shown only to that user";
    case consent::ConsentType::kAggregated:
      return "de-identified aggregates over members' data (account engagement), shown tenant-wide";
    case consent::ConsentType::kIdentifiable:
      return "individual users' data shown to colleagues (Who Knows Whom, relationship "
             "analytics)";
  }
  return "";
}

void PrintPurged(const store::PurgeCounts& p) {
  if (p.messages + p.meetings + p.addresses == 0) return;
  fmt::print("purged what no consent in force covers: {} messages, {} meetings, {} addresses\n",
             p.messages, p.meetings, p.addresses);
}

}  // namespace

int RunConsentGrant(const std::string& db, const ConsentGrantArgs& args) {
  auto type = consent::ParseConsentType(args.type);
  if (!type.ok()) return Fail(type.status().message());
  auto store = store::OpenSqliteStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto groups = (*store)->ListGroups();
  if (!groups.ok()) return Fail(groups.status().message());
  for (const auto& g : args.exclude_groups) {
    if (std::find(groups->begin(), groups->end(), g) == groups->end()) {
      return Fail("group '" + g + "' is not in the directory, so excluding it would exclude " +
                  "nobody (rapport directory list shows the groups; import them first)");
    }
  }
  consent::ConsentLedger ledger(**store);
  auto change = ledger.Grant(*type, args.by, args.terms_version, args.exclude_groups, Now());
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
  auto store = store::OpenSqliteStore(db);
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
  auto store = store::OpenSqliteStore(db);
  if (!store.ok()) return Fail(store.status().message());
  consent::ConsentLedger ledger(**store);
  auto state = ledger.State();
  if (!state.ok()) return Fail(state.status().message());
  ordered_json out = ordered_json::object();
  for (consent::ConsentType type : consent::kConsentTypes) {
    const auto& t = state->of(type);
    ordered_json j{{"in_force", t.in_force}};
    j["since"] = t.last ? ordered_json(IsoTime(t.last->at)) : ordered_json(nullptr);
    j["by"] = t.last ? ordered_json(t.last->by) : ordered_json(nullptr);
    j["grant_id"] = t.in_force ? ordered_json(t.last->grant_id) : ordered_json(nullptr);
    j["terms_version"] = t.in_force ? ordered_json(t.last->terms_version) : ordered_json(nullptr);
    j["excluded_groups"] = t.in_force ? t.last->excluded_groups : std::vector<std::string>{};
    out[std::string(consent::ConsentTypeName(type))] = j;
  }
  if (json) {
    fmt::print("{}\n", out.dump(2));
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
  auto store = store::OpenSqliteStore(db);
  if (!store.ok()) return Fail(store.status().message());
  consent::ConsentLedger ledger(**store);
  auto events = ledger.History();
  if (!events.ok()) return Fail(events.status().message());
  if (json) {
    ordered_json out = ordered_json::array();
    for (const auto& e : *events) out.push_back(EventJson(e));
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  for (const auto& e : *events) {
    fmt::print("{:>4}  {}  {:<6} {:<12} by {}{}\n", e.seq, IsoTime(e.at),
               e.grant ? "grant" : "revoke", consent::ConsentTypeName(e.type), e.by,
               e.grant ? "  (" + e.grant_id + ")" : "");
  }
  return 0;
}

int RunConsentVerify(const std::string& db) {
  auto store = store::OpenSqliteStore(db);
  if (!store.ok()) return Fail(store.status().message());
  consent::ConsentLedger ledger(**store);
  auto check = ledger.Verify();
  if (!check.ok()) return Fail(check.status().message());
  if (check->first_broken) {
    return Fail("consent ledger entry " + std::to_string(*check->first_broken) + " " +
                check->problem + " (restore the store from a backup)");
  }
  fmt::print("consent ledger: {} entries, hash chain intact\n", check->entries);
  return 0;
}

// A consent receipt in the spirit of Kantara Consent Receipt v1.1 / ISO/IEC TS 27560.
int RunConsentReceipt(const std::string& db, const std::string& grant_id) {
  auto store = store::OpenSqliteStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto tenant = (*store)->Tenant();
  if (!tenant.ok()) return Fail(tenant.status().message());
  consent::ConsentLedger ledger(**store);
  auto events = ledger.History();
  if (!events.ok()) return Fail(events.status().message());
  for (const auto& e : *events) {
    if (!e.grant || e.grant_id != grant_id) continue;
    ordered_json purpose{{"purpose", PurposeOf(e.type)},
                         {"purposeCategory", {"analytics"}},
                         {"consentType", "EXPLICIT"},
                         {"piiCategory", {"e-mail and meeting metadata (never bodies)"}},
                         {"primaryPurpose", true},
                         {"termination", Termination(*events, e)},
                         {"thirdPartyDisclosure", false}};
    ordered_json receipt{{"version", "KI-CR-v1.1.0"},
                         {"jurisdiction", "unspecified (set by the tenant's own policy)"},
                         {"consentTimestamp", e.at},
                         {"collectionMethod", "rapport consent grant, by a tenant admin"},
                         {"consentReceiptID", e.grant_id},
                         {"language", "en"},
                         {"piiPrincipalId", "the members of tenant " + tenant->name},
                         {"piiControllers", {{{"piiController", tenant->name}, {"contact", e.by}}}},
                         {"services", {{{"service", "rapport"}, {"purposes", {purpose}}}}},
                         {"sensitive", false},
                         {"spiCat", ordered_json::array()},
                         {"rapport",
                          {{"consent_type", consent::ConsentTypeName(e.type)},
                           {"granted_by", e.by},
                           {"granted_at", IsoTime(e.at)},
                           {"terms_version", e.terms_version},
                           {"excluded_groups", e.excluded_groups},
                           {"ledger_seq", e.seq}}}};
    fmt::print("{}\n", receipt.dump(2));
    return 0;
  }
  return Fail("no grant has the id '" + grant_id +
              "' (rapport consent history lists the grants and their ids)");
}

}  // namespace rapport::cli
