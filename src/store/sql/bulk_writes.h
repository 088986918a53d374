// SQLite settings for a run of large write transactions (an ingest, a tie index refresh), and
// the store's own to go back to. Why these values: SqlMessageWriter::Create. PostgreSQL: no-ops.
#pragma once

#include <string>

#include "store/sql/connection.h"

namespace rapport::store {

// The page cache a store's connection keeps outside bulk writes: 64 MiB (sqlite/configure.cc).
inline constexpr const char* kStoreCacheSize = "PRAGMA cache_size = -65536";

// A 100,000-page log before a checkpoint, a 1 GiB cache, statement journals in memory.
inline Status BeginBulkWrites(SqlConnection& db) {
  if (db.Dialect() != SqlDialect::kSqlite) return Status::Ok();
  return db.Exec(
      "PRAGMA wal_autocheckpoint = 100000; PRAGMA cache_size = -1048576; "
      "PRAGMA temp_store = MEMORY");
}

// The store's settings again.
inline void EndBulkWrites(SqlConnection& db) {
  if (db.Dialect() != SqlDialect::kSqlite) return;
  (void)db.Exec(std::string("PRAGMA wal_autocheckpoint = 1000; PRAGMA temp_store = DEFAULT; ") +
                kStoreCacheSize);
}

}  // namespace rapport::store
