// Deadlines: a store connection given a deadline refuses new statements after it and interrupts
// one still running then, leaving the database as it was; without one, nothing is cut short.
#include <gtest/gtest.h>

#include "store/sqlite/db.h"
#include "test_support.h"

namespace rapport::store {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr const char* kForever =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

TEST(Deadline, AStatementRunningPastItIsInterrupted) {
  auto db = SqliteDb::Open(":memory:");
  ASSERT_TRUE(db.ok());
  db->SetDeadline(steady_clock::now() + milliseconds(50));
  auto stmt = db->Prepare(kForever);
  ASSERT_TRUE(stmt.ok());
  const auto start = steady_clock::now();
  Status st;
  EXPECT_FALSE(stmt->Step(st));
  EXPECT_EQ(st.code(), Status::Code::kDeadlineExceeded) << st.message();
  EXPECT_NE(st.message().find("--request-timeout"), std::string::npos);
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(5));  // not a timing test: a bound
}

TEST(Deadline, NothingStartsAfterItAndAWriteInterruptedLeavesNoTrace) {
  auto db = SqliteDb::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db->Exec("CREATE TABLE t (x)").ok());
  db->SetDeadline(steady_clock::now() + milliseconds(50));
  // An INSERT that would never end on its own: interrupted, and none of its rows stay.
  Status st = db->Exec(
      "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
      "SELECT x FROM c");
  EXPECT_EQ(st.code(), Status::Code::kDeadlineExceeded) << st.message();
  EXPECT_EQ(db->Prepare("SELECT 1").status().code(), Status::Code::kDeadlineExceeded);
  db->SetDeadline(std::nullopt);
  auto rows = db->QueryInt("SELECT count(*) FROM t", -1);
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  EXPECT_EQ(*rows, 0);
}

}  // namespace
}  // namespace rapport::store
