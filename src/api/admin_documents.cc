#include "rapport/api/admin_documents.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "rapport/api/iso_time.h"
#include "rapport/consent/ledger_anchor.h"
#include "rapport/consent/optout.h"
#include "rapport/consent/policy.h"
#include "rapport/insights/engagement.h"
#include "rapport/insights/zcdp.h"

namespace rapport::api {
namespace {

Document When(const std::optional<int64_t>& t) {
  return t ? Document(IsoTime(*t)) : Document(nullptr);
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

Document ReceiptOf(const std::vector<consent::ConsentEvent>& events, const consent::ConsentEvent& e,
                   const std::string& tenant) {
  Document purpose{{"purpose", PurposeOf(e.type)},
                   {"purposeCategory", {"analytics"}},
                   {"consentType", "EXPLICIT"},
                   {"piiCategory", {"e-mail and meeting metadata (never bodies)"}},
                   {"primaryPurpose", true},
                   {"termination", Termination(events, e)},
                   {"thirdPartyDisclosure", false}};
  return {{"version", "KI-CR-v1.1.0"},
          {"jurisdiction", "unspecified (set by the tenant's own policy)"},
          {"consentTimestamp", e.at},
          {"collectionMethod", "rapport consent grant, by a tenant admin"},
          {"consentReceiptID", e.grant_id},
          {"language", "en"},
          {"piiPrincipalId", "the members of tenant " + tenant},
          {"piiControllers", {{{"piiController", tenant}, {"contact", e.by}}}},
          {"services", {{{"service", "rapport"}, {"purposes", {purpose}}}}},
          {"sensitive", false},
          {"spiCat", Document::array()},
          {"rapport",
           {{"consent_type", consent::ConsentTypeName(e.type)},
            {"granted_by", e.by},
            {"granted_at", IsoTime(e.at)},
            {"terms_version", e.terms_version},
            {"excluded_groups", e.excluded_groups},
            {"ledger_seq", e.seq}}}};
}

}  // namespace

Result<Document> ConsentStatusDocument(store::Store& store) {
  consent::ConsentLedger ledger(store);
  auto state = ledger.State();
  if (!state.ok()) return state.status();
  Document out = Document::object();
  for (consent::ConsentType type : consent::kConsentTypes) {
    const auto& t = state->of(type);
    Document j{{"in_force", t.in_force}};
    j["since"] = t.last ? Document(IsoTime(t.last->at)) : Document(nullptr);
    j["by"] = t.last ? Document(t.last->by) : Document(nullptr);
    j["grant_id"] = t.in_force ? Document(t.last->grant_id) : Document(nullptr);
    j["terms_version"] = t.in_force ? Document(t.last->terms_version) : Document(nullptr);
    j["excluded_groups"] = t.in_force ? t.last->excluded_groups : std::vector<std::string>{};
    out[std::string(consent::ConsentTypeName(type))] = j;
  }
  return out;
}

Document ConsentEventDocument(const consent::ConsentEvent& e) {
  Document j{{"seq", e.seq},
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

Result<Document> ConsentHistoryDocument(store::Store& store) {
  consent::ConsentLedger ledger(store);
  auto events = ledger.History();
  if (!events.ok()) return events.status();
  Document out = Document::array();
  for (const auto& e : *events) out.push_back(ConsentEventDocument(e));
  return out;
}

Result<Document> ConsentReceiptDocument(store::Store& store, std::string_view grant_id) {
  auto tenant = store.Tenant();
  if (!tenant.ok()) return tenant.status();
  consent::ConsentLedger ledger(store);
  auto events = ledger.History();
  if (!events.ok()) return events.status();
  for (const auto& e : *events) {
    if (e.grant && e.grant_id == grant_id) return ReceiptOf(*events, e, tenant->name);
  }
  return Status::NotFound("no grant has the id '" + std::string(grant_id) +
                          "' (rapport consent history lists the grants and their ids)");
}

Document ConsentChangeDocument(const consent::ConsentChange& change) {
  return {{"event", ConsentEventDocument(change.event)},
          {"purged",
           {{"messages", change.purged.messages},
            {"meetings", change.purged.meetings},
            {"addresses", change.purged.addresses}}}};
}

Result<Document> AuditVerifyDocument(store::Store& store) {
  auto verified = consent::VerifyLedger(store, store::Ledger::kAudit, nullptr);
  if (!verified.ok()) return verified.status();
  const consent::ChainCheck& check = *verified;
  return Document{
      {"entries", check.entries},
      {"intact", !check.first_broken},
      {"first_broken", check.first_broken ? Document(*check.first_broken) : Document(nullptr)},
      {"problem", check.problem}};
}

Result<Document> OptOutsDocument(store::Store& store) {
  auto list = store.ListOptOuts();
  if (!list.ok()) return list.status();
  Document out = Document::array();
  for (const auto& [hash, scope] : *list) {
    out.push_back({{"address_hash", hash}, {"scope", scope}});
  }
  return out;
}

Result<Document> BudgetDocument(store::Store& store) {
  auto budget = insights::LoadBudget(store);
  if (!budget.ok()) return budget.status();
  auto releases = store.ListReleases(0);
  if (!releases.ok()) return releases.status();
  Document months = Document::array();
  for (const auto& m : budget->months) {
    const double rho_left = std::max(0.0, budget->rho_budget - m.rho_after);
    months.push_back({{"month", insights::MonthName(m.month)},
                      {"epsilon_spent", m.epsilon_after},
                      {"epsilon_left", insights::EpsilonForRho(rho_left, budget->delta_budget / 2)},
                      {"delta_spent", m.delta_after},
                      {"rho_spent", m.rho_after},
                      {"releases", m.releases}});
  }
  Document list = Document::array();
  for (const auto& r : *releases) {
    Document charged = Document::array();
    for (const auto& c : r.charges) charged.push_back(insights::MonthName(c.month));
    list.push_back({{"release", r.id},
                    {"released_at", IsoTime(r.released_at)},
                    {"requested_by", r.requested_by},
                    {"epsilon", static_cast<double>(r.epsilon_micro) / 1e6},
                    {"delta", r.delta},
                    {"rows", r.rows},
                    {"months", charged},
                    {"request", r.request_key}});
  }
  return Document{{"epsilon_per_month", budget->epsilon_budget},
                  {"delta_per_month", budget->delta_budget},
                  {"rho_per_month", budget->rho_budget},
                  {"release_epsilon", budget->release_epsilon},
                  {"member_releases_per_month", budget->member_releases_per_month},
                  {"months", months},
                  {"releases", list}};
}

Result<Document> StatsDocument(store::Store& store) {
  auto tenant = store.Tenant();
  if (!tenant.ok()) return tenant.status();
  auto stats = store.Stats();
  if (!stats.ok()) return stats.status();
  const auto& s = *stats;
  return Document{{"tenant", tenant->name},
                  {"messages", s.messages},
                  {"meetings", s.meetings},
                  {"meeting_hours", s.meeting_hours},
                  {"meetings_cancelled", s.meetings_cancelled},
                  {"all_day_events", s.all_day_events},
                  {"meetings_first", When(s.first_meeting)},
                  {"meetings_last", When(s.last_meeting)},
                  {"people",
                   {{"internal", s.people_internal},
                    {"guest", s.people_guest},
                    {"external", s.people_external}}},
                  {"bulk_messages", s.bulk_messages},
                  {"message_copies", s.message_sources},
                  {"first", When(s.first_sent)},
                  {"last", When(s.last_sent)}};
}

Result<Document> AccountsDocument(store::Store& store) {
  auto accounts = store.ListAccounts();
  if (!accounts.ok()) return accounts.status();
  Document out = Document::array();
  for (const auto& a : *accounts) {
    out.push_back({{"id", a.id},
                   {"name", a.name},
                   {"origin", a.origin},
                   {"domains", a.domains},
                   {"people", a.people}});
  }
  return out;
}

Result<Document> DirectoryDocument(store::Store& store) {
  auto entries = store.ListDirectory();
  if (!entries.ok()) return entries.status();
  Document out = Document::array();
  for (const auto& e : *entries) {
    out.push_back({{"address", e.address},
                   {"display_name", e.display_name},
                   {"department", e.department},
                   {"manager", e.manager.empty() ? Document(nullptr) : Document(e.manager)},
                   {"role", e.role},
                   {"in_directory", e.in_directory},
                   {"aliases", e.aliases},
                   {"groups", e.groups}});
  }
  return out;
}

}  // namespace rapport::api
