// The same answers from either database (issue 21): one sample organisation (directory, CRM
// accounts, mail, meetings, a Graph export) stored in a SQLite file and in PostgreSQL by the
// same commands, then every read command a user runs, compared output for output.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "postgres_server.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport {
namespace {

using testing::RunRapport;
using testing::TempDir;

const std::string kAdmin = "admin@rapport-tests.example";

// Where two outputs part: the first line that differs, from each.
std::string FirstDifference(const std::string& a, const std::string& b) {
  std::istringstream x(a), y(b);
  std::string l, r;
  for (int line = 1;; ++line) {
    const bool more_l = static_cast<bool>(std::getline(x, l));
    const bool more_r = static_cast<bool>(std::getline(y, r));
    if (!more_l && !more_r) return "the same";
    if (l != r || more_l != more_r) {
      return "line " + std::to_string(line) + "\n  sqlite:   " + l + "\n  postgres: " + r;
    }
  }
}

// Asks both stores every question; each must answer alike, and answer something.
void Compare(const std::string& sqlite, const std::string& postgres,
             const std::vector<std::string>& questions) {
  for (const auto& q : questions) {
    auto a = RunRapport(sqlite + " " + q);
    auto b = RunRapport(postgres + " " + q);
    EXPECT_EQ(a.exit_code, b.exit_code) << q;
    EXPECT_TRUE(a.out == b.out) << q << ": " << FirstDifference(a.out, b.out);
    EXPECT_TRUE(a.err == b.err) << q << ": " << FirstDifference(a.err, b.err);
    EXPECT_FALSE(a.out.empty() && a.err.empty()) << q << " says nothing";
  }
}

// Runs each of `commands` on the store at `flags`; each must succeed.
void RunAll(const std::string& flags, const std::vector<std::string>& commands) {
  for (const auto& c : commands) {
    auto r = RunRapport(flags + " " + c);
    ASSERT_EQ(r.exit_code, 0) << c << ": " << r.err;
  }
}

// A SQLite store and a PostgreSQL one, to fill alike and compare.
struct TwoStores {
  TempDir dir;
  const std::string sqlite = "--db " + (dir / "s.db");
  const std::string postgres =
      "--db " + testing::SharedPostgres().NewDatabase() + " --keys " + (dir / "pg.keys");
};

std::string EnronMbox(const std::string& corpus) {
  return corpus + "/jpvance123_Amdocs_ML_Email_Analytics/MailDir_to_MBOX/enron/";
}

// Makes the store at `flags` and fills it from the sample organisation at `org`.
void Fill(const std::string& flags, const std::string& org) {
  std::vector<std::string> commands = {
      "init --tenant Northwind --domain northwind.example --admin " + kAdmin};
  for (const char* type : {"personal", "aggregated", "identifiable"}) {
    commands.push_back(std::string("consent grant ") + type + " --by " + kAdmin);
  }
  for (const std::string& c : {"directory import " + org + "/directory/users.json",
                               "directory import " + org + "/directory/groups.json",
                               "accounts import " + org + "/directory/accounts.csv",
                               "ingest --no-train " + org, std::string("train")}) {
    commands.push_back(c);
  }
  RunAll(flags, commands);
}

TEST(BackendParity, EveryReadCommandAnswersTheSameFromSqliteAndPostgres) {
  RAPPORT_REQUIRE_POSTGRES();
  TempDir dir;
  const std::string org = dir / "org";
  ASSERT_EQ(RunRapport("sample --out " + org + " --messages 3000 --users 40 --seed 7").exit_code,
            0);
  const std::string sqlite = "--db " + (dir / "s.db");
  const std::string postgres =
      "--db " + testing::SharedPostgres().NewDatabase() + " --keys " + (dir / "pg.keys");
  Fill(sqlite, org);
  Fill(postgres, org);
  if (HasFatalFailure()) return;

  const std::string as = " --as " + kAdmin;
  const std::string user = " --as aaron.costa@northwind.example";
  const std::vector<std::string> questions = {
      "stats",
      "stats --json",
      "people show aaron.costa@northwind.example",
      "people show grace.wojcik@coho.example",
      "accounts list",
      "directory list",
      "who-knows Coho" + as,
      "who-knows Coho --json" + as,
      "who-knows grace.wojcik@coho.example" + as,  // with the trained ranker's chances
      "who-knows julia.weber@coho.example --json" + as,
      "who-knows @blueyonder-media.example --json" + as,
      "relationship Coho" + as,
      "relationship Coho --json" + as,
      "relationship grace.wojcik@coho.example --json" + as,
      "me" + user,
      "me --json" + user,
      "eval wkw --split 2026-04-01 --json",
      "budget",
      "audit verify",
      "optout list",
      "settings show",
  };
  Compare(sqlite, postgres, questions);
}

// Real mail: Enron's, where people have many addresses (X.500 and SMTP) and mail is old.
TEST(BackendParity, EnronMailAnswersTheSameFromSqliteAndPostgres) {
  RAPPORT_REQUIRE_POSTGRES();
  RAPPORT_REQUIRE_CORPUS(corpus);
  TwoStores stores;
  const std::string enron = EnronMbox(corpus);
  for (const std::string& flags : {stores.sqlite, stores.postgres}) {
    ASSERT_NO_FATAL_FAILURE(RunAll(
        flags,
        {"init --tenant Enron --domain enron.com --admin " + kAdmin,
         "consent grant personal --by " + kAdmin, "consent grant identifiable --by " + kAdmin,
         "ingest " + enron + "enron.allen-p.* " + enron + "enron.lay-k.* " + enron +
             "enron.scholtes-d.ferc"}));
  }
  const std::string as = " --as " + kAdmin + " --as-of 2001-06-01";
  Compare(stores.sqlite, stores.postgres,
          {"stats --json", "people show phillip.allen@enron.com", "accounts list",
           "who-knows @caiso.com" + as, "who-knows kalmeida@caiso.com --json" + as,
           "relationship @caiso.com --json" + as,
           "me --as phillip.allen@enron.com --as-of 2001-06-01 --json",
           "eval wkw --split 2001-06-01 --horizon 180 --json"});
}

// PostgreSQL's ingest stages rows and sends them by COPY (sql/staged_rows.h), looking a batch of
// messages up at once. Commits every 700 messages (each a flush, the look-ups forgotten), mail
// read a second time (every message a duplicate: copies, Bcc, aliases) and a second mailbox
// added to a stored one must leave the store as SQLite's row-by-row writer does.
TEST(BackendParity, StagedIngestInSmallCommitsAndAgainAnswersTheSame) {
  RAPPORT_REQUIRE_POSTGRES();
  RAPPORT_REQUIRE_CORPUS(corpus);
  TwoStores stores;
  const std::string enron = EnronMbox(corpus);
  for (const std::string& flags : {stores.sqlite, stores.postgres}) {
    const std::string batch = flags == stores.postgres ? " --batch 700" : "";
    ASSERT_NO_FATAL_FAILURE(
        RunAll(flags, {"init --tenant Enron --domain enron.com --admin " + kAdmin,
                       "consent grant identifiable --by " + kAdmin,
                       "ingest" + batch + " " + enron + "enron.allen-p.*",
                       "ingest --rescan" + batch + " " + enron + "enron.allen-p.* " + enron +
                           "enron.corman-s.*"}));
  }
  // Files read before are skipped alike (PostgreSQL looks them all up at once), and the new
  // ones are read: the summaries' first lines (files, messages) agree.
  auto first_lines = [](const std::string& out) {
    size_t second = out.find('\n', out.find('\n') + 1);
    return out.substr(0, second);
  };
  const std::string again = "ingest " + enron + "enron.allen-p.* " + enron + "enron.stokley-c.*";
  auto a = RunRapport(stores.sqlite + " " + again);
  auto b = RunRapport(stores.postgres + " " + again);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_NE(a.out.find("unchanged since last ingest: 10)"), std::string::npos) << a.out;
  EXPECT_EQ(first_lines(b.out), first_lines(a.out));
  const std::string as = " --as " + kAdmin + " --as-of 2001-06-01";
  Compare(stores.sqlite, stores.postgres,
          {"stats --json", "people show phillip.allen@enron.com", "accounts list",
           "who-knows @caiso.com" + as, "who-knows @nymex.com --json" + as,
           "relationship @caiso.com --json" + as,
           "me --as phillip.allen@enron.com --as-of 2001-06-01 --json"});
}

// rapport migrate: a SQLite store copied into PostgreSQL answers every question as its source
// does, ledgers and ids included, under the source's key file; a second copy is refused.
TEST(BackendParity, AMigratedStoreAnswersAsItsSource) {
  RAPPORT_REQUIRE_POSTGRES();
  TempDir dir;
  const std::string org = dir / "org";
  ASSERT_EQ(RunRapport("sample --out " + org + " --messages 1500 --users 30 --seed 3").exit_code,
            0);
  const std::string file = dir / "s.db";
  Fill("--db " + file, org);
  if (HasFatalFailure()) return;
  const std::string as = " --as " + kAdmin;
  ASSERT_EQ(RunRapport("--db " + file + " who-knows Coho" + as).exit_code, 0);  // an audit entry
  const std::string url = testing::SharedPostgres().NewDatabase();
  auto moved = RunRapport("migrate --from " + file + " --to " + url);
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_NE(moved.out.find("consent ledger: 3 entries, hash chain intact"), std::string::npos)
      << moved.out;
  EXPECT_NE(moved.out.find("audit ledger: "), std::string::npos) << moved.out;
  Compare("--db " + file, "--db " + url + " --keys " + file + ".keys",
          {"stats --json", "people show aaron.costa@northwind.example", "accounts list",
           "who-knows Coho --json" + as, "relationship Coho --json" + as,
           "me --json --as aaron.costa@northwind.example", "audit verify", "consent verify"});
  auto again = RunRapport("migrate --from " + file + " --to " + url);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("holds a rapport store already"), std::string::npos) << again.err;
}

