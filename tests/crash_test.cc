// kill -9 at any point of an ingest leaves a consistent store, and re-running gives exactly the
// store one uninterrupted run gives (SPEC §6).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "test_support.h"

namespace rapport::testing {
namespace {

// 1,800 message copies (1,200 distinct) and 600 meeting occurrences (300 distinct) over 3 mbox
// files and a Maildir, with cross-file copies under other Message-IDs and a Bcc seen only in some
// copies, so that de-duplication runs across batch boundaries.
void WriteMail(const TempDir& dir) {
  auto message = [](int i, int copy) {
    std::string bcc = copy == 1 ? "Bcc: boss" + std::to_string(i % 7) + "@northwind.example\n" : "";
    return "Message-ID: <" + std::to_string(i) + "." + std::to_string(copy) + "@x.example>\n" +
           "Date: Tue, 2 Jun 2026 " + std::to_string(10 + i % 12) + ":" +
           std::to_string(10 + i % 49) + ":00 -0500\n" + "From: user" + std::to_string(i % 40) +
           "@northwind.example\n" + "To: contact" + std::to_string(i % 300) + "@acct" +
           std::to_string(i % 30) + ".example\n" + bcc + "References: <" + std::to_string(i / 2) +
           ".0@x.example>\n" + "Subject: s" + std::to_string(i) + "\n\nbody\n";
  };
  for (int f = 0; f < 3; ++f) {
    std::string mbox;
    for (int i = f * 400; i < (f + 1) * 400; ++i)
      mbox += "From x Tue Jun  2 10:00:00 2026\n" + message(i, 0) + "\n";
    WriteFile(dir / ("mail/box" + std::to_string(f) + ".mbox"), mbox);
  }
  // Meetings too: a daily series (300 occurrences) in two calendars, where the second copy adds
  // an attendee's answer, so that merging also runs across batch boundaries.
  for (const char* who : {"a", "b"}) {
    std::string partstat = std::string(who) == "a" ? "NEEDS-ACTION" : "ACCEPTED";
    WriteFile(dir / ("mail/cal/" + std::string(who) + ".ics"),
              "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\n"
              "UID:daily@northwind.example\r\nDTSTART:20260101T150000Z\r\n"
              "DTEND:20260101T153000Z\r\nRRULE:FREQ=DAILY;COUNT=300\r\n"
              "ORGANIZER:mailto:user1@northwind.example\r\n"
              "ATTENDEE;PARTSTAT=" +
                  partstat +
                  ":mailto:contact7@acct7.example\r\n"
                  "END:VEVENT\r\nEND:VCALENDAR\r\n");
  }
  for (int i = 900; i < 1500; ++i) {  // copies of mbox messages 900..1199 and 600..899
    WriteFile(dir / ("mail/maildir/cur/" + std::to_string(i)), message(i < 1200 ? i : i - 600, 1));
  }
}

class CrashTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    mail_ = new TempDir();
    WriteMail(*mail_);
    reference_ = new std::string(Ingest(*mail_ / "reference.db", ""));
  }
  static void TearDownTestSuite() {
    delete reference_;
    delete mail_;
  }
  static std::string Ingest(const std::string& db, const std::string& env) {
    testing::InitConsented(db, "--tenant N --domain northwind.example");
    auto r = RunRapport("--db " + db + " ingest --batch 100 " + (*mail_ / "mail"), env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return DumpStore(db);
  }
  static TempDir* mail_;
  static std::string* reference_;
};
TempDir* CrashTest::mail_ = nullptr;
std::string* CrashTest::reference_ = nullptr;

TEST_F(CrashTest, ReferenceRunStoredTheMail) {
  auto r = RunRapport("--db " + (*mail_ / "reference.db") + " stats --json");
  EXPECT_NE(r.out.find("\"messages\": 1200"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"meetings\": 300"), std::string::npos) << r.out;
}

TEST_F(CrashTest, KilledAtExactPointsThenResumedEqualsOneRun) {
  // Before the first commit, mid-batch, on a batch boundary, inside the calendars (files sort
  // box*.mbox, cal/, maildir/), inside the Maildir part, near the end.
  for (int kill_after : {1, 150, 200, 1350, 1601, 2001, 2399}) {
    TempDir run;
    std::string db = run / "store.db";
    testing::InitConsented(db, "--tenant N --domain northwind.example");
    auto killed = RunRapport("--db " + db + " ingest --batch 100 " + (*mail_ / "mail"),
                             "RAPPORT_TEST_KILL_AFTER_MESSAGES=" + std::to_string(kill_after));
    EXPECT_EQ(killed.signal, SIGKILL) << "kill point " << kill_after << ": " << killed.err;
    EXPECT_EQ(IntegrityCheck(db), "ok");
    auto resumed = RunRapport("--db " + db + " ingest --batch 100 " + (*mail_ / "mail"));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_EQ(DumpStore(db), *reference_) << "kill point " << kill_after;
  }
}

TEST_F(CrashTest, KilledTwiceThenResumed) {
  TempDir run;
  std::string db = run / "store.db";
  testing::InitConsented(db, "--tenant N --domain northwind.example");
  std::string ingest = "--db " + db + " ingest --batch 100 " + (*mail_ / "mail");
  EXPECT_EQ(RunRapport(ingest, "RAPPORT_TEST_KILL_AFTER_MESSAGES=450").signal, SIGKILL);
  EXPECT_EQ(RunRapport(ingest, "RAPPORT_TEST_KILL_AFTER_MESSAGES=333").signal, SIGKILL);
  ASSERT_EQ(RunRapport(ingest).exit_code, 0);
  EXPECT_EQ(DumpStore(db), *reference_);
}

TEST_F(CrashTest, RealSigkillFromOutside) {
  // A kill -9 from another process at whatever point the ingest has reached.
  for (int delay_ms : {5, 40, 120}) {
    TempDir run;
    std::string db = run / "store.db";
    testing::InitConsented(db, "--tenant N --domain northwind.example");
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::string mail = *mail_ / "mail";
      int null_fd = ::open("/dev/null", O_WRONLY);
      ::dup2(null_fd, STDOUT_FILENO);
      ::dup2(null_fd, STDERR_FILENO);
      execl(RAPPORT_BINARY, "rapport", "--db", db.c_str(), "ingest", "--batch", "50", mail.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_EQ(IntegrityCheck(db), "ok");
    ASSERT_EQ(RunRapport("--db " + db + " ingest --batch 100 " + (*mail_ / "mail")).exit_code, 0);
    EXPECT_EQ(DumpStore(db), *reference_) << "delay " << delay_ms << " ms";
  }
}

}  // namespace
}  // namespace rapport::testing
