// rapport connect graph / rapport sync against a Microsoft Graph emulator written here from
// Microsoft's documentation (tests/graph_emulator.py), started by the test on a free loopback
// port: app-only tokens (secret and certificate), per-folder delta with paging, new mail and
// deletions between rounds, throttling, outages, expired tokens and delta links, kill -9.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "dovecot_server.h"  // FreeLoopbackPort, PortAccepts
#include "test_store.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

constexpr const char* kTenant = "9188040d-6c67-4c5b-b112-36a304b66dad";
constexpr const char* kClient = "6731de76-14a6-49ae-97bc-6eba6914391e";
constexpr const char* kEnron = "/jpvance123_Amdocs_ML_Email_Analytics/MailDir_to_MBOX/enron/";

json Message(const std::string& user, int i) {
  return {{"@odata.type", "#microsoft.graph.message"},
          {"id", "AAMk-" + user + "-" + std::to_string(i)},
          {"internetMessageId", "<g" + std::to_string(i) + "@contoso.example>"},
          {"sentDateTime", "2026-06-02T10:" + std::to_string(10 + i % 49) + ":00Z"},
          {"receivedDateTime", "2026-06-02T10:" + std::to_string(10 + i % 49) + ":05Z"},
          {"subject", "s" + std::to_string(i)},
          {"from", {{"emailAddress", {{"name", "Alice"}, {"address", "alice@contoso.example"}}}}},
          {"toRecipients",
           json::array({{{"emailAddress",
                          {{"address", "c" + std::to_string(i % 7) + "@fabrikam.example"}}}}})},
          {"body", {{"contentType", "text"}, {"content", "secret body"}}}};
}

// An event as calendarView gives it, `days` from today at 10:00 UTC for an hour. `people`:
// (address, response) of each attendee.
json Event(const std::string& id, const std::string& ical, const std::string& organizer,
           const std::vector<std::pair<std::string, std::string>>& people, int days,
           bool cancelled = false) {
  auto at = [&](int hour) {
    std::time_t t = std::time(nullptr) / 86400 * 86400 + int64_t{days} * 86400 + hour * 3600;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.0000000", &tm);
    return json{{"dateTime", buf}, {"timeZone", "UTC"}};
  };
  json attendees = json::array();
  for (const auto& [address, response] : people) {
    attendees.push_back({{"type", "required"},
                         {"status", {{"response", response}, {"time", "0001-01-01T00:00:00Z"}}},
                         {"emailAddress", {{"address", address}}}});
  }
  return {{"@odata.type", "#microsoft.graph.event"},
          {"id", id},
          {"iCalUId", ical},
          {"subject", "private subject"},
          {"body", {{"contentType", "html"}, {"content", "private body"}}},
          {"type", "singleInstance"},
          {"isAllDay", false},
          {"isCancelled", cancelled},
          {"start", at(10)},
          {"end", at(11)},
          {"organizer", {{"emailAddress", {{"address", organizer}}}}},
          {"attendees", attendees}};
}

