// rapport connect imap / rapport sync against a real Dovecot started by the test (Debian's
// dovecot-imapd), over TLS with a test CA: the first sync stores what `rapport ingest` of the same
// Maildir stores; appends, expunges and a UIDVALIDITY change are followed with nothing lost or
// stored twice; a dropped connection and kill -9 change nothing; bad settings get one line.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "dovecot_server.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

constexpr const char* kEnron = "/jpvance123_Amdocs_ML_Email_Analytics/MailDir_to_MBOX/enron/";

// The messages of an mbox file (split at "From " lines that follow a blank line or start it).
std::vector<std::string> SplitMbox(const std::string& data) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t body = data.find('\n', pos);  // the "From " line itself is not part of the message
    if (body == std::string::npos) break;
    ++body;
    size_t next = data.find("\n\nFrom ", body);
    size_t end = next == std::string::npos ? data.size() : next + 1;
    out.push_back(data.substr(body, end - body));
    pos = next == std::string::npos ? data.size() : next + 2;
  }
  return out;
}

// Fills folders of the server's Maildir from Enron mbox files; returns how many messages.
size_t FillFromEnron(DovecotServer& server, const std::string& corpus,
                     const std::vector<std::string>& mboxes) {
  size_t n = 0;
  for (const auto& name : mboxes) {
    std::string folder = name.substr(std::string("enron.").size());
    for (char& c : folder) c = c == '.' ? '_' : c;
    int i = 0;
    for (const std::string& m : SplitMbox(ReadFile(corpus + kEnron + name))) {
      server.Deliver(folder, std::to_string(++i) + ".test", m);
      ++n;
    }
  }
  server.OwnMail();
  return n;
}

std::string Message(int i, const std::string& to = "bob@fabrikam.example") {
  return "Message-ID: <m" + std::to_string(i) +
         "@contoso.example>\r\n"
         "Date: Tue, 2 Jun 2026 10:" +
         std::to_string(10 + i % 49) +
         ":00 +0000\r\n"
         "From: alice@contoso.example\r\nTo: " +
         to + "\r\nSubject: s" + std::to_string(i) + "\r\n\r\nbody " + std::to_string(i) + "\r\n";
}

class ImapSync : public ::testing::Test {
 protected:
  void SetUp() override {
    RAPPORT_REQUIRE_DOVECOT();
    server_ = std::make_unique<DovecotServer>();
    ASSERT_TRUE(PortAccepts(server_->imaps_port())) << server_->log();
    db_ = dir_ / "r.db";
    ASSERT_EQ(InitConsented(db_, "--tenant Contoso --domain contoso.example --domain enron.com")
                  .exit_code,
              0);
  }

  std::string Db() const { return "--db " + ShellQuote(db_) + " "; }

  CommandResult Connect(const std::string& name, const std::string& extra = "",
                        std::string host = "localhost", int port = 0) {
    return RunRapport(Db() + "connect imap " + name + " --url imaps://" + host + ":" +
                      std::to_string(port ? port : server_->imaps_port()) + " --user " +
                      server_->user() + " --password-file " + ShellQuote(server_->password_file()) +
                      " --ca-file " + ShellQuote(server_->ca_file()) + " " + extra);
  }

  json Sync(const std::string& args = "", const std::string& env = "") {
    CommandResult r = RunRapport(Db() + "sync --json " + args, env);
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    json j = json::parse(r.out, nullptr, false);
    if (!j.is_object() || j["sources"].empty()) return json::object();
    return j["sources"][0];
  }

  int64_t Count(const std::string& sql) { return CountRows(db_, sql); }

