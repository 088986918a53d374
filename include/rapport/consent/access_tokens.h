// AccessTokens: personal access tokens, how a caller of the future HTTP API becomes a principal
// (issue 8, SPEC §2).
//
// Contract: a token is "rpt_" (a dashboard session "rps_") and 43 base64url characters (32 random
// bytes). It is returned once, by Create, and never stored, logged or shown again: the store keeps
// only its HMAC-SHA256 under the access-token key of its key file (rapport/store/keys.h), so a
// reader of the store file cannot use or rebuild a token. Only a user of the tenant (an admin, or a
// directory member or guest) gets one. Authenticate turns a bearer token back into that user's
// Principal; the principal's rights are then the policy point's business, not the token's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/consent/policy.h"
#include "rapport/status.h"
#include "rapport/store/access_token.h"
#include "rapport/store/store.h"

namespace rapport::consent {

struct CreatedToken {
  int64_t id = 0;
  std::string token;  // the only copy there will ever be
  std::string user;   // as stored: the address's key (lower-case)
  std::optional<int64_t> expires_at;
};

class AccessTokens {
 public:
  explicit AccessTokens(store::Store& store) : store_(store) {}

  // A new token for `user`, valid until `expires_at` (UTC seconds, after `now`) or revoked.
  // FailedPrecondition when the user is not a user of the tenant. `kind` "session" makes a
  // dashboard sign-in ("rps_..."), which only a cookie carries; anything else a token ("rpt_...").
  Result<CreatedToken> Create(std::string_view user, std::optional<int64_t> expires_at, int64_t now,
                              std::string_view kind = "token");
  // The principal a token of `kind` stands for; PermissionDenied "unknown token" (also for a
  // token of the other kind), "token revoked" or "token expired" otherwise (never echoing it).
  Result<Principal> Authenticate(std::string_view bearer, int64_t now,
                                 std::string_view kind = "token");
  // Every token by id (hashes only).
  Result<std::vector<store::AccessToken>> List();
  // NotFound when there is no such token; revoking twice keeps the first time.
  Status Revoke(int64_t id, int64_t now);
  // Revokes a token (or session) by its text; PermissionDenied "unknown token" when it is none.
  Status RevokeToken(std::string_view token, int64_t now);

 private:
  store::Store& store_;
};

}  // namespace rapport::consent