class GraphEmulator {
 public:
  // `mailboxes`: the emulator's --mailboxes document.
  GraphEmulator(const TempDir& dir, json mailboxes) {
    port_ = FreeLoopbackPort();
    std::string spec = dir / "mailboxes.json";
    WriteFile(spec, mailboxes.dump());
    std::filesystem::create_directories(dir / "export");
    pid_ = fork();
    if (pid_ == 0) {
      std::string script = std::string(RAPPORT_SOURCE_DIR) + "/tests/graph_emulator.py";
      std::string port = std::to_string(port_), exported = dir / "export";
      execlp("python3", "python3", script.c_str(), "--port", port.c_str(), "--mailboxes",
             spec.c_str(), "--export", exported.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200 && !PortAccepts(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~GraphEmulator() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  json Control(const json& body) {
    httplib::Client c(url());
    auto r = c.Post("/_control", body.dump(), "application/json");
    return r ? json::parse(r->body) : json();
  }
  json Stats() {
    httplib::Client c(url());
    auto r = c.Get("/_stats");
    return r ? json::parse(r->body) : json();
  }
  bool up() const { return PortAccepts(port_); }

 private:
  int port_ = 0;
  pid_t pid_ = -1;
};

json Mailboxes(int alice_messages, int bob_messages) {
  json alice_inbox = json::array(), alice_sent = json::array(), projects = json::array(),
       bob_inbox = json::array();
  for (int i = 0; i < alice_messages; ++i) {
    (i % 3 == 0 ? alice_sent : i % 3 == 1 ? alice_inbox : projects).push_back(Message("a", i));
  }
  for (int i = 0; i < bob_messages; ++i) bob_inbox.push_back(Message("b", i));  // same mail
  return {
      {"tenant", kTenant},
      {"client_id", kClient},
      {"secret", "the-secret"},
      {"users",
       {{{"id", "u-alice"},
         {"mail", "alice@contoso.example"},
         {"folders",
          {{{"id", "f-inbox"}, {"displayName", "Inbox"}, {"messages", alice_inbox}},
           {{"id", "f-sent"}, {"displayName", "Sent Items"}, {"messages", alice_sent}},
           {{"id", "f-proj"},
            {"displayName", "Projects"},
            {"parent", "f-inbox"},
            {"messages", projects}}}}},
        {{"id", "u-bob"},
         {"mail", "bob@contoso.example"},
         {"folders", {{{"id", "f-binbox"}, {"displayName", "Inbox"}, {"messages", bob_inbox}}}}},
        {{"id", "u-room"}, {"mail", ""}, {"folders", json::array()}}}},
      {"groups", {{"g-sales", {"u-bob"}}}}};
}

class GraphSync : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "r.db";
    ASSERT_EQ(InitConsented(db_, "--tenant Contoso --domain contoso.example --domain enron.com")
                  .exit_code,
              0);
    WriteFile(dir_ / "secret", "the-secret\n");
  }
  void Start(json mailboxes) {
    emulator_ = std::make_unique<GraphEmulator>(dir_, std::move(mailboxes));
    ASSERT_TRUE(emulator_->up()) << "the Graph emulator did not start (python3 needed)";
  }
  std::string Db(const std::string& db = "") const {
    return "--db " + ShellQuote(db.empty() ? db_ : db) + " ";
  }
  CommandResult Connect(const std::string& extra = "--client-secret-file " + std::string("SECRET"),
                        const std::string& db = "", const std::string& tenant = kTenant) {
    std::string args = extra;
    if (auto at = args.find("SECRET"); at != std::string::npos) {
      args.replace(at, 6, ShellQuote(dir_ / "secret"));
    }
    return RunRapport(Db(db) + "connect graph m365 --tenant " + tenant + " --client-id " + kClient +
                      " --authority " + emulator_->url() + " --graph-url " + emulator_->url() +
                      " " + args);
  }
  json Sync(const std::string& db = "", const std::string& env = "") {
    CommandResult r = RunRapport(Db(db) + "sync --json", env);
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    json j = json::parse(r.out, nullptr, false);
    if (!j.is_object() || j["sources"].empty()) return json::object();
    return j["sources"][0];
  }
  int64_t Count(const std::string& sql, const std::string& db = "") {
    return CountRows(db.empty() ? db_ : db, sql);
  }
  std::string Content(const std::string& db = "") {
    static const char* const queries[] = {
        "SELECT m.message_id, hex(m.fingerprint), a.address FROM message m JOIN address a ON "
        "a.id = m.sender_id ORDER BY 1, 2",
        "SELECT hex(m.fingerprint), p.role, a.address FROM participant p JOIN message m ON m.id "
        "= p.message JOIN address a ON a.id = p.address ORDER BY 1, 2, 3",
        "SELECT count(*) FROM message_copy"};
    return DumpQueries(db.empty() ? db_ : db, queries);
  }

  TempDir dir_;
  std::string db_;
  std::unique_ptr<GraphEmulator> emulator_;
};

TEST_F(GraphSync, FirstSyncStoresEveryFolderOfEveryMailboxAndTheSecondReadsOnlyChanges) {
  Start(Mailboxes(1200, 30));
  ASSERT_EQ(Connect().exit_code, 0);
  CommandResult test = RunRapport(Db() + "connect test m365");
  EXPECT_EQ(test.exit_code, 0) << test.err;
  EXPECT_NE(test.out.find("2 mailboxes to sync"), std::string::npos) << test.out;
  json s = Sync();
  EXPECT_EQ(s["folders"], 4);  // Inbox, Sent Items, Inbox/Projects (a child), Bob's Inbox
  EXPECT_EQ(s["messages_read"], 1230);
  EXPECT_EQ(s["messages_stored"], 1200);
  EXPECT_EQ(s["duplicates"], 30);  // Bob's copies of mail Alice has
  EXPECT_EQ(s["errors"], 0);
  EXPECT_EQ(Count("SELECT count(*) FROM message"), 1200);
  EXPECT_EQ(emulator_->Stats()["unselected"], 0);  // never asked for bodies
  EXPECT_EQ(Count("SELECT count(*) FROM source_file WHERE location LIKE "
                  "'graph://%/alice@contoso.example/Inbox%2FProjects'"),
            1);

  json again = Sync();
  EXPECT_EQ(again["messages_read"], 0);
  // users, users and groups delta, 3 folder lists, 4 folders' delta rounds, 2 calendars' rounds
  EXPECT_EQ(again["pages"].get<int>(), 1 + 2 + 3 + 4 + 2);
}

// Mailboxes are read several at once, each over its own connection with one request in flight
// (Graph allows four per mailbox), and every message is stored once, whichever came first.
TEST_F(GraphSync, MailboxesAreReadAtOnceWithinGraphsLimitPerMailbox) {
  json boxes = Mailboxes(60, 30);
  for (int u = 0; u < 6; ++u) {
    const std::string who = "x" + std::to_string(u);
    json mail = json::array();
    for (int i = 0; i < 25; ++i) mail.push_back(Message(who, 1000 + 25 * u + i));
    mail.push_back(Message(who, 5));  // also in Alice's mailbox
    boxes["users"].push_back(
        {{"id", "u-" + who},
         {"mail", who + "@contoso.example"},
         {"folders",
          json::array({{{"id", "f-" + who}, {"displayName", "Inbox"}, {"messages", mail}}})}});
  }
  Start(boxes);
  emulator_->Control({{"latency_ms", 20}});  // as over a network: the mailboxes overlap
  ASSERT_EQ(Connect().exit_code, 0);
  json s = Sync();
  EXPECT_EQ(s["errors"], 0);
  EXPECT_EQ(s["messages_read"], 60 + 30 + 6 * 26);
  EXPECT_EQ(s["messages_stored"], 60 + 6 * 25);
  EXPECT_EQ(s["duplicates"], 30 + 6);
  EXPECT_EQ(Count("SELECT count(*) FROM message"), 60 + 6 * 25);
  json stats = emulator_->Stats();
  EXPECT_GE(stats["max_in_flight"].get<int>(), 2);
  EXPECT_LE(stats["max_in_flight"].get<int>(), 4);
  EXPECT_EQ(stats["max_mailbox_in_flight"].get<int>(), 1);
  EXPECT_EQ(Sync()["messages_read"], 0);
}

TEST_F(GraphSync, NewMailAndDeletionsBetweenRoundsAreFollowed) {
  Start(Mailboxes(60, 60));
  ASSERT_EQ(Connect().exit_code, 0);
  Sync();
  json m = Message("a", 500);
  emulator_->Control({{"add", {{"user", "u-alice"}, {"folder", "f-inbox"}, {"message", m}}}});
  // g1 is in Alice's Inbox and Bob's: deleted by Bob, it stays; g4 deleted by both, it goes.
  emulator_->Control({{"remove", {{"user", "u-bob"}, {"folder", "f-binbox"}, {"id", "AAMk-b-1"}}}});
  emulator_->Control({{"remove", {{"user", "u-bob"}, {"folder", "f-binbox"}, {"id", "AAMk-b-4"}}}});
  emulator_->Control(
      {{"remove", {{"user", "u-alice"}, {"folder", "f-inbox"}, {"id", "AAMk-a-4"}}}});
  json s = Sync();
  EXPECT_EQ(s["messages_read"], 1);
  EXPECT_EQ(s["messages_stored"], 1);
  EXPECT_EQ(s["removed"], 3);
  EXPECT_EQ(Count("SELECT count(*) FROM message"), 60);
  EXPECT_EQ(Count("SELECT count(*) FROM message WHERE message_id = 'g1@contoso.example'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM message WHERE message_id = 'g4@contoso.example'"), 0);
  EXPECT_EQ(IntegrityCheck(db_), "ok");
}

TEST_F(GraphSync, ThrottlingAndOutagesEndInTheSameStore) {
  Start(Mailboxes(900, 40));
  std::string calm = dir_ / "calm.db";
  ASSERT_EQ(InitConsented(calm, "--tenant Contoso --domain contoso.example").exit_code, 0);
  ASSERT_EQ(Connect("--client-secret-file SECRET", calm).exit_code, 0);
  Sync(calm);
  // Few requests in a run this small: every 3rd throttled and every 7th unavailable.
  emulator_->Control({{"throttle_every", 3}, {"unavailable_every", 7}});
  ASSERT_EQ(Connect().exit_code, 0);
  json s = Sync();
  EXPECT_GT(emulator_->Stats()["throttled"].get<int>(), 0);
  EXPECT_GE(s["retries"].get<int>(), 1);
  EXPECT_EQ(s["errors"], 0);
  EXPECT_EQ(Content(), Content(calm));
}

TEST_F(GraphSync, ExpiredTokensAndDeltaLinksAreRecoveredWithNothingDoubledOrLeftBehind) {
  Start(Mailboxes(90, 30));
  ASSERT_EQ(Connect().exit_code, 0);
  Sync();
  emulator_->Control({{"expire_tokens_every", 5}, {"expire_links", true}});
  emulator_->Control(
      {{"add", {{"user", "u-alice"}, {"folder", "f-sent"}, {"message", Message("a", 900)}}}});
  emulator_->Control(
      {{"remove", {{"user", "u-alice"}, {"folder", "f-sent"}, {"id", "AAMk-a-33"}}}});
  json s = Sync();
  EXPECT_EQ(s["resyncs"], 4 + 2 + 2);     // every folder's, calendar's and directory delta link
  EXPECT_GE(s["retries"].get<int>(), 1);  // the 401 for the expired token
  EXPECT_EQ(s["messages_stored"], 1);
  EXPECT_EQ(s["removed"], 1);  // found by its absence from the new round
  EXPECT_EQ(Count("SELECT count(*) FROM message"), 90);
  EXPECT_EQ(Count("SELECT count(*) FROM message WHERE message_id = 'g33@contoso.example'"), 0);
}

TEST_F(GraphSync, KilledMidSyncThenSyncedAgainGivesTheStoreOfOneRun) {
  Start(Mailboxes(3000, 200));
  ASSERT_EQ(Connect().exit_code, 0);
  CommandResult killed = RunRapport(Db() + "sync", "RAPPORT_TEST_KILL_AFTER_MESSAGES=1300");
  EXPECT_EQ(killed.signal, SIGKILL);
  EXPECT_EQ(IntegrityCheck(db_), "ok");
  Sync();
  std::string reference = dir_ / "reference.db";
  ASSERT_EQ(InitConsented(reference, "--tenant Contoso --domain contoso.example").exit_code, 0);
  ASSERT_EQ(Connect("--client-secret-file SECRET", reference).exit_code, 0);
  Sync(reference);
  EXPECT_EQ(Content(), Content(reference));
  EXPECT_EQ(Count("SELECT count(*) FROM mailbox_item"), 3200);
}

// A round restarted after an expired link, killed after some of a folder's pages were stored,
// then resumed from its next link: what the lost pages listed must not be taken for deleted.
TEST_F(GraphSync, AResyncKilledMidFolderAndResumedLosesNothing) {
  Start(Mailboxes(3000, 0));  // Alice's three folders, 1,000 messages each: pages of 500
  ASSERT_EQ(Connect().exit_code, 0);
  Sync();
  emulator_->Control({{"expire_links", true}});
  // 1,500 messages into the resync: the second folder's first page is stored with its next link.
  CommandResult killed = RunRapport(Db() + "sync", "RAPPORT_TEST_KILL_AFTER_MESSAGES=1700");
  EXPECT_EQ(killed.signal, SIGKILL);
  json s = Sync();
  EXPECT_EQ(s["removed"], 0);
  EXPECT_EQ(Count("SELECT count(*) FROM message"), 3000);
  EXPECT_EQ(Count("SELECT count(*) FROM mailbox_item"), 3000);
}

TEST_F(GraphSync, ACertificateCredentialGetsATokenAndBadCredentialsGetOneLine) {
  json boxes = Mailboxes(10, 0);
  std::string d = ShellQuote(dir_.path().string());
  ASSERT_EQ(std::system(("cd " + d +
                         " && openssl req -x509 -newkey rsa:2048 -nodes -keyout app.key -out "
                         "app.crt -days 30 -subj /CN=rapport-app 2>/dev/null"
                         " && openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out "
                         "other.crt -days 30 -subj /CN=other 2>/dev/null")
                            .c_str()),
            0);
  boxes["certificate"] = dir_ / "app.crt";
  Start(boxes);
  ASSERT_EQ(Connect("--certificate " + ShellQuote(dir_ / "app.crt") + " --private-key " +
                    ShellQuote(dir_ / "app.key"))
                .exit_code,
            0);
  EXPECT_EQ(Sync()["messages_stored"], 10);

  // A certificate the app does not know.
  std::string other = dir_ / "other.db";
  ASSERT_EQ(InitConsented(other, "--tenant C --domain contoso.example").exit_code, 0);
  ASSERT_EQ(Connect("--certificate " + ShellQuote(dir_ / "other.crt") + " --private-key " +
                        ShellQuote(dir_ / "other.key"),
                    other)
                .exit_code,
            0);
  CommandResult r = RunRapport(Db(other) + "connect test m365");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("AADSTS700027"), std::string::npos) << r.err;

  // A wrong secret, an unknown tenant: one line each, the secret never shown.
  WriteFile(dir_ / "wrong", "not-the-secret\n");
  std::string third = dir_ / "third.db";
  ASSERT_EQ(InitConsented(third, "--tenant C --domain contoso.example").exit_code, 0);
  ASSERT_EQ(Connect("--client-secret-file " + ShellQuote(dir_ / "wrong"), third).exit_code, 0);
  r = RunRapport(Db(third) + "sync");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the client secret was refused (AADSTS7000215)"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("not-the-secret"), std::string::npos);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  std::string fourth = dir_ / "fourth.db";
  ASSERT_EQ(InitConsented(fourth, "--tenant C --domain contoso.example").exit_code, 0);
  ASSERT_EQ(Connect("--client-secret-file SECRET", fourth, "no-such-tenant").exit_code, 0);
  r = RunRapport(Db(fourth) + "connect test m365");
  EXPECT_NE(r.err.find("unknown tenant 'no-such-tenant' (AADSTS90002)"), std::string::npos)
      << r.err;

  // A missing permission is named.
  emulator_->Control({{"deny_mail", true}});
  r = RunRapport(Db() + "sync");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("grant the application permission Mail.ReadBasic.All"), std::string::npos)
      << r.err;

