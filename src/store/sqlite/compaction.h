// Compacting a SQLite store: VACUUM, with the disk space it needs checked first and its failures
// said in words. What a big purge or a migration that rebuilt a table (26) leaves as free pages is
// given back, and each table's pages come out together and in key order -- which matters beyond
// size, since Debian's SQLite maps at most the file's first 2 GiB and a table rebuilt at the end
// of a bigger file is read with pread (docs/deploy.md, "Upgrades").
#pragma once

#include "rapport/store/store.h"
#include "store/sqlite/db.h"

namespace rapport::store {

// Store::Compact for a SQLite store.
Result<Compaction> CompactSqlite(SqliteDb& db);

}  // namespace rapport::store
