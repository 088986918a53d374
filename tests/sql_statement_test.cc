// SqlStatement's contract on both databases (store/sql/connection.h).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "postgres_server.h"
#include "store/postgres/connection.h"
#include "store/sqlite/db.h"
#include "test_support.h"

namespace rapport::store {
namespace {

using testing::TempDir;

// A statement stepped past its last row stays done until it is reset: SQLite's own step would
// run it again from the start (which once made `rapport migrate` copy a table twice over).
void StaysDoneUntilReset(SqlConnection& db) {
  auto stmt = db.Prepare("SELECT 7 UNION ALL SELECT 8");
  ASSERT_TRUE(stmt.ok()) << stmt.status().message();
  Status st;
  ASSERT_TRUE(stmt->Step(st));
  EXPECT_EQ(stmt->ColumnInt(0), 7);
  ASSERT_TRUE(stmt->Step(st));
  EXPECT_EQ(stmt->ColumnInt(0), 8);
  EXPECT_FALSE(stmt->Step(st));
  EXPECT_FALSE(stmt->Step(st));
  EXPECT_FALSE(stmt->Step(st));
  EXPECT_TRUE(st.ok()) << st.message();
  stmt->Reset();
  ASSERT_TRUE(stmt->Step(st));
  EXPECT_EQ(stmt->ColumnInt(0), 7);
}

TEST(SqlStatement, SteppedPastTheEndStaysDoneUntilResetInSqlite) {
  TempDir dir;
  auto db = SqliteDb::Open(dir / "t.db", SqliteDb::Mode::kCreate);
  ASSERT_TRUE(db.ok()) << db.status().message();
  StaysDoneUntilReset(*db);
}

TEST(SqlStatement, SteppedPastTheEndStaysDoneUntilResetInPostgres) {
  RAPPORT_REQUIRE_POSTGRES();
  auto db = PostgresConnection::Connect(testing::SharedPostgres().NewDatabase());
  ASSERT_TRUE(db.ok()) << db.status().message();
  StaysDoneUntilReset(**db);
}

}  // namespace
}  // namespace rapport::store