  // `rapport sync --watch --interval 600` in the background; stop it with SIGTERM.
  pid_t StartWatch() {
    // Its store as every other command's: a file, or its database (test_store.h).
    std::string args = "--db " + testing::ShellQuote(db_) + " sync --watch --interval 600";
    if (testing::RapportArgsFilter()) args = testing::RapportArgsFilter()(args);
    const std::string command = std::string("exec ") + RAPPORT_BINARY + " " + args;
    pid_t pid = fork();
    if (pid == 0) {
      int null = open("/dev/null", O_WRONLY);
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    return pid;
  }

  // The messages stored once there are `n`, or after 30 s (far less than the interval).
  int64_t WaitForMessages(int64_t n) {
    for (int i = 0; i < 300 && Count("SELECT count(*) FROM message") != n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return Count("SELECT count(*) FROM message");
  }

  TempDir dir_;
  std::unique_ptr<DovecotServer> server_;
  std::string db_;
};

// What a store knows of its mail, independent of row ids and reading order.
std::string MailContent(const std::string& db_path) {
  // A message is named by the least of its Message-IDs: which copy is read first (and so gives
  // message_id, the others becoming aliases) depends on reading order. In the SQL both databases
  // speak: test_store.h runs it on PostgreSQL too.
  static const char* const queries[] = {
      "WITH named AS (SELECT m.id, CASE WHEN (SELECT min(x.message_id) FROM message_alias x "
      "WHERE x.message = m.id) < m.message_id THEN (SELECT min(x.message_id) FROM message_alias "
      "x WHERE x.message = m.id) ELSE m.message_id END AS name, (SELECT count(*) FROM "
      "message_alias x WHERE x.message = m.id) AS aliases FROM message m) "
      "SELECT n.name, n.aliases, hex(m.fingerprint), m.sent_at, a.address FROM message m "
      "JOIN named n ON n.id = m.id JOIN address a ON a.id = m.sender_id ORDER BY 1",
      "WITH named AS (SELECT m.id, CASE WHEN (SELECT min(x.message_id) FROM message_alias x "
      "WHERE x.message = m.id) < m.message_id THEN (SELECT min(x.message_id) FROM message_alias "
      "x WHERE x.message = m.id) ELSE m.message_id END AS name, (SELECT count(*) FROM "
      "message_alias x WHERE x.message = m.id) AS aliases FROM message m) "
      "SELECT n.name, p.role, a.address FROM participant p JOIN named n ON n.id = p.message "
      "JOIN address a ON a.id = p.address ORDER BY 1, 2, 3",
      "SELECT uid, occurrence_start, start_at, end_at, cancelled FROM meeting ORDER BY 1, 2",
      "SELECT count(*) FROM message_copy",
  };
  return DumpQueries(db_path, queries);
}

// "" when equal, else the first line that differs in each (a store's dump is long).
std::string FirstDifference(const std::string& a, const std::string& b) {
  std::istringstream x(a), y(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    bool more_a = static_cast<bool>(std::getline(x, la));
    bool more_b = static_cast<bool>(std::getline(y, lb));
    if (!more_a && !more_b) return "";
    if (!more_a || !more_b || la != lb) {
      return "line " + std::to_string(line) + ": '" + (more_a ? la : "<end>") + "' vs '" +
             (more_b ? lb : "<end>") + "'";
    }
  }
}

TEST_F(ImapSync, FirstSyncStoresWhatIngestOfTheSameMaildirStores) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  size_t n = FillFromEnron(*server_, corpus,
                           {"enron.allen-p._sent_mail", "enron.allen-p.deleted_items",
                            "enron.allen-p.contacts", "enron.arnold-j.notes_inbox"});
  ASSERT_GT(n, 900u);
  ASSERT_EQ(Connect("enron").exit_code, 0);
  json s = Sync();
  EXPECT_EQ(s["messages_read"], n);
  EXPECT_EQ(s["errors"], 0);
  EXPECT_GT(s["duplicates"].get<int>(), 0);  // deleted items repeat sent mail

  std::string ingested = dir_ / "ingest.db";
  ASSERT_EQ(InitConsented(ingested, "--tenant Contoso --domain contoso.example --domain enron.com")
                .exit_code,
            0);
  CommandResult r =
      RunRapport("--db " + ShellQuote(ingested) + " ingest " + ShellQuote(server_->Maildir()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(FirstDifference(MailContent(db_), MailContent(ingested)), "");
  EXPECT_EQ(Count("SELECT count(*) FROM message"), s["messages_stored"].get<int64_t>());

  // A second sync with nothing new opens no folder.
  json again = Sync();
  EXPECT_EQ(again["folders_unchanged"], again["folders"]);
  EXPECT_EQ(again["messages_read"], 0);
  EXPECT_EQ(again["pages"], 0);
}

TEST_F(ImapSync, AppendedAndExpungedMessagesAreFollowed) {
  for (int i = 0; i < 30; ++i) server_->Deliver("", "m" + std::to_string(i), Message(i));
  for (int i = 20; i < 40; ++i) server_->Deliver("Archive", "a" + std::to_string(i), Message(i));
  server_->OwnMail();
  ASSERT_EQ(Connect("box").exit_code, 0);
  json first = Sync();
  EXPECT_EQ(first["messages_read"], 50);
  EXPECT_EQ(first["messages_stored"], 40);
  EXPECT_EQ(first["duplicates"], 10);

  // Appended: two new messages in INBOX. Expunged: m0 (only in INBOX) and m25 (also archived).
  server_->Deliver("", "m40", Message(40));
  server_->Deliver("", "m41", Message(41));
  std::filesystem::remove(server_->Folder("") + "/new/m0");
  std::filesystem::remove(server_->Folder("") + "/new/m25");
  server_->OwnMail();
  json second = Sync();
  EXPECT_EQ(second["messages_read"], 2);
  EXPECT_EQ(second["messages_stored"], 2);
  EXPECT_EQ(second["removed"], 2);
  EXPECT_EQ(second["folders_unchanged"].get<int>(), second["folders"].get<int>() - 1);
  EXPECT_EQ(Count("SELECT count(*) FROM message"), 41);  // 40 + 2 - m0; m25 stays, archived
  EXPECT_EQ(Count("SELECT count(*) FROM message WHERE message_id = 'm0@contoso.example'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM message WHERE message_id = 'm25@contoso.example'"), 1);

  // m25's last copy goes too: then the message goes.
  std::filesystem::remove(server_->Folder("Archive") + "/new/a25");
  json third = Sync();
  EXPECT_EQ(third["removed"], 1);
  EXPECT_EQ(Count("SELECT count(*) FROM message WHERE message_id = 'm25@contoso.example'"), 0);
  EXPECT_EQ(IntegrityCheck(db_), "ok");
}

std::string Calendar(const std::string& uid, const std::string& start) {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\n"
         "BEGIN:VEVENT\r\nUID:" +
         uid + "\r\nDTSTAMP:20260201T000000Z\r\nDTSTART:" + start +
         "\r\nDTEND:" + start.substr(0, 9) +
         "235900Z\r\nSUMMARY:Review\r\n"
         "ORGANIZER:mailto:alice@contoso.example\r\n"
         "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:bob@fabrikam.example\r\nEND:VEVENT\r\n"
         "END:VCALENDAR\r\n";
}

TEST_F(ImapSync, InvitationsBecomeMeetingsAsIngestMakesThem) {
  // A calendar part, base64, inside multipart/alternative inside multipart/mixed.
  std::string cal = Calendar("nested@contoso.example", "20260301T100000Z");
  std::string b64;
  {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < cal.size(); i += 3) {
      uint32_t v = static_cast<unsigned char>(cal[i]) << 16;
      if (i + 1 < cal.size()) v |= static_cast<unsigned char>(cal[i + 1]) << 8;
      if (i + 2 < cal.size()) v |= static_cast<unsigned char>(cal[i + 2]);
      b64 += t[(v >> 18) & 63];
      b64 += t[(v >> 12) & 63];
      b64 += i + 1 < cal.size() ? t[(v >> 6) & 63] : '=';
      b64 += i + 2 < cal.size() ? t[v & 63] : '=';
    }
  }
  server_->Deliver("", "nested",
                   "Message-ID: <inv1@contoso.example>\r\nDate: Mon, 2 Feb 2026 09:00:00 +0000\r\n"
                   "From: alice@contoso.example\r\nTo: bob@fabrikam.example\r\n"
                   "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"o\"\r\n\r\n"
                   "--o\r\nContent-Type: multipart/alternative; boundary=\"i\"\r\n\r\n"
                   "--i\r\nContent-Type: text/plain\r\n\r\nJoin us.\r\n"
                   "--i\r\nContent-Type: text/calendar; method=REQUEST\r\n"
                   "Content-Transfer-Encoding: base64\r\n\r\n" +
                       b64 +
                       "\r\n--i--\r\n"
                       "--o\r\nContent-Type: application/pdf\r\n\r\nJVBERi0=\r\n--o--\r\n");
  // A message that is nothing but the calendar.
  server_->Deliver("", "single",
                   "Message-ID: <inv2@contoso.example>\r\nDate: Mon, 2 Feb 2026 10:00:00 +0000\r\n"
                   "From: alice@contoso.example\r\nTo: bob@fabrikam.example\r\n"
                   "Content-Type: text/calendar; method=REQUEST\r\n\r\n" +
                       Calendar("single@contoso.example", "20260302T100000Z"));
  server_->Deliver("", "plain", Message(1));
  server_->OwnMail();
  ASSERT_EQ(Connect("box").exit_code, 0);
  json s = Sync();
  EXPECT_EQ(s["messages_stored"], 3);
  EXPECT_EQ(s["meetings"], 2);
  EXPECT_EQ(Count("SELECT count(*) FROM meeting"), 2);

  std::string ingested = dir_ / "ingest.db";
  ASSERT_EQ(InitConsented(ingested, "--tenant Contoso --domain contoso.example --domain enron.com")
                .exit_code,
            0);
  ASSERT_EQ(RunRapport("--db " + ShellQuote(ingested) + " ingest " + ShellQuote(server_->Maildir()))
                .exit_code,
            0);
  EXPECT_EQ(FirstDifference(MailContent(db_), MailContent(ingested)), "");
}

// An invitation whose calendar holds an event without DTSTART and one whose rule rapport does not
// expand: sync says so as a file ingest does (one rejected, one item skipped), and keeps the
// second event's first occurrence.
TEST_F(ImapSync, AnInvitationsRefusedEventsAndUnexpandedRulesAreReported) {
  server_->Deliver("", "odd",
                   "Message-ID: <inv3@contoso.example>\r\nDate: Mon, 2 Feb 2026 11:00:00 +0000\r\n"
                   "From: alice@contoso.example\r\nTo: bob@fabrikam.example\r\n"
                   "Content-Type: text/calendar; method=REQUEST\r\n\r\n"
                   "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\n"
                   "BEGIN:VEVENT\r\nUID:nostart@contoso.example\r\nDTSTAMP:20260201T000000Z\r\n"
                   "ORGANIZER:mailto:alice@contoso.example\r\nEND:VEVENT\r\n"
                   "BEGIN:VEVENT\r\nUID:rule@contoso.example\r\nDTSTAMP:20260201T000000Z\r\n"
                   "DTSTART:20260302T150000Z\r\nDTEND:20260302T160000Z\r\n"
                   "RRULE:FREQ=HOURLY;BYMONTH=10;BYDAY=-1SU\r\n"
                   "ORGANIZER:mailto:alice@contoso.example\r\n"
                   "ATTENDEE:mailto:bob@fabrikam.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
  server_->OwnMail();
  ASSERT_EQ(Connect("box").exit_code, 0);
  json s = Sync();
  EXPECT_EQ(s["messages_stored"], 1);
  EXPECT_EQ(s["meetings"], 1);
  EXPECT_EQ(s["rejected"], 1);
  EXPECT_EQ(s["rejected_by_reason"]["event without a valid DTSTART"], 1) << s.dump(2);
  ASSERT_EQ(s["items_skipped"].size(), 1u) << s.dump(2);
  EXPECT_NE(s["items_skipped"].begin().key().find("recurrence rule not expanded"),
            std::string::npos);
  EXPECT_EQ(s["items_skipped"].begin().value(), 1);
}

TEST_F(ImapSync, AUidValidityChangeResyncsTheFolderWithNoDuplicate) {
  for (int i = 0; i < 25; ++i) server_->Deliver("", "m" + std::to_string(i), Message(i));
  server_->OwnMail();
  ASSERT_EQ(Connect("box").exit_code, 0);
  ASSERT_EQ(Sync()["messages_stored"], 25);
  std::string before = MailContent(db_);
  // Dovecot forgets the folder's UIDs: it gives the folder a new UIDVALIDITY.
  for (auto& e : std::filesystem::directory_iterator(server_->Folder(""))) {
    std::string name = e.path().filename().string();
    if (name.rfind("dovecot-uidlist", 0) == 0 || name.rfind("dovecot.index", 0) == 0) {
      std::filesystem::remove(e.path());
    }
  }
  json s = Sync();
  EXPECT_EQ(s["resyncs"], 1);
  EXPECT_EQ(s["messages_read"], 25);
  EXPECT_EQ(s["messages_stored"], 0);
  EXPECT_EQ(s["duplicates"], 25);
  EXPECT_EQ(FirstDifference(MailContent(db_), before), "");
  EXPECT_EQ(Count("SELECT count(*) FROM mailbox_item"), 25);
  EXPECT_EQ(Count("SELECT count(*) FROM source_file WHERE kind = 'imap'"), 1);
  // And an expunge after the resync is still found.
  std::filesystem::remove(server_->Folder("") + "/new/m3");
  for (auto& e : std::filesystem::directory_iterator(server_->Folder("") + "/cur")) {
    if (e.path().filename().string().rfind("m3:", 0) == 0) std::filesystem::remove(e.path());
  }
  EXPECT_EQ(Sync()["removed"], 1);
  EXPECT_EQ(Count("SELECT count(*) FROM message"), 24);
}

// A TCP relay that cuts the first connection after `cut_after` bytes from the server.
class CuttingRelay {
 public:
  CuttingRelay(int target, size_t cut_after) : target_(target), cut_after_(cut_after) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    listen(listen_fd_, 8);
    thread_ = std::thread([this] { Serve(); });
  }
  ~CuttingRelay() {
    stop_ = true;
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    thread_.join();
  }
  int port() const { return port_; }
  int cuts() const { return cuts_; }

 private:
  void Serve() {
    int connection = 0;
    while (!stop_) {
      int client = accept(listen_fd_, nullptr, nullptr);
      if (client < 0) return;
      int upstream = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(target_));
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
      bool cut = ++connection == 1;
      std::thread([=, this] { Pump(client, upstream, cut); }).detach();
    }
  }
  void Pump(int client, int upstream, bool cut) {
    size_t from_server = 0;
    char buf[16384];
    while (true) {
      pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
      if (poll(fds, 2, 200) < 0) break;
      if (stop_) break;
      bool done = false;
      for (int i = 0; i < 2 && !done; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
        ssize_t n = read(fds[i].fd, buf, sizeof buf);
        if (n <= 0) {
          done = true;
          break;
        }
        if (i == 1) from_server += static_cast<size_t>(n);
        if (write(fds[1 - i].fd, buf, static_cast<size_t>(n)) != n) done = true;
      }
      if (cut && from_server > cut_after_) {
        ++cuts_;
        done = true;
      }
      if (done) break;
    }
    close(client);
    close(upstream);
  }

  int target_;
  size_t cut_after_;
  int listen_fd_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> cuts_{0};
  std::thread thread_;
};

TEST_F(ImapSync, AConnectionDroppedMidFetchIsRetriedWithNothingLostOrDoubled) {
  for (int i = 0; i < 400; ++i) {
    server_->Deliver("", "m" + std::to_string(i), Message(i) + std::string(400, 'x') + "\r\n");
  }
  server_->OwnMail();
  CuttingRelay relay(server_->imaps_port(), 60'000);
  ASSERT_EQ(Connect("box", "", "localhost", relay.port()).exit_code, 0);
  json s = Sync();
  EXPECT_EQ(relay.cuts(), 1);
  EXPECT_GE(s["retries"].get<int>(), 1);
  EXPECT_EQ(s["errors"], 0);
  EXPECT_EQ(Count("SELECT count(*) FROM message"), 400);
  EXPECT_EQ(Count("SELECT count(*) FROM mailbox_item"), 400);
}

TEST_F(ImapSync, KilledMidSyncThenSyncedAgainGivesTheStoreOfOneRun) {
  for (int i = 0; i < 2500; ++i) server_->Deliver("", "m" + std::to_string(i), Message(i));
  for (int i = 2000; i < 3000; ++i) server_->Deliver("Sent", "s" + std::to_string(i), Message(i));
  server_->OwnMail();
  ASSERT_EQ(Connect("box").exit_code, 0);
  CommandResult killed = RunRapport(Db() + "sync --json", "RAPPORT_TEST_KILL_AFTER_MESSAGES=1700");
  EXPECT_EQ(killed.signal, SIGKILL);
  EXPECT_EQ(IntegrityCheck(db_), "ok");
  Sync();

  std::string reference = dir_ / "reference.db";
  ASSERT_EQ(InitConsented(reference, "--tenant Contoso --domain contoso.example").exit_code, 0);
  std::string once = "--db " + ShellQuote(reference) + " ";
  ASSERT_EQ(RunRapport(once + "connect imap box --url imaps://localhost:" +
                       std::to_string(server_->imaps_port()) + " --user alice --password-file " +
                       ShellQuote(server_->password_file()) + " --ca-file " +
                       ShellQuote(server_->ca_file()))
                .exit_code,
            0);
  ASSERT_EQ(RunRapport(once + "sync").exit_code, 0);
  EXPECT_EQ(FirstDifference(MailContent(db_), MailContent(reference)), "");
  EXPECT_EQ(Count("SELECT count(*) FROM message"), 3000);
  EXPECT_EQ(Count("SELECT count(*) FROM mailbox_item"), 3500);
}

// sync --watch: new mail in the inbox wakes it (IDLE) long before its interval, and SIGTERM ends
// it cleanly (exit 0, what it read committed).
TEST_F(ImapSync, WatchFollowsNewMailAndStopsOnSigterm) {
  server_->Deliver("", "m1", Message(1));
  server_->OwnMail();
  ASSERT_EQ(Connect("box").exit_code, 0);
  pid_t pid = StartWatch();
  EXPECT_EQ(WaitForMessages(1), 1);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // into IDLE
  server_->Deliver("", "m2", Message(2));
  server_->OwnMail();
  EXPECT_EQ(WaitForMessages(2), 2);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

// A watch whose passes fail (here: no source yet) keeps watching, and SIGTERM still ends it with
// exit 0: a stop asked for is not a failure (systemd would mark rapport-sync failed).
TEST_F(ImapSync, WatchWhosePassesFailStillStopsCleanly) {
  pid_t pid = StartWatch();
  std::this_thread::sleep_for(std::chrono::seconds(1));  // one failed pass, then waiting
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, WNOHANG), 0) << "the watch ended by itself";
  kill(pid, SIGTERM);
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

// Two sources, each one folder: mail the server takes into a folder other than the inbox wakes
// --watch at once (NOTIFY, RFC 5465, while the inbox is open in IDLE), whichever source it is.
TEST_F(ImapSync, WatchWakesForMailInAnyFolderOfAnySource) {
  server_->Deliver("", "m1", Message(1));
  server_->Deliver("Archive", "m2", Message(2));
  server_->Deliver("Drafts", "m6", Message(6));
  server_->OwnMail();
  ASSERT_EQ(Connect("inbox", "--folders INBOX").exit_code, 0);
  ASSERT_EQ(Connect("archive", "--folders Archive").exit_code, 0);
  pid_t pid = StartWatch();
  EXPECT_EQ(WaitForMessages(2), 2);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // both sources into IDLE
  ASSERT_TRUE(server_->Append("Archive", Message(3))) << server_->log();
  EXPECT_EQ(WaitForMessages(3), 3);
  // Mail in a folder neither source reads is not stored (4 messages, not 5).
  ASSERT_TRUE(server_->Append("Drafts", Message(4))) << server_->log();
  ASSERT_TRUE(server_->Append("Archive", Message(5))) << server_->log();
  EXPECT_EQ(WaitForMessages(4), 4);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(Count("SELECT count(*) FROM message"), 4);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(ImapSync, NothingIsCollectedBeforeAGrant) {
  server_->Deliver("", "m1", Message(1));
  server_->OwnMail();
  std::string fresh = dir_ / "fresh.db";
  ASSERT_EQ(RunRapport("--db " + ShellQuote(fresh) +
                       " init --tenant C --domain contoso.example --admin it@contoso.example")
                .exit_code,
            0);
  db_ = fresh;
  ASSERT_EQ(Connect("box").exit_code, 0);
  CommandResult r = RunRapport(Db() + "sync");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("consent"), std::string::npos) << r.err;
  EXPECT_EQ(Count("SELECT count(*) FROM message"), 0);
}

TEST_F(ImapSync, BadSettingsGetOneClearLine) {
  // A wrong password.
  std::string wrong = dir_ / "wrong";
  WriteFile(wrong, "not-it\n");
  ASSERT_EQ(RunRapport(Db() + "connect imap bad --url imaps://localhost:" +
                       std::to_string(server_->imaps_port()) + " --user alice --password-file " +
                       ShellQuote(wrong) + " --ca-file " + ShellQuote(server_->ca_file()))
                .exit_code,
            0);
  CommandResult r = RunRapport(Db() + "connect test bad");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("refused alice's password (check --password-file)"), std::string::npos)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.find("not-it"), std::string::npos);  // a secret is never printed

