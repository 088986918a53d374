// `rapport token create|list|revoke`: personal access tokens for the HTTP API (issue 8). A token
// is printed once, by create, on stdout; nothing else ever shows it or its hash.
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "rapport/consent/access_tokens.h"
#include "rapport/store/store.h"

namespace rapport::cli {
namespace {

using nlohmann::ordered_json;

ordered_json TimeOrNull(const std::optional<int64_t>& t) {
  return t ? ordered_json(IsoTime(*t)) : ordered_json(nullptr);
}

std::string TimeOr(const std::optional<int64_t>& t, const char* otherwise) {
  return t ? IsoTime(*t) : std::string(otherwise);
}

}  // namespace

int RunTokenCreate(const std::string& db, const TokenCreateArgs& args) {
  std::optional<int64_t> expires;
  if (!args.expires.empty()) {
    auto at = ParseUtc("--expires", args.expires);  // a date means 00:00 UTC that day
    if (!at.ok()) return Usage(at.status().message());
    if (*at <= Now()) return Usage("--expires must be in the future");
    expires = *at;
  }
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto created = consent::AccessTokens(**store).Create(args.user, expires, Now());
  if (!created.ok()) return Fail(created.status().message());
  if (args.json) {
    ordered_json out = {{"id", created->id},
                        {"token", created->token},
                        {"user", created->user},
                        {"expires_at", TimeOrNull(created->expires_at)}};
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print("token: {}\n", created->token);
  fmt::print("This token is shown only once: keep it now (rapport stores only a keyed hash).\n");
  fmt::print("id: {}\nuser: {}\nexpires: {}\n", created->id, created->user,
             TimeOr(created->expires_at, "never (until revoked)"));
  return 0;
}

int RunTokenList(const std::string& db, bool json) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto tokens = consent::AccessTokens(**store).List();
  if (!tokens.ok()) return Fail(tokens.status().message());
  if (json) {
    ordered_json out = ordered_json::array();
    for (const auto& t : *tokens) {
      out.push_back({{"id", t.id},
                     {"user", t.user},
                     {"created_at", IsoTime(t.created_at)},
                     {"expires_at", TimeOrNull(t.expires_at)},
                     {"revoked_at", TimeOrNull(t.revoked_at)}});
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print("{} access tokens (the tokens themselves are never shown again)\n", tokens->size());
  if (tokens->empty()) return 0;
  fmt::print("{:>5}  {:<32}  {:<20}  {:<20}  {}\n", "id", "user", "created", "expires", "revoked");
  for (const auto& t : *tokens) {
    fmt::print("{:>5}  {:<32}  {:<20}  {:<20}  {}\n", t.id, t.user, IsoTime(t.created_at),
               TimeOr(t.expires_at, "never"), TimeOr(t.revoked_at, "-"));
  }
  return 0;
}

int RunTokenRevoke(const std::string& db, int64_t id) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  Status st = consent::AccessTokens(**store).Revoke(id, Now());
  if (!st.ok()) return Fail(st.message());
  fmt::print("access token {} revoked\n", id);
  return 0;
}

}  // namespace rapport::cli
