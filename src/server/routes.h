// The API's routes: one table that the server serves and the OpenAPI document describes (a test
// checks the two against each other). Each handler gets a Call -- the authenticated principal, a
// store connection of its own and a fresh policy decision point -- and returns a Reply or a
// Status, which the server turns into a JSON error.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rapport/api/insight_documents.h"
#include "rapport/consent/policy.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::server {

// Who may call a route. kUser: any valid token (the policy point then decides per insight);
// kAdmin: a tenant admin; kMembers: admins and directory members, never guests.
enum class Access { kPublic, kUser, kMembers, kAdmin };

struct Call {
  consent::Principal principal;
  consent::Role role = consent::Role::kNone;
  store::Store* store = nullptr;
  consent::PolicyDecisionPoint* policy = nullptr;
  std::map<std::string, std::string> query;  // query parameters, decoded
  std::vector<std::string> path_params;      // the {name} parts of the path, in order
  std::string body;                          // the request body (JSON for POST)
  int64_t now = 0;
  std::string csrf;  // signed in with the dashboard's session: its CSRF token; "" for a bearer

  // A query parameter, or `fallback` when absent.
  std::string Param(const std::string& name, const std::string& fallback = "") const;
};

struct Reply {
  int status = 200;
  api::Document json;
  std::string text;          // sent instead of json when content_type is set
  std::string content_type;  // e.g. "text/csv; charset=utf-8"

  static Reply Json(api::Document json) { return {200, std::move(json), {}, {}}; }
  static Reply Text(std::string text, std::string type) {
    return {200, nullptr, std::move(text), std::move(type)};
  }
  // The server has already written the response (an authentication or rate-limit refusal).
  static Reply Sent(int status) { return {status, nullptr, {}, {}}; }
};

using Handler = std::function<Result<Reply>(Call&)>;

struct Route {
  std::string method;  // GET, POST, DELETE
  std::string path;    // an OpenAPI path template: /v1/consent/{type}/grant
  Access access = Access::kUser;
  Handler handler;
  bool insight = false;  // asks the policy point: its outcome is counted as a decision
};

// Every /v1 route that needs a token (the server adds /healthz, /metrics, /v1/openapi.json and
// the dashboard's files itself).
std::vector<Route> ApiRoutes();
std::vector<Route> InsightRoutes();
std::vector<Route> AdminRoutes();
std::vector<Route> TokenRoutes();

// Helpers the handlers share.
Result<int64_t> IntParam(const Call& call, const std::string& name, int64_t fallback, int64_t min,
                         int64_t max);
// as_of from the query (a UTC date or time), else now.
Result<int64_t> AsOfParam(const Call& call);
// The request body as a JSON object ({} when empty); InvalidArgument when it is not one.
Result<api::Document> JsonBody(const Call& call);

}  // namespace rapport::server
