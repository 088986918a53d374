// CopySqliteStoreToPostgres (`rapport migrate`): every table of a SQLite store into a new store in
// PostgreSQL, in one transaction, by COPY. The two schemas have the same tables and columns
// (postgres/schema.cc), so the copy is by name, checked both ways: a table or column on one side
// only stops it rather than leave something behind. The one exception is tenant_id, which every
// PostgreSQL table has (postgres/tenant_rows.h): where SQLite's lacks it, its default (the
// session's tenant, the store's) fills it. Rows go through a temporary table each, since
// PostgreSQL refuses COPY FROM into a table under row-level security. The monthly partitions
// (postgres/partitions.h) add what SQLite has no need of: each month's partitions are made
// before its messages arrive, message_key is filled from message, and participant rows take
// their message's sent_at.
#include <set>
#include <vector>

#include "rapport/store/store.h"
#include "store/postgres/connection.h"
#include "store/postgres/schema.h"
#include "store/postgres/tenant_rows.h"
#include "store/sql/staged_rows.h"
#include "store/sqlite/db.h"
#include "store/sqlite/schema.h"

namespace rapport::store {
namespace {

constexpr size_t kChunkBytes = 1 << 20;

struct Column {
  std::string name;
  bool bytea = false;
  bool identity = false;
};

std::string Quoted(const std::string& identifier) {
  return "\"" + identifier + "\"";
}

std::string ColumnList(const std::vector<Column>& columns) {
  std::string out;
  for (const Column& c : columns) out += (out.empty() ? "" : ", ") + Quoted(c.name);
  return out;
}

// One value in COPY's text format (sql/staged_rows.h).
void AppendValue(std::string& out, const std::string& value, bool bytea) {
  if (bytea) {
    AppendCopyBytes(out, value.data(), value.size());
  } else {
    AppendCopyText(out, value);
  }
}

Result<std::set<std::string>> Names(SqlConnection& db, std::string_view sql,
                                    const std::string& arg = "") {
  std::set<std::string> names;
  Status st = arg.empty()
                  ? ForEachRow(db, sql, [&](SqlStatement& s) { names.insert(s.ColumnText(0)); })
                  : ForEachRow(
                        db, sql, [&](SqlStatement& s) { names.insert(s.ColumnText(0)); }, arg);
  if (!st.ok()) return st;
  return names;
}

Status Mismatch(const std::string& what) {
  return Status::FailedPrecondition(
      what + ": this rapport's two schemas differ, which is a bug (report it); nothing was copied");
}

// The table's columns in PostgreSQL, checked against the SQLite store's.
Result<std::vector<Column>> ColumnsOf(PostgresConnection& pg, SqliteDb& lite,
                                      const std::string& table) {
  std::vector<Column> columns;
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      pg,
      "SELECT column_name, data_type, (is_identity = 'YES' OR column_default LIKE 'nextval(%')"
      "::int FROM information_schema.columns "
      "WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position",
      [&](SqlStatement& s) {
        columns.push_back({s.ColumnText(0), s.ColumnText(1) == "bytea", s.ColumnInt(2) != 0});
      },
      table));
  auto in_sqlite = Names(lite, "SELECT name FROM pragma_table_info(?1)", table);
  if (!in_sqlite.ok()) return in_sqlite.status();
  for (const char* filled : {"tenant_id", "sent_at"}) {  // filled in on arrival (MoveSql)
    if (in_sqlite->count(filled)) continue;
    std::erase_if(columns, [&](const Column& c) { return c.name == filled; });
  }
  std::set<std::string> in_postgres;
  for (const Column& c : columns) in_postgres.insert(c.name);
  if (in_postgres != *in_sqlite) return Mismatch("table " + table + " has other columns");
  return columns;
}

