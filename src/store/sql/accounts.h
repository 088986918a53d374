// Accounts in the SQLite store: resolution of addresses to organisation domains and accounts,
// imports, and the account list. Called by SqliteStore; `tenant` is the store's tenant id.
#pragma once

#include <optional>
#include <string_view>

#include <vector>

#include "rapport/store/store.h"
#include "store/sql/connection.h"

namespace rapport::store {

Status ResolveAccounts(SqlConnection& db, int64_t tenant);
Status ImportAccounts(SqlConnection& db, int64_t tenant,
                      const std::vector<model::AccountRecord>& accounts);
Result<std::vector<Account>> ListAccounts(SqlConnection& db, int64_t tenant);
// The account of that name (ASCII case ignored), without counting its people.
Result<std::optional<Account>> FindAccount(SqlConnection& db, int64_t tenant,
                                           std::string_view name);

}  // namespace rapport::store