  // Usage: plain http to a host that is not loopback; no credential.
  r = RunRapport(Db() + "connect graph x --tenant t --client-id c --client-secret-file " +
                 ShellQuote(dir_ / "secret") + " --graph-url http://graph.example.com");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("must be an https:// URL"), std::string::npos) << r.err;
  r = RunRapport(Db() + "connect graph x --tenant t --client-id c");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Count("SELECT count(*) FROM sync_source WHERE config LIKE '%the-secret%'"), 0);
}

TEST_F(GraphSync, UsersFromAListOrAGroup) {
  Start(Mailboxes(30, 30));
  ASSERT_EQ(Connect("--client-secret-file SECRET --users group:g-sales").exit_code, 0);
  json s = Sync();
  EXPECT_EQ(s["folders"], 1);  // Bob's Inbox only
  EXPECT_EQ(s["messages_stored"], 30);
  std::string listed = dir_ / "listed.db";
  ASSERT_EQ(InitConsented(listed, "--tenant C --domain contoso.example").exit_code, 0);
  ASSERT_EQ(Connect("--client-secret-file SECRET --users alice@contoso.example", listed).exit_code,
            0);
  EXPECT_EQ(Sync(listed)["folders"], 3);
}

TEST_F(GraphSync, FirstSyncOfRealMailStoresWhatIngestOfTheSameExportStores) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  json boxes = Mailboxes(0, 0);
  boxes["users"][0]["folders"] = {{{"id", "f1"},
                                   {"displayName", "Sent"},
                                   {"mbox", corpus + kEnron + "enron.allen-p._sent_mail"}},
                                  {{"id", "f2"},
                                   {"displayName", "Deleted"},
                                   {"mbox", corpus + kEnron + "enron.allen-p.deleted_items"}}};
  Start(boxes);
  ASSERT_EQ(Connect().exit_code, 0);
  json s = Sync();
  EXPECT_GT(s["messages_read"].get<int>(), 900);
  EXPECT_EQ(s["errors"], 0);
  std::string ingested = dir_ / "ingest.db";
  ASSERT_EQ(InitConsented(ingested, "--tenant Contoso --domain contoso.example --domain enron.com")
                .exit_code,
            0);
  CommandResult r = RunRapport(Db(ingested) + "ingest " + ShellQuote(dir_ / "export"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Content(), Content(ingested));
}

