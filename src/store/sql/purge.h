// Purging collected data from the SQLite store (SPEC §1). Called by SqliteStore inside its
// write transaction.
#pragma once

#include "rapport/store/store.h"
#include "store/sql/connection.h"

namespace rapport::store {

Result<PurgeCounts> PurgeCollected(SqlConnection& db, int64_t tenant, const PurgePlan& plan);

}  // namespace rapport::store
