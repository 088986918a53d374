// A personal access token as the store keeps it: never the token, only its keyed hash (the
// consent layer's AccessTokens makes both).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rapport::store {

struct AccessToken {
  int64_t id = 0;
  std::string token_hash;  // hex HMAC-SHA256 of the token under the key file's access-token key
  std::string user;        // the principal's address
  int64_t created_at = 0;  // UTC seconds
  std::optional<int64_t> expires_at;
  std::optional<int64_t> revoked_at;
  // "token": made for scripts (rapport token create, or by its user on the dashboard), sent as a
  // bearer token; "session": a dashboard sign-in, sent only as its cookie.
  std::string kind = "token";
};

}  // namespace rapport::store
