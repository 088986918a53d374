// `rapport compact` as an operator runs it after a purge: the free pages go back to the disk, and
// every row, answer and ledger is what it was; a writer or a PostgreSQL store gets one line
// saying why not, and nothing changes.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "mail_fixtures.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

int64_t FileBytes(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0 ? static_cast<int64_t>(info.st_size) : -1;
}

// A consented store holding one recent exchange (alice and carol, March 2026) and 3,000 messages
// of 2001 that a ten-year retention then purges, leaving their pages free.
void StoreWithPurgedMail(const TempDir& dir, const std::string& db) {
  std::string mbox;
  for (int i = 0; i < 3000; ++i) {
    char date[64];
    std::snprintf(date, sizeof date, "Mon, 5 Mar 2001 %02d:%02d:%02d +0000", i / 3600, i / 60 % 60,
                  i % 60);
    mbox += "From x@y Mon Jan  1 00:00:00 2001\n" +
            Mail("old" + std::to_string(i) + "@fabrikam.example", date,
                 "dave" + std::to_string(i % 40) + "@fabrikam.example",
                 "alice@northwind.example, bob" + std::to_string(i % 30) + "@northwind.example") +
            "\n";
  }
  WriteFile(dir / "old/2001.mbox", mbox);
  ASSERT_EQ(IngestOneExchange(dir, db).exit_code, 0);
  auto old = RunRapport("--db " + db + " ingest " + ShellQuote(dir / "old"));
  ASSERT_EQ(old.exit_code, 0) << old.err;
  auto keep = RunRapport("--db " + db +
                         " settings set retention_days 3650 --by admin@rapport-tests.example");
  ASSERT_EQ(keep.exit_code, 0) << keep.err;
  auto purge = RunRapport("--db " + db + " purge --expired");
  ASSERT_EQ(purge.exit_code, 0) << purge.err;
}

TEST(Compact, GivesFreePagesBackAndKeepsEveryRowAnswerAndLedger) {
  TempDir dir;
  const std::string db = dir / "store.db";
  StoreWithPurgedMail(dir, db);
  const std::string ask =
      " who-knows carol@fabrikam.example --as alice@northwind.example --as-of 2026-03-10 --json";
  auto asked = RunRapport("--db " + db + ask);
  ASSERT_EQ(asked.exit_code, 0) << asked.err;
  if (StoreInPostgres()) {
    auto compact = RunRapport("--db " + db + " compact");
    EXPECT_EQ(compact.exit_code, 1);
    EXPECT_NE(compact.err.find("autovacuum"), std::string::npos) << compact.err;
    EXPECT_EQ(std::count(compact.err.begin(), compact.err.end(), '\n'), 1) << compact.err;
    return;
  }
  // What the purge left: compacted below, so first check there was something to give back.
  ASSERT_EQ(RunRapport("--db " + db + " stats").exit_code, 0);  // checkpoints the WAL on close
  const int64_t free_before = CountRows(db, "SELECT freelist_count FROM pragma_freelist_count");
  const int64_t bytes_before = FileBytes(db);
  ASSERT_GT(free_before, 20) << "the purge left no free pages to give back";
  const std::string rows = DumpStore(db);

  auto compact = RunRapport("--db " + db + " compact");
  ASSERT_EQ(compact.exit_code, 0) << compact.err;
  EXPECT_EQ(CountRows(db, "SELECT freelist_count FROM pragma_freelist_count"), 0);
  const int64_t page = CountRows(db, "SELECT page_size FROM pragma_page_size");
  // The sizes it reports, derived here from the file: its bytes before (the WAL was empty), its
  // free pages, its bytes after, in tenths of 10^6 bytes.
  char sizes[128];
  std::snprintf(sizes, sizeof sizes, "%.1f MB, %.1f MB of it free pages, now %.1f MB, in ",
                static_cast<double>(bytes_before) / 1e6,
                static_cast<double>(free_before * page) / 1e6,
                static_cast<double>(FileBytes(db)) / 1e6);
  EXPECT_EQ(compact.out.rfind("compacted " + db + ": " + sizes, 0), 0u) << compact.out;
  EXPECT_LE(FileBytes(db), bytes_before - (free_before - 1) * page);
  EXPECT_EQ(FileBytes(db + "-wal"), 0) << "the WAL was not emptied";
  EXPECT_EQ(IntegrityCheck(db), "ok");
  EXPECT_EQ(DumpStore(db), rows);

  auto again = RunRapport("--db " + db + ask);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json::parse(again.out)["colleagues"], json::parse(asked.out)["colleagues"]);
  EXPECT_EQ(RunRapport("--db " + db + " audit verify").exit_code, 0);
  EXPECT_EQ(RunRapport("--db " + db + " consent verify").exit_code, 0);
}

TEST(Compact, WaitsForNoWriterAndChangesNothingWhenOneHoldsOn) {
  if (StoreInPostgres()) GTEST_SKIP() << "compact refuses PostgreSQL stores (test above)";
  TempDir dir;
  const std::string db = dir / "store.db";
  StoreWithPurgedMail(dir, db);
  ASSERT_EQ(RunRapport("--db " + db + " stats").exit_code, 0);
  const std::string rows = DumpStore(db);
  const int64_t free_before = CountRows(db, "SELECT freelist_count FROM pragma_freelist_count");

  // Another process's write transaction, open for longer than compact waits (10 s).
  sqlite3* writer = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &writer), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(writer, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto refused = RunRapport("--db " + db + " compact");
  sqlite3_exec(writer, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(writer);

  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("another process is writing"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("nothing was changed"), std::string::npos) << refused.err;
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  EXPECT_EQ(DumpStore(db), rows);
  EXPECT_EQ(CountRows(db, "SELECT freelist_count FROM pragma_freelist_count"), free_before);
  EXPECT_EQ(IntegrityCheck(db), "ok");
}

}  // namespace
}  // namespace rapport::testing
