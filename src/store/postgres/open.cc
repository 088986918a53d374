// Opening and creating a store in a PostgreSQL database: the connection, the schema brought up
// to date, what PostgreSQL does its own way beneath SqlStore, and the key file, which lives on
// the host like a SQLite store's (the database never holds the keys).
#include "rapport/store/store.h"
#include "store/attach_keys.h"
#include "store/key_file.h"
#include "store/postgres/connection.h"
#include "store/postgres/schema.h"
#include "store/postgres/tenant_rows.h"
#include "store/sql/store.h"

namespace rapport::store {
namespace {

class PostgresUpkeep final : public DatabaseUpkeep {
 public:
  Status RefreshStatistics(SqlConnection& db) override { return AnalyzeStoreTables(db); }
  // PostgreSQL has no secure_delete: a deleted row stays in its page until VACUUM (autovacuum)
  // reuses the space, and in the WAL until the segment is recycled. docs/deploy.md says so and
  // what to do (encrypted storage); nothing here can scrub it.
  Status ScrubDeleted(SqlConnection&) override { return Status::Ok(); }
  Status BackupTo(SqlConnection&, const std::string&) override {
    return Status::FailedPrecondition(
        "rapport backup copies SQLite stores; back up a PostgreSQL store with pg_dump "
        "(docs/deploy.md)");
  }
  // Autovacuum reuses a table's free space as it goes; giving it back to the disk (VACUUM FULL)
  // locks each table against reads, which a command of this kind should not do unannounced.
  Result<Compaction> Compact(SqlConnection&) override {
    return Status::FailedPrecondition(
        "rapport compact rewrites SQLite stores; PostgreSQL's autovacuum reuses free space as it "
        "goes (to give space back to the disk, see docs/deploy.md)");
  }
  Result<bool> SchemaCurrent(SqlConnection& db) override { return PostgresSchemaCurrent(db); }
  Status BeforeNewTenant(SqlConnection& db, const std::string& name) override {
    return CheckNewTenant(db, name);
  }
  Status AfterNewTenant(SqlConnection& db, int64_t tenant) override {
    return TenantMade(db, tenant);
  }
};

Status NeedsKeyFile(const std::string& keys_path) {
  if (!keys_path.empty()) return Status::Ok();
  return Status::InvalidArgument(
      "a store in PostgreSQL keeps its keys in a file on this host: name it with --keys FILE "
      "(or RAPPORT_KEYS, or keys = in the configuration file)");
}

// The store's key file id, as the database records it ("" before init).
Result<std::string> StoreIdIn(SqlConnection& db) {
  std::string id;
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db, "SELECT value FROM tenant_setting WHERE name = ?1 ORDER BY tenant_id LIMIT 1",
      [&](SqlStatement& row) { id = row.ColumnText(0); }, std::string(kKeyFileIdSetting)));
  return id;
}

// A connection to the standby at `read_url`, checked to hold a copy of the store whose key
// file id is `store_id`, at the schema this rapport knows. A standby that cannot be reached
// gives up after 2 s: the request then reads the primary.
Result<std::unique_ptr<SqlConnection>> ConnectStandby(const std::string& read_url,
                                                      const std::string& store_id) {
  auto db = PostgresConnection::Connect(read_url, "--db-read", 2);
  if (!db.ok()) return db.status();
  const std::string where = "the database at " + (*db)->Where() + " (--db-read)";
  auto kind = ProbePostgresDatabase(**db);
  if (!kind.ok()) return kind.status();
  if (*kind == PostgresDatabase::kRapport) {
    RAPPORT_RETURN_IF_ERROR(CheckSubjectToRowSecurity(**db, (*db)->Where()));
    RAPPORT_RETURN_IF_ERROR(ChooseTenant(**db, (*db)->Where()));
  }
  auto id = *kind == PostgresDatabase::kRapport ? StoreIdIn(**db) : Result<std::string>("");
  if (!id.ok()) return id.status();
  if (*id != store_id) {
    return Status::FailedPrecondition(where +
                                      " is not a copy of the store at --db; point --db-read "
                                      "at a streaming standby of --db's database");
  }
  auto current = PostgresSchemaCurrent(**db);
  if (!current.ok()) return current.status();
  if (!*current) {
    return Status::FailedPrecondition(where +
                                      " has not replayed the schema this rapport uses yet; "
                                      "check that it streams from --db");
  }
  return std::unique_ptr<SqlConnection>(std::move(*db));
}

Result<std::unique_ptr<Store>> OpenIn(std::unique_ptr<PostgresConnection> db,
                                      const std::string& keys_path, const std::string& read_url) {
  RAPPORT_RETURN_IF_ERROR(CheckSubjectToRowSecurity(*db, db->Where()));
  RAPPORT_RETURN_IF_ERROR(MigratePostgresSchema(*db));
  RAPPORT_RETURN_IF_ERROR(ChooseTenant(*db, db->Where()));
  std::unique_ptr<StandbyReads> standby;
  if (!read_url.empty()) {
    auto store_id = StoreIdIn(*db);
    if (!store_id.ok()) return store_id.status();
    standby = std::make_unique<StandbyReads>(
        [read_url, id = *store_id] { return ConnectStandby(read_url, id); });
  }
  auto store =
      NewSqlStore(std::move(db), std::make_unique<PostgresUpkeep>(), keys_path, std::move(standby));
  RAPPORT_RETURN_IF_ERROR(AttachKeyFile(*store, keys_path));
  return store;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                 const std::string& keys_path,
                                                 const std::string& read_url) {
  RAPPORT_RETURN_IF_ERROR(NeedsKeyFile(keys_path));
  auto db = PostgresConnection::Connect(url);
  if (!db.ok()) return db.status();
  auto kind = ProbePostgresDatabase(**db);
  if (!kind.ok()) return kind.status();
  if (*kind == PostgresDatabase::kEmpty) {
    return Status::NotFound("the database at " + (*db)->Where() +
                            " holds no rapport store yet; make one with rapport init");
  }
  if (*kind == PostgresDatabase::kForeign) {
    return Status::FailedPrecondition("the database at " + (*db)->Where() +
                                      " holds tables that are not a rapport store, and rapport "
                                      "leaves them alone; point --db at a database of its own");
  }
  return OpenIn(std::move(*db), keys_path, read_url);
}

Status CheckPostgresStandby(const std::string& url, const std::string& read_url) {
  auto db = PostgresConnection::Connect(url);
  if (!db.ok()) return db.status();
  RAPPORT_RETURN_IF_ERROR(ChooseTenant(**db, (*db)->Where()));
  auto store_id = StoreIdIn(**db);
  if (!store_id.ok()) return store_id.status();
  auto standby = ConnectStandby(read_url, *store_id);
  return standby.ok() ? Status::Ok() : standby.status();
}

Result<std::unique_ptr<Store>> CreatePostgresStore(const std::string& url,
                                                   const std::string& keys_path) {
  RAPPORT_RETURN_IF_ERROR(NeedsKeyFile(keys_path));
  auto db = PostgresConnection::Connect(url);
  if (!db.ok()) return db.status();
  auto kind = ProbePostgresDatabase(**db);
  if (!kind.ok()) return kind.status();
  if (*kind == PostgresDatabase::kForeign) {
    return Status::FailedPrecondition(
        "the database at " + (*db)->Where() +
        " holds tables that are not a rapport store; rapport init needs an empty database "
        "(createdb one for rapport)");
  }
  return OpenIn(std::move(*db), keys_path, "");
}

}  // namespace rapport::store