// Alice organises "plan" with Bob and Carol (outside) and holds "review" with Dave; Bob's
// calendar has his own copy of "plan". A meeting two and a half years back is outside the
// default window (365 days back).
json WithMeetings(json boxes) {
  const std::string alice = "alice@contoso.example", bob = "bob@contoso.example",
                    carol = "carol@fabrikam.example", dave = "dave@fabrikam.example";
  boxes["users"][0]["events"] = json::array(
      {Event("a-plan", "ical-plan", alice, {{bob, "accepted"}, {carol, "tentativelyAccepted"}}, 5),
       Event("a-review", "ical-review", alice, {{dave, "accepted"}}, -30),
       Event("a-old", "ical-old", alice, {{dave, "accepted"}}, -900)});
  // json::array: braces around one json value would copy it, not make a list.
  boxes["users"][1]["events"] =
      json::array({Event("b-plan", "ical-plan", alice, {{bob, "accepted"}, {carol, "none"}}, 5)});
  return boxes;
}

TEST_F(GraphSync, MeetingsComeFromEachCalendarOnceAndFollowMovesResponsesAndCancellations) {
  Start(WithMeetings(Mailboxes(30, 0)));
  ASSERT_EQ(Connect().exit_code, 0);
  json s = Sync();
  EXPECT_EQ(s["meetings"], 3);  // plan twice (Alice's and Bob's copies), review once
  EXPECT_EQ(s["errors"], 0);
  EXPECT_EQ(Count("SELECT count(*) FROM meeting"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM calendar_item"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM meeting WHERE uid = 'ical-old'"), 0);  // outside
  const std::string carol_says =
      "SELECT x.response FROM meeting_attendee x JOIN address a ON a.id = x.address JOIN meeting "
      "m ON m.id = x.meeting WHERE m.uid = 'ical-plan' AND a.address = 'carol@fabrikam.example'";
  EXPECT_EQ(Count(carol_says), 3);  // tentative: Bob's copy ("none") did not overwrite it
  const int64_t review_at = Count("SELECT start_at FROM meeting WHERE uid = 'ical-review'");

  // Carol declines; the review moves a day later; Alice cancels the plan, which deletes her
  // event and leaves Bob's copy marked cancelled.
  const std::string alice = "alice@contoso.example";
  emulator_->Control({{"add_event",
                       {{"user", "u-alice"},
                        {"event", Event("a-plan", "ical-plan", alice,
                                        {{"bob@contoso.example", "accepted"},
                                         {"carol@fabrikam.example", "declined"}},
                                        5)}}}});
  emulator_->Control({{"add_event",
                       {{"user", "u-alice"},
                        {"event", Event("a-review", "ical-review", alice,
                                        {{"dave@fabrikam.example", "accepted"}}, -29)}}}});
  json again = Sync();
  EXPECT_EQ(again["meetings"], 2);
  EXPECT_EQ(Count(carol_says), 4);  // declined
  // A single event's occurrence is its start: the moved review is one meeting, a day later.
  EXPECT_EQ(Count("SELECT count(*) FROM meeting WHERE uid = 'ical-review'"), 1);
  EXPECT_EQ(Count("SELECT start_at FROM meeting WHERE uid = 'ical-review'"), review_at + 86400);

  emulator_->Control({{"remove_event", {{"user", "u-alice"}, {"id", "a-plan"}}}});
  emulator_->Control(
      {{"add_event",
        {{"user", "u-bob"},
         {"event", Event("b-plan", "ical-plan", alice, {{"bob@contoso.example", "accepted"}}, 5,
                         /*cancelled=*/true)}}}});
  json third = Sync();
  EXPECT_EQ(third["removed"], 1);
  EXPECT_EQ(Count("SELECT cancelled FROM meeting WHERE uid = 'ical-plan'"), 1);
  emulator_->Control({{"remove_event", {{"user", "u-bob"}, {"id", "b-plan"}}}});
  EXPECT_EQ(Sync()["removed"], 1);
  EXPECT_EQ(Count("SELECT count(*) FROM meeting WHERE uid = 'ical-plan'"), 0);  // no copy left
  EXPECT_EQ(Count("SELECT count(*) FROM meeting"), 1);
  EXPECT_EQ(IntegrityCheck(db_), "ok");
}