// The tests' IntegrityCheck of a store in PostgreSQL (test_store.h), which declares no foreign
// keys, finds a row whose parent is gone.
TEST(BackendParity, TheTestsIntegrityCheckFindsAnOrphanInPostgres) {
  RAPPORT_REQUIRE_POSTGRES();
  TempDir dir;
  const std::string file = dir / "s.db";
  const std::string flags =
      "--db " + testing::DatabaseFor(file) + " --keys " + testing::ShellQuote(file + ".keys");
  RunAll(flags, {"init --tenant N --domain northwind.example --admin " + kAdmin,
                 "consent grant identifiable --by " + kAdmin});
  testing::WriteFile(dir / "mail/cur/1",
                     "Message-ID: <a@x>\r\nDate: Mon, 9 Mar 2026 09:00:00 +0000\r\nFrom: "
                     "alice@northwind.example\r\nTo: carol@fabrikam.example\r\n\r\nbody\r\n");
  ASSERT_EQ(RunRapport(flags + " ingest " + (dir / "mail")).exit_code, 0);
  EXPECT_EQ(testing::IntegrityInPostgres(file), "ok");
  testing::StoreRows rows;
  std::string error;
  ASSERT_TRUE(testing::RowsInPostgres(file, "DELETE FROM message RETURNING id", rows, error))
      << error;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(testing::IntegrityInPostgres(file), "foreign key violation in participant");
}

}  // namespace
}  // namespace rapport