// What moves the staged rows of `table` into it: for message, with its months' partitions made
// first and its keys after (user triggers are off during the copy); for participant from a store
// older than SQLite's migration 23, with the message's sent_at, which a missing message leaves
// NULL and the column refuses.
std::string MoveSql(const std::string& table, const std::string& list, const std::string& stage) {
  const std::string insert = "INSERT INTO " + Quoted(table) + " (" + list;
  if (table == "message") {
    return "SELECT rapport_month_partition(tenant_id, month) FROM (SELECT DISTINCT tenant_id, "
           "rapport_month_start(sent_at) AS month FROM " +
           stage + ") months; " + insert + ") SELECT " + list + " FROM " + stage +
           "; INSERT INTO message_key (tenant_id, id, message_id, fingerprint, sent_at) "
           "SELECT tenant_id, id, message_id, fingerprint, sent_at FROM " +
           stage;
  }
  if (table == "participant" && list.find("sent_at") == std::string::npos) {
    return insert + ", sent_at) SELECT s.*, k.sent_at FROM " + stage +
           " s LEFT JOIN message_key k ON k.tenant_id = (SELECT rapport_tenant()) AND "
           "k.id = s.message";
  }
  return insert + ") SELECT " + list + " FROM " + stage;
}

// Copies one table's rows; the count stored.
Result<int64_t> CopyTable(PostgresConnection& pg, SqliteDb& lite, const std::string& table) {
  auto columns = ColumnsOf(pg, lite, table);
  if (!columns.ok()) return columns.status();
  const std::string list = ColumnList(*columns);
  // The writes a trigger would make (the tie index's marks) are copied as they are.
  const std::string stage = Quoted("rapport_migrate_" + table);
  RAPPORT_RETURN_IF_ERROR(pg.Exec("ALTER TABLE " + Quoted(table) + " DISABLE TRIGGER USER; " +
                                  "DELETE FROM " + Quoted(table) + "; CREATE TEMP TABLE " + stage +
                                  " ON COMMIT DROP AS SELECT " + list + " FROM " + Quoted(table) +
                                  " WITH NO DATA"));
  auto rows = lite.Prepare("SELECT " + list + " FROM " + Quoted(table));
  if (!rows.ok()) return rows.status();
  auto stored = pg.CopyIn("COPY " + stage + " (" + list + ") FROM STDIN", [&](std::string& chunk) {
    Status st;  // past the last row, Step stays false: the chunk stays empty and COPY ends
    while (chunk.size() < kChunkBytes && rows->Step(st)) {
      for (size_t i = 0; i < columns->size(); ++i) {
        if (i > 0) chunk += '\t';
        if (rows->ColumnIsNull(static_cast<int>(i))) {
          chunk += "\\N";
        } else {
          AppendValue(chunk, rows->ColumnText(static_cast<int>(i)), (*columns)[i].bytea);
        }
      }
      chunk += '\n';
    }
    return st;
  });
  rows->Reset();
  if (stored.ok()) {
    Status moved = pg.Exec(MoveSql(table, list, stage) + "; TRUNCATE " + stage);
    if (!moved.ok()) stored = moved;
  }
  if (!stored.ok()) {
    return Status::IoError("copying table " + table + ": " + stored.status().message() +
                           "; nothing was copied");
  }
  for (const Column& c : *columns) {  // new rows continue after the copied ids
    if (!c.identity) continue;
    RAPPORT_RETURN_IF_ERROR(pg.Exec("SELECT setval(pg_get_serial_sequence('" + table + "', '" +
                                    c.name + "'), coalesce(max(" + Quoted(c.name) + "), 1), max(" +
                                    Quoted(c.name) + ") IS NOT NULL) FROM " + Quoted(table)));
  }
  auto expected = lite.QueryInt("SELECT count(*) FROM " + Quoted(table));
  if (!expected.ok()) return expected.status();
  if (*expected != *stored) {
    return Status::IoError("table " + table + ": " + std::to_string(*stored) + " of " +
                           std::to_string(*expected) + " rows arrived; nothing was copied");
  }
  RAPPORT_RETURN_IF_ERROR(pg.Exec("ALTER TABLE " + Quoted(table) + " ENABLE TRIGGER USER"));
  return stored;
}

