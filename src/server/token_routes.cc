// A user's own access tokens, for scripts: listed, made (shown once) and revoked by the user they
// belong to -- signed in on the dashboard or with another of their tokens. Admins manage everyone's
// with `rapport token` on the server.
#include "rapport/api/iso_time.h"
#include "rapport/consent/access_tokens.h"
#include "server/routes.h"

namespace rapport::server {
namespace {

api::Document TimeOrNull(const std::optional<int64_t>& t) {
  return t ? api::Document(api::IsoTime(*t)) : api::Document(nullptr);
}

Result<Reply> ListMine(Call& call) {
  auto tokens = consent::AccessTokens(*call.store).List();
  if (!tokens.ok()) return tokens.status();
  api::Document out = api::Document::array();
  for (const auto& t : *tokens) {
    if (t.user != call.principal.address || t.kind != "token") continue;
    out.push_back({{"id", t.id},
                   {"created_at", api::IsoTime(t.created_at)},
                   {"expires_at", TimeOrNull(t.expires_at)},
                   {"revoked_at", TimeOrNull(t.revoked_at)},
                   {"active", !t.revoked_at && (!t.expires_at || *t.expires_at > call.now)}});
  }
  return Reply::Json(std::move(out));
}

Result<Reply> CreateMine(Call& call) {
  auto body = JsonBody(call);
  if (!body.ok()) return body.status();
  std::optional<int64_t> expires;
  if (body->contains("expires_at") && !(*body)["expires_at"].is_null()) {
    if (!(*body)["expires_at"].is_string()) {
      return Status::InvalidArgument("'expires_at' wants a date like 2027-01-31");
    }
    auto at = api::ParseUtc("'expires_at'", (*body)["expires_at"].get<std::string>());
    if (!at.ok()) return at.status();
    expires = *at;
  }
  auto created =
      consent::AccessTokens(*call.store).Create(call.principal.address, expires, call.now);
  if (!created.ok()) return created.status();
  return Reply{201,
               {{"id", created->id},
                {"token", created->token},
                {"user", created->user},
                {"expires_at", TimeOrNull(created->expires_at)}},
               {},
               {}};
}

Result<Reply> RevokeMine(Call& call) {
  int64_t id = 0;
  try {
    id = std::stoll(call.path_params.at(0));
  } catch (const std::exception&) {
    return Status::NotFound("no token " + call.path_params.at(0) + " of yours");
  }
  auto tokens = consent::AccessTokens(*call.store).List();
  if (!tokens.ok()) return tokens.status();
  for (const auto& t : *tokens) {
    if (t.id != id || t.user != call.principal.address || t.kind != "token") continue;
    RAPPORT_RETURN_IF_ERROR(consent::AccessTokens(*call.store).Revoke(id, call.now));
    return Reply::Json({{"id", id}, {"revoked", true}});
  }
  return Status::NotFound("no token " + std::to_string(id) + " of yours");
}

}  // namespace

std::vector<Route> TokenRoutes() {
  return {{"GET", "/v1/me/tokens", Access::kUser, ListMine},
          {"POST", "/v1/me/tokens", Access::kUser, CreateMine},
          {"DELETE", "/v1/me/tokens/{id}", Access::kUser, RevokeMine}};
}

}  // namespace rapport::server