// calendarView lists a series' occurrences, each with its own iCalUId, never the master: each
// is named as its series (the master's iCalUId, its originalStart), so that the invitation
// e-mail of the same series gives the same meetings. A master gone since keeps the name.
TEST_F(GraphSync, OccurrencesAreNamedByTheirSeriesAsTheInvitationNamesThem) {
  json boxes = Mailboxes(3, 0);
  const std::string alice = "alice@contoso.example";
  auto occurrence = [&](const std::string& id, const std::string& master, int days) {
    json e = Event(id, "own-" + id, alice, {{"bob@contoso.example", "accepted"}}, days);
    e["type"] = "occurrence";
    e["seriesMasterId"] = master;
    e["originalStart"] = e["start"]["dateTime"].get<std::string>().substr(0, 19) + "Z";
    return e;
  };
  boxes["users"][0]["events"] =
      json::array({occurrence("o1", "m-weekly", 7), occurrence("o2", "m-weekly", 14),
                   occurrence("o3", "m-gone", 21)});
  boxes["users"][0]["series"] =
      json::array({{{"id", "m-weekly"}, {"iCalUId", "ical-weekly"}, {"type", "seriesMaster"}}});
  Start(boxes);
  ASSERT_EQ(Connect().exit_code, 0);
  json s = Sync();
  EXPECT_EQ(s["errors"], 0);
  EXPECT_EQ(s["meetings"], 3);
  EXPECT_EQ(Count("SELECT count(*) FROM meeting WHERE uid = 'ical-weekly'"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM meeting WHERE uid = 'own-o3'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM meeting WHERE uid LIKE 'own-o_' AND uid != 'own-o3'"), 0);

  // The invitation e-mail's series, two weekly occurrences from day 7: the same two meetings.
  std::time_t first = std::time(nullptr) / 86400 * 86400 + 7 * 86400 + 10 * 3600;
  std::tm tm{};
  gmtime_r(&first, &tm);
  char start[20], end[20];
  std::strftime(start, sizeof start, "%Y%m%dT%H%M%SZ", &tm);
  first += 3600;
  gmtime_r(&first, &tm);
  std::strftime(end, sizeof end, "%Y%m%dT%H%M%SZ", &tm);
  WriteFile(dir_ / "weekly.ics",
            std::string("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
                        "METHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:ical-weekly\r\n"
                        "DTSTAMP:20260101T000000Z\r\nDTSTART:") +
                start + "\r\nDTEND:" + end +
                "\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\nORGANIZER:mailto:" + alice +
                "\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@contoso.example\r\n"
                "END:VEVENT\r\nEND:VCALENDAR\r\n");
  CommandResult r = RunRapport(Db() + "ingest " + ShellQuote(dir_ / "weekly.ics"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count("SELECT count(*) FROM meeting WHERE uid = 'ical-weekly'"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM meeting"), 3);
}

TEST_F(GraphSync, AnExpiredCalendarLinkReadsTheWindowAgainWithNothingDoubled) {
  Start(WithMeetings(Mailboxes(3, 0)));
  ASSERT_EQ(Connect("--client-secret-file SECRET --meetings-back 1000").exit_code, 0);
  EXPECT_EQ(Sync()["meetings"], 4);  // "old" is inside a 1,000-day window
  EXPECT_EQ(Count("SELECT count(*) FROM meeting"), 3);
  emulator_->Control({{"expire_links", true}});
  // Deleted while no link can say so: found by its absence from the new round.
  emulator_->Control({{"remove_event", {{"user", "u-alice"}, {"id", "a-review"}}}});
  json s = Sync();
  // Alice's three folders, Bob's inbox, two calendars, users and groups
  EXPECT_EQ(s["resyncs"], 4 + 2 + 2);
  EXPECT_EQ(s["removed"], 1);
  EXPECT_EQ(Count("SELECT count(*) FROM meeting"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM meeting WHERE uid = 'ical-review'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM calendar_item"), 3);
}

TEST_F(GraphSync, WithoutTheCalendarPermissionMailIsSyncedAndThePermissionNamedOnce) {
  Start(WithMeetings(Mailboxes(30, 0)));
  emulator_->Control({{"deny_calendar", true}});
  ASSERT_EQ(Connect().exit_code, 0);
  CommandResult r = RunRapport(Db() + "sync --json");
  EXPECT_EQ(r.exit_code, 1);
  json s = json::parse(r.out)["sources"][0];
  EXPECT_EQ(s["messages_stored"], 30);
  EXPECT_EQ(s["errors"], 1);  // once, not once per mailbox
  EXPECT_NE(s["error_messages"][0].get<std::string>().find("Calendars.ReadBasic"),
            std::string::npos)
      << s.dump();
  EXPECT_EQ(Count("SELECT count(*) FROM meeting"), 0);
  // Connected without meetings, the same app syncs cleanly.
  ASSERT_EQ(RunRapport(Db() + "connect remove m365").exit_code, 0);
  ASSERT_EQ(Connect("--client-secret-file SECRET --meetings-back 0 --meetings-ahead 0").exit_code,
            0);
  EXPECT_EQ(Sync()["errors"], 0);
}

TEST_F(GraphSync, TheDirectoryIsKeptInStepByUsersAndGroupsDelta) {
  json boxes = Mailboxes(3, 0);
  boxes["users"][0]["aliases"] = {"alice.smith@contoso.example"};
  Start(boxes);
  ASSERT_EQ(Connect().exit_code, 0);
  json s = Sync();
  EXPECT_EQ(s["directory_changes"], 3 + 1);  // Alice, Bob, the room; the sales group
  EXPECT_EQ(s["errors"], 0);
  EXPECT_EQ(Count("SELECT count(*) FROM directory_user"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM directory_user WHERE user_key = 'u-alice'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM directory_address d JOIN directory_user u ON u.id = "
                  "d.directory_user WHERE u.user_key = 'u-alice'"),
            2);  // primary and alias
  const std::string members =
      "SELECT count(*) FROM group_member m JOIN directory_group g ON g.id = m.group_id WHERE "
      "g.group_key = 'g-sales'";
  EXPECT_EQ(Count(members), 1);

  // Carol joins the company and the sales group; the room is deleted.
  emulator_->Control({{"directory_user",
                       {{"id", "u-carol"},
                        {"displayName", "Carol"},
                        {"mail", "carol@contoso.example"},
                        {"userPrincipalName", "carol@contoso.example"}}}});
  emulator_->Control(
      {{"group",
        {{"id", "g-sales"}, {"displayName", "Sales"}, {"members", {"u-bob", "u-carol"}}}}});
  emulator_->Control({{"remove_directory_user", "u-room"}});
  json again = Sync();
  EXPECT_EQ(again["directory_changes"], 3);
  EXPECT_EQ(Count("SELECT count(*) FROM directory_user"), 3);
  EXPECT_EQ(Count("SELECT count(*) FROM directory_user WHERE user_key = 'u-room'"), 0);
  EXPECT_EQ(Count(members), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM directory_group WHERE name = 'Sales'"), 1);

  // Bob leaves the group (members@delta says only that) and stays in the directory.
  emulator_->Control(
      {{"group", {{"id", "g-sales"}, {"displayName", "Sales"}, {"members", {"u-carol"}}}}});
  EXPECT_EQ(Sync()["directory_changes"], 1);
  EXPECT_EQ(Count(members), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM directory_user WHERE user_key = 'u-bob'"), 1);
  emulator_->Control({{"remove_group", "g-sales"}});
  Sync();
  EXPECT_EQ(Count("SELECT count(*) FROM directory_group"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM group_member"), 0);
  EXPECT_EQ(IntegrityCheck(db_), "ok");
}

// An expired /users/delta link means a new round from the start, which does not name users
// deleted meanwhile: the ones from Graph it did not list go; users from a CSV import stay.
TEST_F(GraphSync, AnExpiredUsersLinkRemovesTheUsersDeletedMeanwhile) {
  Start(Mailboxes(3, 0));
  ASSERT_EQ(Connect().exit_code, 0);
  EXPECT_EQ(Sync()["errors"], 0);
  EXPECT_EQ(Count("SELECT count(*) FROM directory_user"), 3);
  WriteFile(dir_ / "people.csv", "address,display_name\ndana@contoso.example,Dana\n");
  CommandResult r = RunRapport(Db() + "directory import " + ShellQuote(dir_ / "people.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count("SELECT count(*) FROM directory_user"), 4);
  emulator_->Control({{"remove_directory_user", "u-room"}});
  emulator_->Control({{"expire_links", true}});
  json s = Sync();
  EXPECT_EQ(s["errors"], 0);
  EXPECT_GE(s["resyncs"].get<int>(), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM directory_user WHERE user_key = 'u-room'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM directory_user WHERE user_key = 'dana@contoso.example'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM directory_user"), 3);  // Alice, Bob, Dana
}

// Managers come as manager@delta: set by the first round, kept while a user's other fields
// change (the delta then says nothing of the manager), moved, and taken away.
TEST_F(GraphSync, ManagersFollowTheUsersDelta) {
  json boxes = Mailboxes(3, 0);
  boxes["users"][0]["manager"] = "u-bob";
  Start(boxes);
  ASSERT_EQ(Connect().exit_code, 0);
  EXPECT_EQ(Sync()["errors"], 0);
  const std::string managed_by =
      "SELECT count(*) FROM directory_user WHERE user_key = 'u-alice' AND manager = ";
  EXPECT_EQ(Count(managed_by + "'u-bob'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM directory_user WHERE manager != ''"), 1);
  auto alice = [](const json& manager) {
    json u = {{"id", "u-alice"},
              {"displayName", "Alice Smith"},
              {"mail", "alice@contoso.example"},
              {"userPrincipalName", "alice@contoso.example"}};
    if (!manager.is_null()) u["manager"] = manager;
    return json{{"directory_user", u}};
  };
  emulator_->Control(alice("u-bob"));  // renamed, same manager
  EXPECT_EQ(Sync()["directory_changes"], 1);
  EXPECT_EQ(Count(managed_by + "'u-bob'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM directory_user WHERE display_name = 'Alice Smith'"), 1);
  emulator_->Control({{"directory_user",
                       {{"id", "u-carol"},
                        {"displayName", "Carol"},
                        {"mail", "carol@contoso.example"},
                        {"userPrincipalName", "carol@contoso.example"}}}});
  emulator_->Control(alice("u-carol"));
  Sync();
  EXPECT_EQ(Count(managed_by + "'u-carol'"), 1);
  emulator_->Control(alice(nullptr));
  Sync();
  EXPECT_EQ(Count(managed_by + "''"), 1);
}

TEST_F(GraphSync, WithoutTheGroupPermissionTheRestIsSyncedAndThePermissionNamed) {
  Start(Mailboxes(6, 0));
  emulator_->Control({{"deny_groups", true}});
  ASSERT_EQ(Connect().exit_code, 0);
  CommandResult r = RunRapport(Db() + "sync --json");
  EXPECT_EQ(r.exit_code, 1);
  json s = json::parse(r.out)["sources"][0];
  EXPECT_EQ(s["messages_stored"], 6);
  EXPECT_EQ(s["errors"], 1);
  const std::string said = s["error_messages"][0];
  EXPECT_NE(said.find("GroupMember.Read.All"), std::string::npos) << said;
  EXPECT_NE(said.find("--no-directory"), std::string::npos) << said;
  EXPECT_EQ(Count("SELECT count(*) FROM directory_user"), 3);  // users came before groups
  ASSERT_EQ(RunRapport(Db() + "connect remove m365").exit_code, 0);
  ASSERT_EQ(Connect("--client-secret-file SECRET --no-directory").exit_code, 0);
  EXPECT_EQ(Sync()["errors"], 0);
}

// The documentation's calendarView delta example (three pages, five events in December 2016),
// served as one calendar: every event is a meeting, and the emulator's links have its shape.
TEST_F(GraphSync, TheDocumentedCalendarViewEventsAreStoredAndTheLinksHaveTheirShape) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  json events = json::array();
  std::string documented_next;
  for (int step = 1; step <= 3; ++step) {
    json page = json::parse(ReadFile(corpus +
                                     "/microsoftgraph_microsoft-graph-docs-contrib/concepts/"
                                     "delta-query-events.step" +
                                     std::to_string(step) + ".response.json"));
    for (const auto& e : page["value"]) events.push_back(e);
    if (step == 1) documented_next = page["@odata.nextLink"];
  }
  ASSERT_EQ(events.size(), 5u);
  json boxes = Mailboxes(0, 0);
  boxes["users"][0]["events"] = events;
  Start(boxes);
  // December 2016 is about ten years back: a window that reaches it.
  ASSERT_EQ(Connect("--client-secret-file SECRET --meetings-back 4000").exit_code, 0);
  json s = Sync();
  EXPECT_EQ(s["meetings"], 5);
  EXPECT_EQ(s["rejected"], 0);
  EXPECT_EQ(Count("SELECT count(*) FROM meeting"), 5);
  EXPECT_EQ(Count("SELECT count(*) FROM meeting WHERE uid = 'graph:AAMkADj1HuAAA='"), 1);
  // Nothing of the default window (a year back) holds them.
  std::string recent = dir_ / "recent.db";
  ASSERT_EQ(InitConsented(recent, "--tenant C --domain contoso.example").exit_code, 0);
  ASSERT_EQ(Connect("--client-secret-file SECRET", recent).exit_code, 0);
  EXPECT_EQ(Sync(recent)["meetings"], 0);

  httplib::Client c(emulator_->url());
  auto token = c.Post("/" + std::string(kTenant) + "/oauth2/v2.0/token",
                      "grant_type=client_credentials&client_id=" + std::string(kClient) +
                          "&client_secret=the-secret&scope=x%2F.default",
                      "application/x-www-form-urlencoded");
  ASSERT_TRUE(token && token->status == 200);
  httplib::Headers auth{
      {"Authorization", "Bearer " + json::parse(token->body)["access_token"].get<std::string>()},
      {"Prefer", "odata.maxpagesize=2"}};
  auto page = c.Get(
      "/v1.0/users/u-alice/calendarView/delta?startDateTime=2016-12-01T00:00:00Z&"
      "endDateTime=2016-12-30T00:00:00Z",
      auth);
  ASSERT_TRUE(page && page->status == 200);
  json mine = json::parse(page->body);
  EXPECT_EQ(mine["value"].size(), 2u);
  auto shape = [](const std::string& link) {
    return link.find("/calendarView/delta?$skiptoken=") != std::string::npos;
  };
  EXPECT_TRUE(shape(documented_next));
  EXPECT_TRUE(shape(mine["@odata.nextLink"].get<std::string>()));
  // Documented: no $select on calendarView delta, and the window is required.
  auto selected = c.Get(
      "/v1.0/users/u-alice/calendarView/delta?startDateTime=2016-12-01T00:00:00Z&"
      "endDateTime=2016-12-30T00:00:00Z&$select=id",
      auth);
  ASSERT_TRUE(selected);
  EXPECT_EQ(selected->status, 400);
  auto unbounded = c.Get("/v1.0/users/u-alice/calendarView/delta", auth);
  ASSERT_TRUE(unbounded);
  EXPECT_EQ(unbounded->status, 400);
}

// The emulator answers like the documentation's example response (../shared/corpus).
TEST_F(GraphSync, TheEmulatorAnswersAsTheDocumentedExample) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  json example =
      json::parse(ReadFile(corpus + "/microsoftgraph_microsoft-graph-docs-contrib/api-reference/"
                                    "v1.0/api/message-delta.example.response.json"));
  json one =
      json::parse(ReadFile(corpus + "/microsoftgraph_microsoft-graph-docs-contrib/api-reference/"
                                    "v1.0/api/message-get.example1.response.json"),
                  nullptr, false);
  Start(Mailboxes(30, 0));
  httplib::Client c(emulator_->url());
  auto token = c.Post("/" + std::string(kTenant) + "/oauth2/v2.0/token",
                      "grant_type=client_credentials&client_id=" + std::string(kClient) +
                          "&client_secret=the-secret&scope=x%2F.default",
                      "application/x-www-form-urlencoded");
  ASSERT_TRUE(token && token->status == 200);
  std::string bearer = "Bearer " + json::parse(token->body)["access_token"].get<std::string>();
  auto page = c.Get("/v1.0/users/u-alice/mailFolders/f-inbox/messages/delta",
                    httplib::Headers{{"Authorization", bearer}, {"Prefer", "odata.maxpagesize=2"}});
  ASSERT_TRUE(page && page->status == 200);
  json mine = json::parse(page->body);
  ASSERT_TRUE(mine.contains("@odata.nextLink"));
  // The next link has the documented shape: .../mailfolders/{id}/messages/delta?$skiptoken=...
  auto shape = [](std::string link) {
    for (char& ch : link) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    size_t at = link.find("/messages/delta?$skiptoken=");
    return at != std::string::npos && link.find("/mailfolders/") < at;
  };
  EXPECT_TRUE(shape(example["@odata.nextLink"].get<std::string>()));
  EXPECT_TRUE(shape(mine["@odata.nextLink"].get<std::string>()));
  // Every property the emulator gives a message is a documented message property.
  std::set<std::string> documented;
  for (const auto& item : example["value"]) {
    for (auto it = item.begin(); it != item.end(); ++it) documented.insert(it.key());
  }
  ASSERT_TRUE(one.is_object());
  for (auto it = one.begin(); it != one.end(); ++it) documented.insert(it.key());
  for (const auto& item : mine["value"]) {
    for (auto it = item.begin(); it != item.end(); ++it) {
      EXPECT_TRUE(documented.count(it.key()) || it.key().rfind("@odata.", 0) == 0) << it.key();
    }
  }
  auto mailbox_wide =
      c.Get("/v1.0/users/u-alice/messages/delta", httplib::Headers{{"Authorization", bearer}});
  ASSERT_TRUE(mailbox_wide);
  EXPECT_EQ(mailbox_wide->status, 400);  // Graph has no mailbox-wide message delta
}

}  // namespace
}  // namespace rapport::testing