// The new store's tables, ready and empty: refuses a database that holds anything else.
Status Prepare(PostgresConnection& pg) {
  auto kind = ProbePostgresDatabase(pg);
  if (!kind.ok()) return kind.status();
  if (*kind == PostgresDatabase::kForeign) {
    return Status::FailedPrecondition("the database at " + pg.Where() +
                                      " holds tables that are not a rapport store; migrate into "
                                      "an empty database (createdb one for rapport)");
  }
  RAPPORT_RETURN_IF_ERROR(CheckSubjectToRowSecurity(pg, pg.Where()));
  if (*kind == PostgresDatabase::kRapport) {
    // Every tenant counts, whatever tenant the URL names: the copy keeps the file's ids.
    RAPPORT_RETURN_IF_ERROR(pg.Exec(
        "SELECT set_config('rapport.tenant', '', false), set_config('rapport.tenant_id', '', "
        "false)"));
    auto tenants = pg.QueryInt("SELECT count(*) FROM tenant");
    if (!tenants.ok()) return tenants.status();
    if (*tenants > 0) {
      return Status::FailedPrecondition(
          "the database at " + pg.Where() +
          " holds a rapport store already, and migrate never overwrites one (createdb a new "
          "database for the copy)");
    }
  }
  return MigratePostgresSchema(pg);
}

Result<std::vector<TableCopy>> CopyAll(PostgresConnection& pg, SqliteDb& lite) {
  // Partitions and message_key are filled through message and participant (MoveSql).
  auto in_postgres = Names(
      pg, std::string(kStoreTables) + " AND relname NOT IN ('schema_version', 'message_key')");
  if (!in_postgres.ok()) return in_postgres.status();
  auto in_sqlite = Names(
      lite, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  if (!in_sqlite.ok()) return in_sqlite.status();
  if (*in_postgres != *in_sqlite) return Mismatch("the two stores have other tables");
  std::vector<TableCopy> copied;
  for (const std::string& table : *in_sqlite) {
    auto rows = CopyTable(pg, lite, table);
    if (!rows.ok()) return rows.status();
    copied.push_back({table, *rows});
  }
  return copied;
}

}  // namespace

Result<std::vector<TableCopy>> CopySqliteStoreToPostgres(const std::string& path,
                                                         const std::string& url) {
  auto lite = SqliteDb::Open(path, SqliteDb::Mode::kReadOnly);
  if (!lite.ok()) return lite.status();
  auto version = lite->QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  if (*version != LatestSchemaVersion()) {
    return Status::FailedPrecondition("the store " + path +
                                      " has an older schema: open it once with this rapport "
                                      "(rapport --db " +
                                      path + " stats) and migrate again");
  }
  auto pg = PostgresConnection::Connect(url);
  if (!pg.ok()) return pg.status();
  RAPPORT_RETURN_IF_ERROR(Prepare(**pg));
  // The copy's rows are its tenant's: the session chooses it before the first row.
  auto tenant = lite->QueryInt("SELECT coalesce(min(id), 0) FROM tenant");
  if (!tenant.ok()) return tenant.status();
  RAPPORT_RETURN_IF_ERROR((*pg)->Exec("SELECT set_config('rapport.tenant_id', '" +
                                      std::to_string(*tenant) + "', false)"));
  // One snapshot of the source, one transaction at the target: all of it arrives, or none.
  RAPPORT_RETURN_IF_ERROR(lite->BeginRead());
  RAPPORT_RETURN_IF_ERROR((*pg)->BeginWrite());
  auto copied = CopyAll(**pg, *lite);
  Status done = copied.ok() ? (*pg)->Exec("COMMIT") : copied.status();
  if (!done.ok()) {
    (void)(*pg)->Exec("ROLLBACK");
    return done;
  }
  (void)lite->Exec("COMMIT");
  RAPPORT_RETURN_IF_ERROR(AnalyzeStoreTables(**pg));
  return copied;
}

}  // namespace rapport::store
