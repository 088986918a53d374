// The tie-index triggers mark the same people in PostgreSQL as in SQLite (issue 21): one script
// of writes (tests/data/tie_triggers.sql, every trigger fired at least once) runs on a fresh
// store of each, and every SELECT in it must give the same rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "postgres_server.h"
#include "rapport/store/store.h"
#include "store/postgres/connection.h"
#include "store/sqlite/db.h"
#include "test_support.h"

namespace rapport::store {
namespace {

using testing::TempDir;

// PostgreSQL's participant rows carry their message's sent_at (postgres/partitions.h), which the
// script's inserts leave out: `INSERT INTO participant (message, role, address) SOURCE [ON
// CONFLICT ...]` takes it from message_key.
std::string WithMessageMonth(const std::string& sql) {
  const std::string insert = "INSERT INTO participant (message, role, address) ";
  if (sql.rfind(insert, 0) != 0) return sql;
  const size_t conflict = sql.find(" ON CONFLICT");
  const std::string source = sql.substr(insert.size(), conflict - insert.size());
  return "INSERT INTO participant (message, role, address, sent_at) SELECT x.message, x.role, "
         "x.address, (SELECT k.sent_at FROM message_key k WHERE k.id = x.message) FROM (" +
         source + ") AS x(message, role, address)" +
         (conflict == std::string::npos ? "" : sql.substr(conflict));
}

// Runs the script's statements in order; what its SELECTs return, a row a line.
std::string RunScript(SqlConnection& db) {
  std::ifstream in(std::string(RAPPORT_SOURCE_DIR) + "/tests/data/tie_triggers.sql");
  std::string out, statement, line;
  while (std::getline(in, line)) {
    if (line.rfind("--", 0) == 0 || line.empty()) continue;
    statement += line + "\n";
    if (line.back() != ';') continue;
    std::string sql = statement.substr(0, statement.size() - 2);
    // PostgreSQL's keys lead with the tenant (postgres/tenant_rows.h), as its ON CONFLICT must.
    const std::string target = "ON CONFLICT (";
    if (size_t at = sql.find(target);
        at != std::string::npos && db.Dialect() == SqlDialect::kPostgres) {
      sql.insert(at + target.size(), "tenant_id, ");
    }
    if (db.Dialect() == SqlDialect::kPostgres) sql = WithMessageMonth(sql);
    auto stmt = db.Prepare(sql);
    if (!stmt.ok()) return "cannot prepare " + statement + ": " + stmt.status().message();
    Status st;
    while (stmt->Step(st)) {
      out += stmt->ColumnText(0);
      out += "|" + stmt->ColumnText(1) + "\n";
    }
    if (!st.ok()) return "failed " + statement + ": " + st.message();
    statement.clear();
  }
  return out;
}

TEST(TieTriggers, MarkTheSamePeopleInPostgresAsInSqlite) {
  RAPPORT_REQUIRE_POSTGRES();
  TempDir dir;
  ASSERT_TRUE(CreateSqliteStore(dir / "s.db").ok());
  auto sqlite = SqliteDb::Open(dir / "s.db", SqliteDb::Mode::kReadWrite);
  ASSERT_TRUE(sqlite.ok());
  const std::string url = testing::SharedPostgres().NewDatabase();
  ASSERT_TRUE(CreatePostgresStore(url, dir / "pg.keys").ok());
  auto postgres = PostgresConnection::Connect(url);
  ASSERT_TRUE(postgres.ok()) << postgres.status().message();

  const std::string expected = RunScript(*sqlite);
  EXPECT_NE(expected.find("setup|0"), std::string::npos) << expected;
  EXPECT_GT(std::count(expected.begin(), expected.end(), '\n'), 100);
  // The script's tenant is 1; rapport init would choose it and start its watermark.
  ASSERT_TRUE((*postgres)
                  ->Exec("SELECT set_config('rapport.tenant_id', '1', false); "
                         "INSERT INTO tie_watermark (message) VALUES (0); "
                         "SELECT rapport_month_partition(1, 0)")  // the script's one month
                  .ok());
  EXPECT_EQ(RunScript(**postgres), expected);
}

}  // namespace
}  // namespace rapport::store
