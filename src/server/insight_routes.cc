// The insight routes: who the caller is, Who Knows Whom, relationship analytics, personal
// insights and account engagement. Each insight asks the policy point itself (src/insights); a
// denial comes back as PermissionDenied with the policy's reason, which the server sends as 403.
#include <string>

#include "rapport/api/browse_documents.h"
#include "rapport/api/introduction.h"
#include "rapport/api/iso_time.h"
#include "rapport/insights/data_extent.h"
#include "rapport/insights/discrete_laplace.h"
#include "rapport/insights/engagement.h"
#include "server/routes.h"

namespace rapport::server {
namespace {

Result<insights::InsightRequest> RequestOf(const Call& call) {
  std::optional<int64_t> given;
  if (!call.Param("as_of").empty()) {
    auto as_of = AsOfParam(call);
    if (!as_of.ok()) return as_of.status();
    given = *as_of;
  }
  auto resolved = insights::ResolveAsOf(*call.store, given, call.now);
  if (!resolved.ok()) return resolved.status();
  return insights::InsightRequest{call.principal, resolved->as_of, call.now, resolved->data_up_to};
}

Result<std::string> TargetParam(const Call& call) {
  std::string target = call.Param("target");
  if (target.empty()) {
    return Status::InvalidArgument(
        "the query parameter 'target' is missing: name an address, a person, an account or "
        "@domain");
  }
  return target;
}

Result<Reply> Session(Call& call) {
  std::string name;
  if (auto person = call.store->LocatePerson(call.principal.address); person.ok()) {
    name = person->display_name;
  }
  api::Document doc{{"address", call.principal.address},
                    {"name", name},
                    {"role", consent::RoleName(call.role)},
                    {"tenant", call.principal.tenant}};
  if (!call.csrf.empty()) doc["csrf_token"] = call.csrf;  // a page of this origin needs it
  // Where the data ends, for every page to say (and to default its dates to).
  auto last = call.store->LastActivity(call.now);
  if (!last.ok()) return last.status();
  doc["data_up_to"] = *last ? api::Document(api::IsoDate(**last)) : api::Document(nullptr);
  return Reply::Json(std::move(doc));
}

Result<Reply> WhoKnows(Call& call) {
  auto request = RequestOf(call);
  auto target = TargetParam(call);
  auto top = IntParam(call, "top", 5, 1, 100);
  for (const Status* st : {&request.status(), &target.status(), &top.status()}) {
    if (!st->ok()) return *st;
  }
  auto answer = insights::WhoKnowsWhom(*call.store, *call.policy, *request, *target,
                                       static_cast<size_t>(*top));
  if (!answer.ok()) return answer.status();
  return Reply::Json(api::WhoKnowsWhomDocument(*answer));
}

// The introduction request `rapport introduce` writes, for the caller to send: Who Knows Whom
// (asked of the policy point and audited) finds the colleague `via`.
Result<Reply> Introduction(Call& call) {
  auto request = RequestOf(call);
  auto target = TargetParam(call);
  for (const Status* st : {&request.status(), &target.status()}) {
    if (!st->ok()) return *st;
  }
  const std::string via = call.Param("via");
  if (via.empty()) {
    return Status::InvalidArgument("the query parameter 'via' is missing: name the colleague");
  }
  auto answer = insights::WhoKnowsWhom(*call.store, *call.policy, *request, *target, 1000);
  if (!answer.ok()) return answer.status();
  auto introducer = api::IntroducerOf(*call.store, *answer, via);
  if (!introducer.ok()) return introducer.status();
  std::string name;
  if (auto me = call.store->LocatePerson(call.principal.address); me.ok()) {
    name = me->display_name;
  }
  return Reply::Text(
      api::IntroductionDraft(name, call.principal.address, **introducer, answer->target, call.now),
      "message/rfc822");
}

Result<Reply> Relationship(Call& call) {
  auto request = RequestOf(call);
  auto target = TargetParam(call);
  auto days = IntParam(call, "days", 60, 1, 3660);
  for (const Status* st : {&request.status(), &target.status(), &days.status()}) {
    if (!st->ok()) return *st;
  }
  auto answer = insights::AnalyseRelationship(*call.store, *call.policy, *request, *target,
                                              static_cast<int>(*days));
  if (!answer.ok()) return answer.status();
  return Reply::Json(api::RelationshipDocument(*answer));
}

// The home page's list: every account colleagues dealt with, health and trend, the caller's own.
Result<Reply> AccountsOverview(Call& call) {
  auto request = RequestOf(call);
  auto days = IntParam(call, "days", 60, 1, 3660);
  auto limit = IntParam(call, "limit", 200, 1, 100000);
  for (const Status* st : {&request.status(), &days.status(), &limit.status()}) {
    if (!st->ok()) return *st;
  }
  const std::string mine = call.Param("mine", "false");
  if (mine != "true" && mine != "false") return Status::InvalidArgument("'mine' is true or false");
  auto order = api::ParseAccountOrder(call.Param("sort", "recent"));
  if (!order.ok()) return order.status();
  auto overview =
      insights::ReviewAccounts(*call.store, *call.policy, *request, static_cast<int>(*days));
  if (!overview.ok()) return overview.status();
  return Reply::Json(api::AccountsOverviewDocument(*overview, mine == "true",
                                                   static_cast<size_t>(*limit), *order));
}

// What the search box offers: accounts, their domains and (when the policy allows) people.
Result<Reply> Suggestions(Call& call) {
  auto limit = IntParam(call, "limit", 8, 1, 50);
  if (!limit.ok()) return limit.status();
  const insights::InsightRequest request{call.principal, call.now, call.now, std::nullopt};
  auto found = insights::Suggest(*call.store, *call.policy, request, call.Param("q"),
                                 static_cast<size_t>(*limit));
  if (!found.ok()) return found.status();
  return Reply::Json(api::SuggestionsDocument(*found));
}

// What earlier releases said about one account: free to read, still the policy point's to allow.
Result<Reply> ReleasedEngagement(Call& call) {
  const std::string account = call.Param("account");
  if (account.empty()) {
    return Status::InvalidArgument("the query parameter 'account' is missing: name an account");
  }
  const insights::InsightRequest request{call.principal, call.now, call.now, std::nullopt};
  auto rows = insights::ReleasedEngagement(*call.store, *call.policy, request, account);
  if (!rows.ok()) return rows.status();
  return Reply::Json(api::ReleasedEngagementDocument(*rows));
}

Result<Reply> Personal(Call& call) {
  auto request = RequestOf(call);
  if (!request.ok()) return request.status();
  auto days = IntParam(call, "days", 28, 1, 3660);
  if (!days.ok()) return days.status();
  auto answer =
      insights::PersonalInsights(*call.store, *call.policy, *request, static_cast<int>(*days));
  if (!answer.ok()) return answer.status();
  return Reply::Json(api::PersonalDocument(*answer));
}

// The body's fields, checked: {"period", "from", "to", "epsilon", "k"}.
Result<insights::EngagementRequest> EngagementOf(const api::Document& body) {
  insights::EngagementRequest what;
  auto level = insights::ParsePeriodLevel(body.value("period", std::string("month")));
  if (!level.ok()) return level.status();
  what.level = *level;
  for (const char* field : {"from", "to"}) {
    if (!body.contains(field)) continue;
    const auto& v = body[field];
    const std::string name = std::string("'") + field + "'";
    if (!v.is_string())
      return Status::InvalidArgument(name + " wants a UTC date like \"2001-06-01\"");
    auto at = api::ParseUtc(name, v.get<std::string>());
    if (!at.ok()) return at.status();
    (std::string(field) == "from" ? what.from : what.to) = *at;
  }
  if (body.contains("epsilon")) {
    const auto& e = body["epsilon"];
    auto epsilon = insights::ParsePositiveDecimal(e.is_string() ? e.get<std::string>() : e.dump());
    if (!epsilon.ok()) return Status::InvalidArgument("'epsilon': " + epsilon.status().message());
    what.epsilon = *epsilon;
  }
  if (body.contains("delta")) {
    return Status::InvalidArgument(
        "'delta' is not a request parameter: it is the tenant's, per month of data (an admin "
        "sets privacy_delta_per_month)");
  }
  if (body.contains("k")) {
    if (!body["k"].is_number_integer()) return Status::InvalidArgument("'k' wants an integer");
    what.k = body["k"].get<int>();
  }
  return what;
}

Result<Reply> Engagement(Call& call) {
  auto request = RequestOf(call);
  if (!request.ok()) return request.status();
  auto body = JsonBody(call);
  if (!body.ok()) return body.status();
  auto what = EngagementOf(*body);
  if (!what.ok()) return what.status();
  const std::string format = call.Param("format", "json");
  if (format != "json" && format != "csv") {
    return Status::InvalidArgument("'format' is json or csv");
  }
  const std::string preview = call.Param("preview", "false");
  if (preview != "true" && preview != "false") {
    return Status::InvalidArgument("'preview' is true or false");
  }
  if (preview == "true") {  // what it would cost, nothing released or spent
    auto cost = insights::PreviewEngagement(*call.store, *call.policy, *request, *what);
    if (!cost.ok()) return cost.status();
    return Reply::Json(api::EngagementPreviewDocument(*cost));
  }
  insights::SystemRandom random;
  auto release = insights::ReleaseEngagement(*call.store, *call.policy, *request, *what, random);
  if (!release.ok()) return release.status();
  if (format == "csv") {
    return Reply::Text(api::EngagementCsv(*release), "text/csv; charset=utf-8");
  }
  return Reply::Json(api::EngagementDocument(*release));
}

}  // namespace

std::vector<Route> InsightRoutes() {
  return {{"GET", "/v1/session", Access::kUser, Session},
          {"GET", "/v1/who-knows", Access::kUser, WhoKnows, true},
          {"GET", "/v1/introduction", Access::kUser, Introduction, true},
          {"GET", "/v1/relationship", Access::kUser, Relationship, true},
          {"GET", "/v1/me", Access::kUser, Personal, true},
          {"GET", "/v1/accounts/overview", Access::kUser, AccountsOverview, true},
          {"GET", "/v1/suggestions", Access::kMembers, Suggestions, true},
          {"GET", "/v1/engagement/released", Access::kUser, ReleasedEngagement, true},
          {"POST", "/v1/engagement", Access::kUser, Engagement, true}};
}

}  // namespace rapport::server
