// The command line as a user meets it: exit codes, one-line errors, summaries, idempotent ingest.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_store.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

std::string Message(int i, const std::string& extra = "") {
  return "Message-ID: <" + std::to_string(i) +
         "@mail.example>\n"
         "Date: Mon, 1 Jun 2026 09:" +
         std::to_string(10 + i % 50) +
         ":00 +0200\n"
         "From: Alice Liddell <alice@northwind.example>\n"
         "To: bob@fabrikam.example, carol@northwind.example\n" +
         extra + "Subject: message " + std::to_string(i) + "\n\nSECRET-BODY-" + std::to_string(i) +
         "\n";
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "store.db";
    auto r = testing::InitConsented(db_, "--tenant Northwind --domain northwind.example");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  json IngestJson(const std::string& args) {
    auto r = RunRapport("--db " + db_ + " ingest --json " + args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(CliTest, BadUsageExitsTwoWithOneLine) {
  for (const char* args : {"", "frobnicate", "ingest", "init --tenant X", "stats --bogus"}) {
    auto r = RunRapport(std::string("--db ") + db_ + " " + args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST_F(CliTest, VersionSaysWhichRapportThisIs) {
  auto r = RunRapport("--version");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "rapport 0.1.0\n");
}

TEST_F(CliTest, FailuresExitOneWithWhatAndHowToFix) {
  auto r = RunRapport("--db " + (dir_ / "fresh.db") + " stats");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("rapport init"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);

  r = RunRapport("--db " + db_ + " ingest " + (dir_ / "does-not-exist"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no such file or directory"), std::string::npos) << r.err;

  r = RunRapport("--db " + db_ + " init --tenant Again --domain x.example --admin a@x.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("already has a tenant"), std::string::npos) << r.err;

  r = RunRapport("--db " + (dir_ / "new.db") +
                 " init --tenant T --domain not-a-domain --admin a@t.example");
  EXPECT_EQ(r.exit_code, 1);

  WriteFile(dir_ / "junk.db", "this is not a database, just text that is long enough to matter");
  r = RunRapport("--db " + (dir_ / "junk.db") + " stats");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("rapport store"), std::string::npos) << r.err;
}

TEST_F(CliTest, DbFromEnvironment) {
  if (StoreInPostgres()) GTEST_SKIP() << "names its store file in RAPPORT_DB, not by --db";
  auto r = RunRapport("stats --json", "RAPPORT_DB=" + ShellQuote(db_));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["tenant"], "Northwind");
}

TEST_F(CliTest, IngestThenStatsCountsByHand) {
  // 3 messages in a Maildir, one of them again in an mbox under another Message-ID (as the Enron
  // release does), one Bcc copy, one without a Date, and an empty calendar.
  WriteFile(dir_ / "mail/cur/1:2,S", Message(1));
  WriteFile(dir_ / "mail/cur/2:2,S", Message(2, "Cc: dave@contoso.example\n"));
  WriteFile(dir_ / "mail/new/3", Message(3, "List-Id: <news.contoso.example>\n"));
  WriteFile(dir_ / "mail/tmp/4", Message(4));  // delivery in progress: skipped
  std::string copy = Message(2, "Cc: dave@contoso.example\nBcc: erin@northwind.example\n");
  copy.replace(copy.find("<2@"), 3, "<99@");
  WriteFile(dir_ / "mail/sent.mbox", "From alice Mon Jun  1 07:12:00 2026\n" + copy + "\n" +
                                         "From x Mon Jun  1 07:12:00 2026\nFrom: x@y.example\n\n");
  WriteFile(dir_ / "mail/cal.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");

  json s = IngestJson(dir_ / "mail");
  EXPECT_EQ(s["files"]["total"], 5);
  EXPECT_EQ(s["files"]["read"], 5);  // the calendar too: it holds no event
  EXPECT_EQ(s["messages"]["read"], 5);
  EXPECT_EQ(s["messages"]["stored"], 3);
  EXPECT_EQ(s["messages"]["duplicates"], 1);
  EXPECT_EQ(s["messages"]["rejected"], 1);
  EXPECT_EQ(s["messages"]["rejected_by_reason"]["missing or unparseable Date header"], 1);
  EXPECT_EQ(s["messages"]["automated"], 1);  // message 3 came through a list (List-Id)

  auto r = RunRapport("--db " + db_ + " stats --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json st = json::parse(r.out);
  EXPECT_EQ(st["messages"], 3);
  EXPECT_EQ(st["meetings"], 0);
  EXPECT_EQ(st["bulk_messages"], 1);
  EXPECT_EQ(st["message_copies"], 4);
  // alice, carol, erin (the Bcc known only from the sender's copy) vs bob, dave.
  EXPECT_EQ(st["people"]["internal"], 3);
  EXPECT_EQ(st["people"]["external"], 2);
  // 09:11 +0200 on 1 June 2026 is 07:11 UTC; the last is 09:13 +0200.
  EXPECT_EQ(st["first"], "2026-06-01T07:11:00Z");
  EXPECT_EQ(st["last"], "2026-06-01T07:13:00Z");

  // The tie index is current when ingest ends: Alice's mail to Bob (messages 1 and 2, the
  // second with 5 people once its Bcc is known) and to Dave (message 2), and the fact that she
  // sent Bob bulk mail (message 3) -- 4 rows, nothing left stale.
  EXPECT_EQ(CountRows(db_, "SELECT count(*) FROM tie_stale"), 0);
  EXPECT_EQ(CountRows(db_, "SELECT count(*) FROM tie"), 4);
  EXPECT_EQ(CountRows(db_, "SELECT count(*) FROM tie WHERE fact = 0 AND participants = 5"), 2);
  EXPECT_EQ(CountRows(db_, "SELECT count(*) FROM tie WHERE fact = 5"), 1);

  // Metadata only: no body and, by default, no subject reaches the store file.
  std::string bytes = ReadFile(db_) + ReadFile(db_ + "-wal");
  EXPECT_EQ(bytes.find("SECRET-BODY"), std::string::npos);
  EXPECT_EQ(bytes.find("message 2"), std::string::npos);
}

TEST_F(CliTest, MailFromRobotsAndListsIsCountedAsAutomated) {
  WriteFile(dir_ / "a/cur/1", Message(1));
  WriteFile(dir_ / "a/cur/2", Message(2, "Precedence: bulk\n"));
  std::string robot = Message(3);
  robot.replace(robot.find("Alice Liddell <alice@"), 21, "<noreply@");
  WriteFile(dir_ / "a/cur/3", robot);
  json s = IngestJson(dir_ / "a");
  EXPECT_EQ(s["messages"]["stored"], 3);
  EXPECT_EQ(s["messages"]["automated"], 2);  // the bulk one and the robot's
  auto r = RunRapport("--db " + db_ + " stats --json");
  EXPECT_EQ(json::parse(r.out)["bulk_messages"], 2);
}

TEST_F(CliTest, ReIngestStoresNothingTwice) {
  for (int i = 0; i < 20; ++i) WriteFile(dir_ / ("m/cur/" + std::to_string(i)), Message(i));
  json first = IngestJson(dir_ / "m");
  EXPECT_EQ(first["messages"]["stored"], 20);
  json again = IngestJson(dir_ / "m");
  EXPECT_EQ(again["messages"]["stored"], 0);
  EXPECT_EQ(again["files"]["unchanged"], 20);
  json rescan = IngestJson("--rescan " + (dir_ / "m"));
  EXPECT_EQ(rescan["messages"]["stored"], 0);
  EXPECT_EQ(rescan["messages"]["duplicates"], 20);
  // A client marking a message read renames it (":2,S" -> ":2,RS"): the same file, not re-read.
  std::filesystem::rename(dir_ / "m/cur/3", dir_ / "m/cur/3:2,RS");
  json renamed = IngestJson(dir_ / "m");
  EXPECT_EQ(renamed["files"]["unchanged"], 20);
  EXPECT_EQ(renamed["messages"]["read"], 0);
  // A changed file is read again; what it holds is already stored.
  WriteFile(dir_ / "m/cur/4", Message(4) + "\n");
  json changed = IngestJson(dir_ / "m");
  EXPECT_EQ(changed["messages"]["read"], 1);
  EXPECT_EQ(changed["messages"]["duplicates"], 1);
}

TEST_F(CliTest, HeaderSectionsLongerThanTheFirstRead) {
  // Single-message files are parsed from their first 64 KiB when the header section fits; these
  // do not fit, so the whole file is mapped.
  std::string huge = "X-Padding: " + std::string(200 * 1024, 'x') + "\n";
  WriteFile(dir_ / "big/cur/1", huge + Message(1));
  WriteFile(dir_ / "big/cur/2",
            huge + "From: a@b.example\nDate: 1 Jan 2026 00:00 +0000");  // no body
  WriteFile(dir_ / "big/cur/3", std::string(300 * 1024, 'y'));
  json s = IngestJson(dir_ / "big");
  EXPECT_EQ(s["messages"]["stored"], 2);
  EXPECT_EQ(s["files"]["skipped"]["not a mail, calendar, Graph or Outlook file"], 1);
}

TEST_F(CliTest, ForcedFormats) {
  WriteFile(dir_ / "one.txt", Message(1));
  EXPECT_EQ(IngestJson("--format eml " + (dir_ / "one.txt"))["messages"]["stored"], 1);
  WriteFile(dir_ / "box", "From a\n" + Message(2) + "\nFrom b\n" + Message(3));
  EXPECT_EQ(IngestJson("--format mbox " + (dir_ / "box"))["messages"]["stored"], 2);
  auto r = RunRapport("--db " + db_ + " ingest --format pst " + (dir_ / "box"));
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(CliTest, KeepSubjectsWhenTheTenantAsks) {
  std::string db = dir_ / "subjects.db";
  ASSERT_EQ(testing::InitConsented(db, "--tenant S --domain s.example --keep-subjects").exit_code,
            0);
  WriteFile(dir_ / "s/cur/1", Message(1));
  ASSERT_EQ(RunRapport("--db " + db + " ingest " + (dir_ / "s")).exit_code, 0);
  EXPECT_NE(DumpStore(db).find("|message 1|"), std::string::npos);
}

}  // namespace
}  // namespace rapport::testing