  // The certificate names localhost, not 127.0.0.1.
  ASSERT_EQ(Connect("byip", "", "127.0.0.1").exit_code, 0);
  r = RunRapport(Db() + "connect test byip");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not for '127.0.0.1'"), std::string::npos) << r.err;

  // A CA we do not trust: the system CAs do not know the test CA.
  ASSERT_EQ(RunRapport(Db() + "connect imap noca --url imaps://localhost:" +
                       std::to_string(server_->imaps_port()) + " --user alice --password-file " +
                       ShellQuote(server_->password_file()))
                .exit_code,
            0);
  r = RunRapport(Db() + "connect test noca");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not trusted"), std::string::npos) << r.err;

  // Usage errors at connect time: exit 2, nothing stored.
  r = RunRapport(Db() +
                 "connect imap plain --url imap://mail.example.com --user a "
                 "--password-file " +
                 ShellQuote(server_->password_file()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("add --starttls"), std::string::npos) << r.err;
  r = RunRapport(Db() +
                 "connect imap nofile --url imaps://localhost --user a --password-file /nope");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot read the password file '/nope'"), std::string::npos) << r.err;
  r = RunRapport(Db() + "connect imap bad --url imaps://localhost --user a --password-file " +
                 ShellQuote(server_->password_file()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is connected already"), std::string::npos) << r.err;

  // The store keeps the path of the secret, never the secret.
  EXPECT_EQ(Count("SELECT count(*) FROM sync_source WHERE config LIKE '%s3cret%'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM sync_source WHERE config LIKE '%password_file%'"), 3);
}

// A secret from the environment (a service manager's or a container's): the store keeps the
// variable's name, and a run without it says which variable to set.
TEST_F(ImapSync, APasswordFromTheEnvironmentIsUsedAndNeverStored) {
  server_->Deliver("", "m1", Message(1));
  server_->OwnMail();
  const std::string env = "RAPPORT_TEST_IMAP_PASSWORD=s3cret";
  CommandResult r = RunRapport(
      Db() + "connect imap box --url imaps://localhost:" + std::to_string(server_->imaps_port()) +
          " --user alice --password-file env:RAPPORT_TEST_IMAP_PASSWORD"
          " --ca-file " +
          ShellQuote(server_->ca_file()),
      env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunRapport(Db() + "sync --json", env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["sources"][0]["messages_stored"], 1);
  EXPECT_EQ(Count("SELECT count(*) FROM sync_source WHERE config LIKE '%s3cret%'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM sync_source WHERE config LIKE "
                  "'%env:RAPPORT_TEST_IMAP_PASSWORD%'"),
            1);
  r = RunRapport(Db() + "sync");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the password variable RAPPORT_TEST_IMAP_PASSWORD is not set"),
            std::string::npos)
      << r.err;
}

TEST_F(ImapSync, StartTlsOnThePlainPortAndListAndRemove) {
  server_->Deliver("", "m1", Message(1));
  server_->OwnMail();
  CommandResult r = RunRapport(
      Db() + "connect imap box --url imap://localhost:" + std::to_string(server_->imap_port()) +
      " --starttls --user alice " + "--password-file " + ShellQuote(server_->password_file()) +
      " --ca-file " + ShellQuote(server_->ca_file()) + " --folders INBOX");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunRapport(Db() + "connect test box");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("over TLS"), std::string::npos) << r.out;
  // What --watch will use: IDLE on the inbox, NOTIFY for the other folders.
  EXPECT_NE(r.out.find("IDLE, NOTIFY"), std::string::npos) << r.out;
  EXPECT_EQ(Sync()["messages_stored"], 1);
  r = RunRapport(Db() + "connect list --json");
  json list = json::parse(r.out);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["name"], "box");
  EXPECT_EQ(list[0]["last_error"], "");
  EXPECT_NE(list[0]["last_sync_at"], nullptr);
  EXPECT_EQ(RunRapport(Db() + "connect remove box").exit_code, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM sync_cursor"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM message"), 1);  // the mail stays
  r = RunRapport(Db() + "stats --json");
  EXPECT_EQ(json::parse(r.out)["messages"], 1) << r.out;
}

}  // namespace
}  // namespace rapport::testing
