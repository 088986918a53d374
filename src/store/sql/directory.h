// The directory in the SQLite store: importing users and groups, and listing them (SPEC §3).
// Called by SqliteStore; `tenant` is the store's tenant id.
#pragma once

#include <string_view>
#include <vector>

#include "rapport/store/store.h"
#include "store/sql/connection.h"

namespace rapport::store {

// Expects an open write transaction; people are not re-resolved here.
Status ImportDirectory(SqlConnection& db, int64_t tenant, const TenantConfig& config,
                       const model::Directory& directory, std::string_view file_name,
                       DirectoryImport& counts);
Result<std::vector<DirectoryEntry>> ListDirectory(SqlConnection& db, int64_t tenant);
Result<std::vector<std::string>> ListGroups(SqlConnection& db, int64_t tenant);
Result<std::vector<std::string>> GroupMemberAddresses(SqlConnection& db, int64_t tenant,
                                                      const std::vector<std::string>& groups);

}  // namespace rapport::store
