// Live mailbox sources in the SQLite store (table sync_source). Called by SqliteStore. Removing a
// source forgets its cursors; the mail it brought stays (retention and purge govern that).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "rapport/status.h"
#include "rapport/store/sync_source.h"
#include "store/sql/connection.h"

namespace rapport::store {

// FailedPrecondition when the tenant has a source of that name.
Result<int64_t> AddSyncSource(SqlConnection& db, int64_t tenant, const SyncSource& source);
Result<std::vector<SyncSource>> ListSyncSources(SqlConnection& db, int64_t tenant);
// NotFound for an unknown name.
Status RemoveSyncSource(SqlConnection& db, int64_t tenant, std::string_view name);
Status RecordSync(SqlConnection& db, int64_t tenant, int64_t id, int64_t at,
                  std::string_view error);

}  // namespace rapport::store
