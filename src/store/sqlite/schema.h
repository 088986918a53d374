// The SQLite schema as an ordered list of migrations. PRAGMA user_version holds how many have been
// applied; each runs in its own transaction, so a store is always at one exact version.
#pragma once

#include "rapport/status.h"
#include "store/sqlite/db.h"

namespace rapport::store {

// Applies every migration newer than the store's version, up to `up_to` (default: all). Fails on a
// store from a newer rapport. Tests make stores of every earlier version with `up_to`.
Status MigrateSchema(SqliteDb& db, int up_to = -1);

// The version a fully migrated store has.
int LatestSchemaVersion();

}  // namespace rapport::store
