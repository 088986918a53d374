// Personal access tokens in the SQLite store (table access_token). Called by SqliteStore; a purge
// leaves them (they are credentials, not collected data).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rapport/status.h"
#include "rapport/store/access_token.h"
#include "store/sql/connection.h"

namespace rapport::store {

Result<int64_t> AddAccessToken(SqlConnection& db, int64_t tenant, const AccessToken& token);
Result<std::optional<AccessToken>> FindAccessToken(SqlConnection& db, int64_t tenant,
                                                   std::string_view token_hash);
Result<std::vector<AccessToken>> ListAccessTokens(SqlConnection& db, int64_t tenant);
// NotFound when the tenant has no such token; a token revoked already keeps its first time.
Status RevokeAccessToken(SqlConnection& db, int64_t tenant, int64_t id, int64_t at);

}  // namespace rapport::store
