// `rapport backup` and `rapport restore` (issue 22) as an operator runs them: a restored store is
// the store, a backup taken while the server answers (and audits) and an ingest writes is one
// consistent state whose ledgers verify, and a backup never overwrites anything nor restores a
// store whose chains do not hold.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "mail_fixtures.h"
#include "served_tenant.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

int64_t Messages(const std::string& db) {
  auto stats = RunRapport("--db " + db + " stats --json");
  EXPECT_EQ(stats.exit_code, 0) << stats.err;
  return json::parse(stats.out, nullptr, false).value("messages", int64_t{-1});
}

TEST(Backup, ARestoredStoreIsTheStoreWithItsLedgersVerified) {
  TempDir dir;
  const std::string db = dir / "store.db";
  ASSERT_EQ(IngestOneExchange(dir, db).exit_code, 0);
  const std::string ask =
      " who-knows carol@fabrikam.example --as alice@northwind.example "
      "--as-of 2026-03-10 --json";
  auto before = RunRapport("--db " + db + ask);  // audited: the audit ledger grows
  ASSERT_EQ(before.exit_code, 0) << before.err;

  auto backup = RunRapport("--db " + db + " backup --to " + ShellQuote(dir / "b.db"));
  ASSERT_EQ(backup.exit_code, 0) << backup.err;
  EXPECT_NE(backup.out.find("b.db.keys"), std::string::npos) << backup.out;
  auto restore = RunRapport("--db " + ShellQuote(dir / "r.db") + " restore --from " +
                            ShellQuote(dir / "b.db"));
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_NE(restore.out.find("consent ledger: 3 entries, hash chain intact"), std::string::npos)
      << restore.out;  // the three grants
  EXPECT_NE(restore.out.find("audit ledger: 1 entries, hash chain intact"), std::string::npos)
      << restore.out;

  EXPECT_EQ(DumpStore(dir / "r.db"), DumpStore(db));
  EXPECT_EQ(ReadFile(dir / "r.db.keys"), ReadFile(db + ".keys"));
  auto after = RunRapport("--db " + ShellQuote(dir / "r.db") + ask);
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(json::parse(after.out)["colleagues"], json::parse(before.out)["colleagues"]);
  EXPECT_EQ(RunRapport("--db " + ShellQuote(dir / "r.db") + " audit verify").exit_code, 0);
}

