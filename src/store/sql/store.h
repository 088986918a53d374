// SqlStore: the Store over a SqlConnection, the same SQL whichever database is beneath
// (SQLite or PostgreSQL). What a database does its own way is its DatabaseUpkeep. Internal to
// src/store: the openers (sqlite/store_files.cc, postgres/...) make one.
#pragma once

#include <memory>
#include <string>

#include "rapport/store/store.h"
#include "store/sql/connection.h"
#include "store/sql/standby_reads.h"

namespace rapport::store {

class DatabaseUpkeep {
 public:
  virtual ~DatabaseUpkeep() = default;
  // Brings the query planner's statistics up to date after a large change.
  virtual Status RefreshStatistics(SqlConnection& db) = 0;
  // Runs after a commit that deleted personal data: no copy of what was deleted may stay in
  // the database's files.
  virtual Status ScrubDeleted(SqlConnection& db) = 0;
  // Store::BackupTo.
  virtual Status BackupTo(SqlConnection& db, const std::string& path) = 0;
  // Store::Compact.
  virtual Result<Compaction> Compact(SqlConnection& db) = 0;
  // Whether the schema is still the one this rapport migrated it to.
  virtual Result<bool> SchemaCurrent(SqlConnection& db) = 0;
  // InitTenant: a check before it makes tenant `name`, and what follows the tenant's row, in
  // the same transaction (postgres/tenant_rows.h: the session chooses the new tenant).
  virtual Status BeforeNewTenant(SqlConnection&, const std::string& /*name*/) {
    return Status::Ok();
  }
  virtual Status AfterNewTenant(SqlConnection&, int64_t /*tenant*/) { return Status::Ok(); }
};

// The store over `db`, whose schema is up to date; InitTenant writes its key file at
// `keys_path`. No keys are attached yet. With `standby`, read snapshots read insight data from
// it when they may (sql/standby_reads.h).
std::unique_ptr<Store> NewSqlStore(std::unique_ptr<SqlConnection> db,
                                   std::unique_ptr<DatabaseUpkeep> upkeep, std::string keys_path,
                                   std::unique_ptr<StandbyReads> standby = nullptr);

}  // namespace rapport::store
