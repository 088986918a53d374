// The SQLite schema as an ordered list of migrations. PRAGMA user_version holds how many have been
// applied; each runs in its own transaction, so a store is always at one exact version.
#pragma once

#include "rapport/status.h"
#include "store/sqlite_db.h"

namespace rapport::store {

// Applies every migration newer than the store's version. Fails on a store from a newer rapport.
Status MigrateSchema(SqliteDb& db);

// The version a fully migrated store has.
int LatestSchemaVersion();

}  // namespace rapport::store
