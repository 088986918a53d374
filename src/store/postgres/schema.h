// The schema of a store in PostgreSQL: the same tables, columns and keys as the SQLite store's
// (sqlite/schema.cc), so that one body of SQL (src/store/sql) runs on both; migrations are
// numbered on their own. Internal to src/store.
#pragma once

#include "rapport/status.h"
#include "store/sql/connection.h"

namespace rapport::store {

int LatestPostgresSchemaVersion();

// What a database holds: nothing yet, a rapport store, or tables of something else (which
// rapport leaves alone).
enum class PostgresDatabase { kEmpty, kRapport, kForeign };
Result<PostgresDatabase> ProbePostgresDatabase(SqlConnection& db);

// Applies every migration the database lacks, each in its own transaction, under an advisory
// lock (serve and sync may open a new database at once: one migrates, the other then finds it
// done). FailedPrecondition when the database is newer than this rapport. `up_to` stops at an
// older version: for tests of a migration, which need a store as an older rapport left it.
Status MigratePostgresSchema(SqlConnection& db, int up_to = LatestPostgresSchemaVersion());

// The names of the store's tables (a column `relname`), each partitioned table once and none of
// its partitions (postgres/partitions.h): what ANALYZE and `rapport migrate` go through.
extern const char* const kStoreTables;

// ANALYZE of the store's tables, and no others: a whole-database ANALYZE would reach the shared
// catalogs, which only a superuser may analyze (and the store's role is none: tenant_rows.h).
Status AnalyzeStoreTables(SqlConnection& db);

// Whether the database's schema is still the one this rapport migrates to.
Result<bool> PostgresSchemaCurrent(SqlConnection& db);

}  // namespace rapport::store
