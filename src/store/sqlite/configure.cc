// The SQLite store: its connection's settings, its schema brought up to date (keeping the old
// store first), and what SQLite does its own way beneath SqlStore.
#include "rapport/store/store.h"
#include "store/new_file.h"
#include "store/sql/bulk_writes.h"
#include "store/sql/store.h"
#include "store/sqlite/backup.h"
#include "store/sqlite/compaction.h"
#include "store/sqlite/db.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/store.h"

namespace rapport::store {
namespace {

class SqliteUpkeep final : public DatabaseUpkeep {
 public:
  // Sampled statistics (cheap even on millions of rows): without them SQLite takes
  // `tenant_id = ?` for selective, and with one tenant it matches every row.
  Status RefreshStatistics(SqlConnection& db) override {
    return db.Exec("PRAGMA analysis_limit = 1000; ANALYZE");
  }
  // secure_delete zeroed the freed pages; the checkpoint moves them into the main file and
  // empties the WAL, so no copy of deleted rows is left in either file.
  Status ScrubDeleted(SqlConnection& db) override {
    return db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  Status BackupTo(SqlConnection& db, const std::string& path) override {
    return BackupSqlite(Sqlite(db), path);
  }
  Result<Compaction> Compact(SqlConnection& db) override { return CompactSqlite(Sqlite(db)); }
  Result<bool> SchemaCurrent(SqlConnection& db) override {
    auto version = db.QueryInt("PRAGMA user_version");
    if (!version.ok()) return version.status();
    return *version == LatestSchemaVersion();
  }

 private:
  // SqlStore hands back the connection it was made with.
  static SqliteDb& Sqlite(SqlConnection& db) { return static_cast<SqliteDb&>(db); }
};

Status Configure(SqliteDb& db, PageReads reads) {
  // WAL lets readers run while an ingest writes; secure_delete overwrites freed pages so that
  // purged data is gone from the file, not just unlinked (SPEC §1).
  RAPPORT_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode = WAL"));
  RAPPORT_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = NORMAL"));
  RAPPORT_RETURN_IF_ERROR(db.Exec("PRAGMA secure_delete = ON"));
  // Foreign keys are declared (and checked by the tests with PRAGMA foreign_key_check) but not
  // enforced at run time: enforcement doubles the B-tree seeks of every ingest insert, and
  // the writer only ever inserts children after their parents. Deletes name their children.
  RAPPORT_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = OFF"));
  RAPPORT_RETURN_IF_ERROR(db.Exec(kStoreCacheSize));
  // A command's reads map the file instead of copying each page through read(): it starts with
  // an empty page cache, and an insight touches thousands of pages. Debian's SQLite maps at most
  // its compile-time limit (2 GiB, SQLITE_MAX_MMAP_SIZE), so the pages of a bigger file past it
  // are still read; asking for 4 GiB takes whatever the library allows. A server's connections
  // copy (PageReads in store.h says why).
  return db.Exec(reads == PageReads::kMapped ? "PRAGMA mmap_size = 4294967296"
                                             : "PRAGMA mmap_size = 0");
}

// Brings the schema up to date; an upgrade keeps the store as it was first, once: PATH.vN.bak.
// The version found before.
Result<int64_t> Upgrade(SqliteDb& db, const std::string& path) {
  auto before = db.QueryInt("PRAGMA user_version");
  if (!before.ok()) return before.status();
  if (*before >= 1 && *before < LatestSchemaVersion()) {
    const std::string kept = path + ".v" + std::to_string(*before) + ".bak";
    Status backup = BackupSqlite(db, kept);
    if (!backup.ok() && !FileExists(kept)) return backup;
  }
  RAPPORT_RETURN_IF_ERROR(MigrateSchema(db));
  return before;
}

}  // namespace

Result<std::unique_ptr<Store>> ConfigureSqliteStore(SqliteDb db, const std::string& path,
                                                    std::string keys_path, PageReads reads) {
  Status st = Configure(db, reads);
  auto before = st.ok() ? Upgrade(db, path) : Result<int64_t>(st);
  if (!before.ok()) {
    if (before.status().code() == Status::Code::kFailedPrecondition) return before.status();
    return Status::IoError(before.status().message() + " (is " + path +
                           " a rapport store? check --db)");
  }
  auto store = NewSqlStore(std::make_unique<SqliteDb>(std::move(db)),
                           std::make_unique<SqliteUpkeep>(), std::move(keys_path));
  // A store from before accounts (migration 3) gets its addresses resolved once, here, so that
  // every command sees accounts without waiting for the next ingest.
  if (*before >= 1 && *before < 3 && store->Tenant().ok()) {
    RAPPORT_RETURN_IF_ERROR(store->ResolveAccounts());
  }
  return store;
}

}  // namespace rapport::store
