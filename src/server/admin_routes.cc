// The admin routes (consent, opt-outs, audit, budget, store statistics) and the tenant's
// directory and accounts. The server has checked each route's Access before a handler runs; the
// opt-out routes also let a user opt themselves out.
#include <algorithm>

#include "ingest/identity/address_identity.h"
#include "rapport/api/admin_actions.h"
#include "rapport/api/admin_documents.h"
#include "rapport/api/audit_documents.h"
#include "rapport/api/iso_time.h"
#include "rapport/consent/optout.h"
#include "server/routes.h"

namespace rapport::server {
namespace {

Result<Reply> Wrap(Result<api::Document> doc) {
  if (!doc.ok()) return doc.status();
  return Reply::Json(std::move(*doc));
}

Result<Reply> ConsentStatus(Call& call) {
  return Wrap(api::ConsentStatusDocument(*call.store));
}

Result<Reply> ConsentHistory(Call& call) {
  return Wrap(api::ConsentHistoryDocument(*call.store));
}

Result<Reply> ConsentReceipt(Call& call) {
  return Wrap(api::ConsentReceiptDocument(*call.store, call.path_params.at(0)));
}

Result<Reply> ConsentGrant(Call& call) {
  auto type = consent::ParseConsentType(call.path_params.at(0));
  if (!type.ok()) return Status::NotFound(type.status().message());
  auto body = JsonBody(call);
  if (!body.ok()) return body.status();
  std::string terms = "1";
  std::vector<std::string> groups;
  if (body->contains("terms_version")) {
    if (!(*body)["terms_version"].is_string()) {
      return Status::InvalidArgument("'terms_version' wants a string");
    }
    terms = (*body)["terms_version"].get<std::string>();
  }
  if (body->contains("exclude_groups")) {
    const auto& list = (*body)["exclude_groups"];
    bool strings = list.is_array() && std::all_of(list.begin(), list.end(),
                                                  [](const auto& g) { return g.is_string(); });
    if (!strings) return Status::InvalidArgument("'exclude_groups' wants a list of group names");
    for (const auto& g : list) groups.push_back(g.get<std::string>());
  }
  auto change =
      api::GrantConsent(*call.store, *type, call.principal.address, terms, groups, call.now);
  if (!change.ok()) return change.status();
  return Reply::Json(api::ConsentChangeDocument(*change));
}

Result<Reply> ConsentRevoke(Call& call) {
  auto type = consent::ParseConsentType(call.path_params.at(0));
  if (!type.ok()) return Status::NotFound(type.status().message());
  consent::ConsentLedger ledger(*call.store);
  auto change = ledger.Revoke(*type, call.principal.address, call.now);
  if (!change.ok()) return change.status();
  return Reply::Json(api::ConsentChangeDocument(*change));
}

// An admin may opt anyone out; a user, only themselves.
Status MayChangeOptOut(const Call& call, const std::string& user) {
  if (call.role == consent::Role::kAdmin) return Status::Ok();
  if (ingest::AddressKey(user) == ingest::AddressKey(call.principal.address)) return Status::Ok();
  return Status::PermissionDenied("only an admin may opt out someone else");
}

Result<Reply> OptOutList(Call& call) {
  return Wrap(api::OptOutsDocument(*call.store));
}

Result<Reply> OptOutAdd(Call& call) {
  auto body = JsonBody(call);
  if (!body.ok()) return body.status();
  std::string user = body->value("user", std::string());
  std::string scope = body->value("scope", std::string("identifiable"));
  if (user.empty()) return Status::InvalidArgument("'user' names who opts out (an address)");
  if (scope != "identifiable" && scope != "all") {
    return Status::InvalidArgument("'scope' is identifiable or all");
  }
  RAPPORT_RETURN_IF_ERROR(MayChangeOptOut(call, user));
  consent::OptOuts optouts(*call.store);
  auto n = optouts.Add(
      user, scope == "all" ? consent::OptOutScope::kAll : consent::OptOutScope::kIdentifiable,
      call.now);
  if (!n.ok()) return n.status();
  return Reply::Json({{"user", user}, {"scope", scope}, {"addresses", *n}});
}

Result<Reply> OptOutRemove(Call& call) {
  const std::string& user = call.path_params.at(0);
  RAPPORT_RETURN_IF_ERROR(MayChangeOptOut(call, user));
  consent::OptOuts optouts(*call.store);
  auto n = optouts.Remove(user);
  if (!n.ok()) return n.status();
  return Reply::Json({{"user", user}, {"addresses", *n}});
}

Result<Reply> Audit(Call& call) {
  api::AuditQuery query;
  if (std::string text = call.Param("since"); !text.empty()) {
    auto at = api::ParseUtc("'since'", text);
    if (!at.ok()) return at.status();
    query.since = *at;
  }
  if (std::string text = call.Param("until"); !text.empty()) {
    auto at = api::ParseUtc("'until'", text);
    if (!at.ok()) return at.status();
    query.until = *at;
  }
  query.subject = call.Param("subject");
  query.who = call.Param("who");
  query.what = call.Param("what");
  query.decision = call.Param("decision");
  query.newest_first = call.Param("order") == "newest";
  if (!query.newest_first && !call.Param("order").empty() && call.Param("order") != "oldest") {
    return Status::InvalidArgument("'order' is oldest (the default) or newest");
  }
  auto limit = IntParam(call, "limit", 100, 1, 1000);
  auto after = IntParam(call, "after", 0, 0, INT64_MAX);
  if (!limit.ok()) return limit.status();
  if (!after.ok()) return after.status();
  query.limit = static_cast<size_t>(*limit);
  query.after = *after;
  return Wrap(api::AuditDocument(*call.store, query));
}

Result<Reply> AuditVerify(Call& call) {
  return Wrap(api::AuditVerifyDocument(*call.store));
}

Result<Reply> Budget(Call& call) {
  return Wrap(api::BudgetDocument(*call.store));
}

Result<Reply> Stats(Call& call) {
  return Wrap(api::StatsDocument(*call.store));
}

Result<Reply> Accounts(Call& call) {
  return Wrap(api::AccountsDocument(*call.store));
}

Result<Reply> Directory(Call& call) {
  auto users = api::DirectoryDocument(*call.store);
  if (!users.ok()) return users.status();
  auto groups = call.store->ListGroups();
  if (!groups.ok()) return groups.status();
  return Reply::Json({{"users", std::move(*users)}, {"groups", *groups}});
}

}  // namespace

std::vector<Route> AdminRoutes() {
  return {{"GET", "/v1/consent", Access::kMembers, ConsentStatus},
          {"GET", "/v1/consent/history", Access::kAdmin, ConsentHistory},
          {"GET", "/v1/consent/receipts/{grant_id}", Access::kAdmin, ConsentReceipt},
          {"POST", "/v1/consent/{type}/grant", Access::kAdmin, ConsentGrant},
          {"POST", "/v1/consent/{type}/revoke", Access::kAdmin, ConsentRevoke},
          {"GET", "/v1/opt-outs", Access::kAdmin, OptOutList},
          {"POST", "/v1/opt-outs", Access::kUser, OptOutAdd},
          {"DELETE", "/v1/opt-outs/{user}", Access::kUser, OptOutRemove},
          {"GET", "/v1/audit", Access::kAdmin, Audit},
          {"GET", "/v1/audit/verify", Access::kAdmin, AuditVerify},
          {"GET", "/v1/budget", Access::kAdmin, Budget},
          {"GET", "/v1/stats", Access::kAdmin, Stats},
          {"GET", "/v1/accounts", Access::kMembers, Accounts},
          {"GET", "/v1/directory", Access::kMembers, Directory}};
}

}  // namespace rapport::server
