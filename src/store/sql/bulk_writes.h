// SQLite settings for a run of large write transactions (an ingest, a tie index refresh), and
// the store's own to go back to. Why these values: SqlMessageWriter::Create. PostgreSQL: no-ops.
#pragma once

#include "store/sql/connection.h"

namespace rapport::store {

// A 100,000-page log before a checkpoint, a 1 GiB cache, statement journals in memory.
inline Status BeginBulkWrites(SqlConnection& db) {
  if (db.Dialect() != SqlDialect::kSqlite) return Status::Ok();
  return db.Exec(
      "PRAGMA wal_autocheckpoint = 100000; PRAGMA cache_size = -1048576; "
      "PRAGMA temp_store = MEMORY");
}

// The store's settings again (sql/store.cc opens it with a 64 MiB cache).
inline void EndBulkWrites(SqlConnection& db) {
  if (db.Dialect() != SqlDialect::kSqlite) return;
  (void)db.Exec(
      "PRAGMA wal_autocheckpoint = 1000; PRAGMA cache_size = -65536; PRAGMA temp_store = DEFAULT");
}

}  // namespace rapport::store
