// `rapport access check`, `audit`, `optout` and `settings`: the policy decision point and what it
// reads, from the command line (SPEC §1-§2).
#include <fmt/core.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/commands.h"
#include "cli/format.h"
#include "rapport/api/admin_documents.h"
#include "rapport/consent/optout.h"
#include "rapport/consent/policy.h"
#include "rapport/insights/insight_settings.h"
#include "rapport/insights/tie_index.h"
#include "rapport/store/store.h"

namespace rapport::cli {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kRetentionDays = "retention_days";

// Settings an admin may change, and the values each takes.
bool ValidSetting(const std::string& name, const std::string& value) {
  if (name == consent::kGuestsSeeIdentifiable) return value == "true" || value == "false";
  if (name == kRetentionDays) {
    return !value.empty() && value.size() < 7 &&
           value.find_first_not_of("0123456789") == std::string::npos;
  }
  return name == consent::kGuestAccess;
}

}  // namespace

int RunAccessCheck(const std::string& db, const AccessCheckArgs& args) {
  auto kind = consent::ParseInsightKind(args.insight);
  if (!kind.ok()) return Fail(kind.status().message());
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto tenant = (*store)->Tenant();
  if (!tenant.ok()) return Fail(tenant.status().message());
  consent::PolicyDecisionPoint pdp(**store);
  consent::Principal principal{args.as, args.tenant.empty() ? tenant->name : args.tenant};
  auto decision = pdp.Decide(principal, *kind, {args.subject}, Now());
  if (!decision.ok()) return Fail(decision.status().message());
  if (args.json) {
    fmt::print("{}\n", ordered_json{{"decision", decision->allow ? "allow" : "deny"},
                                    {"reason", decision->reason},
                                    {"role", consent::RoleName(decision->role)}}
                           .dump(2));
  } else {
    fmt::print("{}: {} (caller's role: {})\n", decision->allow ? "allow" : "deny", decision->reason,
               consent::RoleName(decision->role));
  }
  return 0;  // the check itself succeeded, whatever it answered
}

int RunAuditList(const std::string& db, bool json, const api::AuditQuery& query) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto doc = api::AuditDocument(**store, query);
  if (!doc.ok()) return Fail(doc.status().message());
  const auto& out = *doc;
  if (json) {
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  for (const auto& e : out) {
    // The subject as an address where it may be shown; an account by its name; else its hash.
    std::string subject = e.value("account", "");
    if (subject.empty()) {
      const auto address = e.find("subject_address");
      subject = address != e.end() && address->is_string() ? address->get<std::string>()
                                                           : e.value("subject", "");
    }
    fmt::print("{:>6}  {}  {:<5} {:<15} {} ({}) -> {}: {}\n", e.value("seq", int64_t{0}),
               e.value("at", ""), e.value("decision", ""), e.value("insight", ""),
               e.value("principal", ""), e.value("role", ""), subject.empty() ? "-" : subject,
               e.value("reason", ""));
  }
  if (query.limit > 0 && out.size() == query.limit) {
    fmt::print("(more may follow: --after {})\n", out.back().value("seq", int64_t{0}));
  }
  return 0;
}

int RunOptOut(const std::string& db, const OptOutArgs& args) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  consent::OptOuts optouts(**store);
  if (args.action == "list") {
    auto list = api::OptOutsDocument(**store);
    if (!list.ok()) return Fail(list.status().message());
    if (args.json) {
      fmt::print("{}\n", list->dump(2));
    } else {
      fmt::print("{} opt-outs (kept as keyed hashes, never as addresses)\n", list->size());
      for (const auto& o : *list) {
        fmt::print("  {}  {}\n", o["address_hash"].get<std::string>(),
                   o["scope"].get<std::string>());
      }
    }
    return 0;
  }
  if (args.user.empty()) return Fail("name the user: rapport optout " + args.action + " USER");
  if (args.action == "add") {
    auto n = optouts.Add(
        args.user,
        args.scope == "all" ? consent::OptOutScope::kAll : consent::OptOutScope::kIdentifiable,
        Now());
    if (!n.ok()) return Fail(n.status().message());
    fmt::print("{} opted out of {} ({} addresses remembered as keyed hashes)\n", args.user,
               args.scope == "all" ? "everything" : "identifiable insights", *n);
    return 0;
  }
  auto n = optouts.Remove(args.user);
  if (!n.ok()) return Fail(n.status().message());
  fmt::print("{} no longer opted out ({} addresses)\n", args.user, *n);
  return 0;
}

int RunSettingsShow(const std::string& db, bool json) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto tenant = (*store)->Tenant();
  if (!tenant.ok()) return Fail(tenant.status().message());
  ordered_json out = ordered_json::object();
  out[std::string(kRetentionDays)] = std::to_string(tenant->retention_days);
  for (std::string_view name : {consent::kGuestsSeeIdentifiable, consent::kGuestAccess}) {
    auto value = (*store)->Setting(name);
    if (!value.ok()) return Fail(value.status().message());
    const std::string fallback = name == consent::kGuestsSeeIdentifiable ? "false" : "";
    out[std::string(name)] = value->value_or(fallback);
  }
  auto insight = insights::LoadInsightSettings(**store);
  if (!insight.ok()) return Fail(insight.status().message());
  for (const auto& [name, value] : insights::InsightSettingValues(*insight)) out[name] = value;
  if (json) {
    fmt::print("{}\n", out.dump(2));
  } else {
    for (const auto& [name, value] : out.items()) {
      fmt::print("{:<24} {}\n", name, value.get<std::string>());
    }
  }
  return 0;
}

int RunSettingsSet(const std::string& db, const std::string& name, const std::string& value,
                   const std::string& by) {
  if (insights::IsInsightSetting(name)) {
    if (std::string what = insights::CheckInsightSetting(name, value); !what.empty()) {
      return Fail(SingleQuoted(value) + " is not a value for " + name + ": it takes " + what);
    }
  } else if (!ValidSetting(name, value)) {
    return Fail(SingleQuoted(name + " = " + value) +
                " is not a setting (retention_days DAYS, guests_see_identifiable true|false, "
                "guest_access ADDRESS[,ADDRESS...], or one of rapport settings show)");
  }
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  Status st = consent::RequireAdmin(**store, by, "change its settings");
  if (!st.ok()) return Fail(st.message());
  st = name == kRetentionDays ? (*store)->SetRetentionDays(std::stoll(value))
                              : (*store)->SetSetting(name, value);
  if (!st.ok()) return Fail(st.message());
  fmt::print("{} = {}\n", name, value);
  return 0;
}

int RunPurgeExpired(const std::string& db) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto tenant = (*store)->Tenant();
  if (!tenant.ok()) return Fail(tenant.status().message());
  if (tenant->retention_days == 0) {
    fmt::print("retention_days is 0 (keep forever): nothing expires\n");
    return 0;
  }
  store::PurgePlan plan;
  plan.older_than = Now() - tenant->retention_days * 86400;
  auto purged = (*store)->Purge(plan, nullptr);
  if (!purged.ok()) return Fail(purged.status().message());
  auto refreshed = insights::RefreshTieIndex(**store);  // the purge dropped stale rows
  if (!refreshed.ok()) return Fail(refreshed.status().message());
  fmt::print(
      "purged what is older than {} days (before {}): {} messages, {} meetings, {} "
      "addresses\n",
      tenant->retention_days, IsoTime(*plan.older_than), purged->messages, purged->meetings,
      purged->addresses);
  return 0;
}

}  // namespace rapport::cli
