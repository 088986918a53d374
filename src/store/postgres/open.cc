// Opening and creating a store in a PostgreSQL database: the connection, the schema brought up
// to date, what PostgreSQL does its own way beneath SqlStore, and the key file, which lives on
// the host like a SQLite store's (the database never holds the keys).
#include "rapport/store/store.h"
#include "store/attach_keys.h"
#include "store/postgres/connection.h"
#include "store/postgres/schema.h"
#include "store/sql/store.h"

namespace rapport::store {
namespace {

class PostgresUpkeep final : public DatabaseUpkeep {
 public:
  Status RefreshStatistics(SqlConnection& db) override { return db.Exec("ANALYZE"); }
  // PostgreSQL has no secure_delete: a deleted row stays in its page until VACUUM (autovacuum)
  // reuses the space, and in the WAL until the segment is recycled. docs/deploy.md says so and
  // what to do (encrypted storage); nothing here can scrub it.
  Status ScrubDeleted(SqlConnection&) override { return Status::Ok(); }
  Status BackupTo(SqlConnection&, const std::string&) override {
    return Status::FailedPrecondition(
        "rapport backup copies SQLite stores; back up a PostgreSQL store with pg_dump "
        "(docs/deploy.md)");
  }
  Result<bool> SchemaCurrent(SqlConnection& db) override { return PostgresSchemaCurrent(db); }
};

Status NeedsKeyFile(const std::string& keys_path) {
  if (!keys_path.empty()) return Status::Ok();
  return Status::InvalidArgument(
      "a store in PostgreSQL keeps its keys in a file on this host: name it with --keys FILE "
      "(or RAPPORT_KEYS, or keys = in the configuration file)");
}

Result<std::unique_ptr<Store>> OpenIn(std::unique_ptr<PostgresConnection> db,
                                      const std::string& keys_path) {
  RAPPORT_RETURN_IF_ERROR(MigratePostgresSchema(*db));
  auto store = NewSqlStore(std::move(db), std::make_unique<PostgresUpkeep>(), keys_path);
  RAPPORT_RETURN_IF_ERROR(AttachKeyFile(*store, keys_path));
  return store;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                 const std::string& keys_path) {
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
  return OpenIn(std::move(*db), keys_path);
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
  return OpenIn(std::move(*db), keys_path);
}

}  // namespace rapport::store