TEST(Backup, TakenUnderLoadIsOneConsistentStateThatVerifies) {
  ServedTenant served("all");
  const std::string db = served.tenant().path();
  const int64_t first = Messages(db);
  TempDir dir;
  // Load: the server answering (every answer appends to the audit ledger), and an ingest of 6,000
  // more messages, in commits of 50.
  std::string mbox;
  for (int i = 0; i < 6000; ++i) {
    char date[64];
    std::snprintf(date, sizeof date, "Mon, 2 Mar 2026 %02d:%02d:%02d +0000", 10 + i / 3600,
                  i / 60 % 60, i % 60);
    mbox += "From x@y Mon Jan  1 00:00:00 2024\n" +
            Mail("load" + std::to_string(i) + "@fabrikam.example", date, kContact,
                 "alice@northwind.example") +
            "\n";
  }
  WriteFile(dir / "load.mbox", mbox);
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::thread asking([&] {
    while (!stop.load()) {
      auto r = served.Get("/v1/who-knows?target=" + kContact + "&as_of=" + kAsOf, "owner");
      if (r && r->status == 200) ++answered;
    }
  });
  int64_t stored = 0;
  std::atomic<bool> ingested{false};
  std::thread ingesting([&] {
    auto r = RunRapport("--db " + db + " ingest --json --batch 50 --no-train " +
                        ShellQuote(dir / "load.mbox"));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    stored = json::parse(r.out, nullptr, false)["messages"].value("stored", int64_t{0});
    ingested = true;
  });
  // Backups from the ingest's first commit on, until it is done.
  for (int i = 0; i < 500 && Messages(db) == first && !ingested.load(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::vector<std::string> backups;
  while (!ingested.load() && backups.size() < 20) {
    const std::string to = dir / ("b" + std::to_string(backups.size()) + ".db");
    auto r = RunRapport("--db " + db + " backup --to " + ShellQuote(to));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    backups.push_back(to);
  }
  ingesting.join();
  // One more while the server still answers (and audits): once the ingest is done, a restore of
  // it shows the same stats as the store, and both ledgers verify.
  const std::string settled = dir / "settled.db";
  ASSERT_EQ(RunRapport("--db " + db + " backup --to " + ShellQuote(settled)).exit_code, 0);
  stop = true;
  asking.join();
  auto restored_settled =
      RunRapport("--db " + ShellQuote(settled + ".r") + " restore --from " + ShellQuote(settled));
  ASSERT_EQ(restored_settled.exit_code, 0) << restored_settled.err;
  EXPECT_NE(restored_settled.out.find("audit ledger: "), std::string::npos);
  EXPECT_NE(restored_settled.out.find("hash chain intact"), std::string::npos);
  EXPECT_EQ(RunRapport("--db " + ShellQuote(settled + ".r") + " stats --json").out,
            RunRapport("--db " + db + " stats --json").out);
  EXPECT_GT(answered.load(), 0);
  const int64_t last = Messages(db);
  EXPECT_GT(stored, 5900);
  EXPECT_EQ(last, first + stored);
  int64_t previous = first;
  int midway = 0;  // backups holding part of the ingest
  for (const auto& backup : backups) {
    const std::string restored = backup + ".restored.db";
    auto r = RunRapport("--db " + ShellQuote(restored) + " restore --from " + ShellQuote(backup));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("audit ledger"), std::string::npos);
    EXPECT_EQ(IntegrityCheck(restored), "ok");
    // A state the store was in, in order: no later backup holds less.
    const int64_t messages = Messages(restored);
    EXPECT_GE(messages, previous) << backup;
    EXPECT_LE(messages, last) << backup;
    midway += messages > first && messages < last;
    previous = messages;
  }
  EXPECT_GT(midway, 0) << "no backup was taken while the ingest wrote";
}

TEST(Backup, NeverOverwritesAndRefusesABackupWhoseLedgerWasChanged) {
  TempDir dir;
  const std::string db = dir / "store.db";
  ASSERT_EQ(InitConsented(db, "--tenant N --domain northwind.example").exit_code, 0);
  ASSERT_EQ(RunRapport("--db " + db + " backup --to " + ShellQuote(dir / "b.db")).exit_code, 0);
  auto again = RunRapport("--db " + db + " backup --to " + ShellQuote(dir / "b.db"));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  auto onto = RunRapport("--db " + db + " restore --from " + ShellQuote(dir / "b.db"));
  EXPECT_EQ(onto.exit_code, 1);
  EXPECT_NE(onto.err.find("restore never overwrites"), std::string::npos) << onto.err;
  auto missing = RunRapport("--db " + ShellQuote(dir / "x.db") + " restore --from " +
                            ShellQuote(dir / "nothing.db"));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no backup at"), std::string::npos) << missing.err;

  // Someone rewrote a consent decision in the backup: its chain no longer holds.
  const std::string tampered = dir / "t.db";
  ASSERT_EQ(std::system(("cp " + ShellQuote(dir / "b.db") + " " + ShellQuote(tampered) + " && cp " +
                         ShellQuote(dir / "b.db.keys") + " " + ShellQuote(tampered + ".keys"))
                            .c_str()),
            0);
  ASSERT_EQ(std::system(("sqlite3 " + ShellQuote(tampered) +
                         " \"UPDATE ledger_entry SET entry = replace(entry, 'admin@', 'eve@') "
                         "WHERE ledger = 'consent' AND seq = 2\"")
                            .c_str()),
            0);
  auto refused =
      RunRapport("--db " + ShellQuote(dir / "r.db") + " restore --from " + ShellQuote(tampered));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("does not verify"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("nothing was restored"), std::string::npos) << refused.err;
  EXPECT_FALSE(std::ifstream(dir / "r.db").good());
  EXPECT_FALSE(std::ifstream(dir / "r.db.keys").good());
}

}  // namespace
}  // namespace rapport::testing
