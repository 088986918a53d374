// Accounts in the SQLite store: resolution of addresses to organisation domains and accounts,
// imports, and the account list. Called by SqliteStore; `tenant` is the store's tenant id.
#pragma once

#include <optional>
#include <string_view>

#include <vector>

#include "rapport/store/store.h"
#include "store/sqlite_db.h"

namespace rapport::store {

Status ResolveAccounts(SqliteDb& db, int64_t tenant);
Status ImportAccounts(SqliteDb& db, int64_t tenant,
                      const std::vector<model::AccountRecord>& accounts);
Result<std::vector<Account>> ListAccounts(SqliteDb& db, int64_t tenant);
// The account of that name (ASCII case ignored), without counting its people.
Result<std::optional<Account>> FindAccount(SqliteDb& db, int64_t tenant, std::string_view name);

}  // namespace rapport::store
