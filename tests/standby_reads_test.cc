// `rapport serve --db-read` (issue 21): insight reads come from a streaming standby made with
// pg_basebackup, while the decision's inputs (consent, opt-outs) and its writes (the audit) stay
// on the primary, and nothing erased on the primary is ever read back from a standby that has
// not replayed the erasure. The standby's replay is paused to tell the two databases apart.
#include <gtest/gtest.h>
#include <httplib.h>

#include <ctime>
#include <nlohmann/json.hpp>
#include <thread>

#include "mail_fixtures.h"
#include "postgres_server.h"
#include "rapport/server/server.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

const std::string kAdmin = "admin@rapport-tests.example";

// `days` ago (UTC) in `format` (strftime).
std::string DaysAgo(int days, const char* format) {
  const std::time_t t = std::time(nullptr) - static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[64];
  std::strftime(out, sizeof out, format, &tm);
  return out;
}

class StandbyReads : public ::testing::Test {
 protected:
  void SetUp() override {
    RAPPORT_REQUIRE_POSTGRES();
    url_ = primary_.NewDatabase();
    flags_ = "--db " + url_ + " --keys " + (dir_ / "s.keys");
    Run("init --tenant N --domain northwind.example --admin " + kAdmin);
    for (const char* type : {"personal", "aggregated", "identifiable"}) {
      Run(std::string("consent grant ") + type + " --by " + kAdmin);
    }
    Exchange("1", "alice", "carol@fabrikam.example", 100);
    auto token = RunRapport(flags_ + " token create --user " + kAdmin + " --json");
    ASSERT_EQ(token.exit_code, 0) << token.err;
    token_ = nlohmann::json::parse(token.out)["token"];
    standby_ = primary_.Standby();
    ASSERT_TRUE(standby_->CaughtUpWith(primary_));
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  void Run(const std::string& command) {
    auto r = RunRapport(flags_ + " " + command);
    ASSERT_EQ(r.exit_code, 0) << command << ": " << r.err;
  }

  // `who`@northwind.example and `contact` write to each other `days` ago, ingested on the
  // primary.
  void Exchange(const std::string& n, const std::string& who, const std::string& contact,
                int days) {
    const std::string me = who + "@northwind.example";
    const std::string folder = dir_ / ("mail" + n);
    const std::string day = DaysAgo(days, "%d %b %Y");
    WriteFile(folder + "/cur/1", Mail(n + "a@x", day + " 09:00:00 +0000", me, contact));
    WriteFile(folder + "/cur/2", Mail(n + "b@x", day + " 12:00:00 +0000", contact, me));
    Run("ingest --no-train " + folder);
  }

  void Serve() {
    server::ServerOptions options;
    options.db = url_;
    options.keys = dir_ / "s.keys";
    options.db_read = standby_->AppUrl(url_.substr(url_.rfind('/') + 1));
    options.port = 0;
    options.access_log = false;
    auto server = server::Server::Create(options);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { EXPECT_TRUE(server_->Serve().ok()); });
  }

  // The colleagues the server names for `contact`, in order; "404" when it knows no such person.
  std::string WhoKnows(const std::string& contact) {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30, 0);
    auto res = client.Get("/v1/who-knows?target=" + contact + "&as_of=" + DaysAgo(0, "%Y-%m-%d"),
                          httplib::Headers{{"Authorization", "Bearer " + token_}});
    if (!res) return "no answer";
    if (res->status == 404) return "404";
    if (res->status != 200) return std::to_string(res->status) + " " + res->body;
    std::string names;
    const auto answer = nlohmann::json::parse(res->body);
    for (const auto& c : answer["colleagues"]) {
      names += (names.empty() ? "" : " ") + c["address"].get<std::string>();
    }
    return names;
  }

  // /metrics' count of insight reads that went where `read` says.
  int64_t Reads(const std::string& read) {
    httplib::Client client("127.0.0.1", port_);
    auto res = client.Get("/metrics");
    if (!res) return -1;
    const std::string key = "rapport_standby_reads_total{read=\"" + read + "\"} ";
    const size_t at = res->body.find(key);
    return at == std::string::npos ? -1 : std::stoll(res->body.substr(at + key.size()));
  }

  void Replay(bool on) {
    const std::string sql = on ? "SELECT pg_wal_replay_resume()" : "SELECT pg_wal_replay_pause()";
    PostgresServer::Query(standby_->Url("postgres"), sql);
  }

  TempDir dir_;
  PostgresServer primary_;
  std::unique_ptr<PostgresServer> standby_;
  std::string url_, flags_, token_;
  std::unique_ptr<server::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST_F(StandbyReads, ServeReadsTheStandbyButDecidesAndAuditsOnThePrimary) {
  Serve();
  const int64_t on_standby = Reads("standby");
  EXPECT_EQ(WhoKnows("carol@fabrikam.example"), "alice@northwind.example");
  EXPECT_EQ(Reads("standby"), on_standby + 1);
  Replay(false);
  // bob's mail reaches the primary only: the answer still comes from the standby.
  Exchange("2", "bob", "carol@fabrikam.example", 10);
  EXPECT_EQ(WhoKnows("carol@fabrikam.example"), "alice@northwind.example");
  auto primary = RunRapport(flags_ + " who-knows carol@fabrikam.example --as " + kAdmin +
                            " "
                            "--as-of " +
                            DaysAgo(0, "%Y-%m-%d"));
  EXPECT_NE(primary.out.find("bob@northwind.example"), std::string::npos) << primary.out;
  // An opt-out is read where it was written: alice goes at once, though the standby lags.
  Run("optout add alice@northwind.example");
  EXPECT_EQ(WhoKnows("carol@fabrikam.example"), "");
  // Every request was audited on the primary, in one valid chain.
  auto audit = RunRapport(flags_ + " audit verify");
  EXPECT_EQ(audit.exit_code, 0) << audit.out << audit.err;
}

TEST_F(StandbyReads, WhatThePrimaryErasedIsNeverReadFromALaggingStandby) {
  Exchange("2", "bob", "carol@fabrikam.example", 10);
  Run("settings set retention_days 50 --by " + kAdmin);
  ASSERT_TRUE(standby_->CaughtUpWith(primary_));
  Serve();
  EXPECT_EQ(WhoKnows("carol@fabrikam.example"), "bob@northwind.example alice@northwind.example");
  Replay(false);
  // alice's mail with carol (100 days old) expires: purged on the primary, not yet on the
  // standby. The server must not answer from the standby until it has replayed the purge.
  Run("purge --expired");
  const int64_t behind = Reads("primary_standby_behind");
  EXPECT_EQ(WhoKnows("carol@fabrikam.example"), "bob@northwind.example");
  EXPECT_EQ(Reads("primary_standby_behind"), behind + 1);
  Replay(true);
  ASSERT_TRUE(standby_->CaughtUpWith(primary_));
  EXPECT_EQ(WhoKnows("carol@fabrikam.example"), "bob@northwind.example");
  // A standby that stops answering is passed by: the primary answers.
  standby_.reset();
  const int64_t unreachable = Reads("primary_standby_unreachable");
  EXPECT_EQ(WhoKnows("carol@fabrikam.example"), "bob@northwind.example");
  EXPECT_EQ(Reads("primary_standby_unreachable"), unreachable + 1);
}

TEST_F(StandbyReads, ServeRefusesAStandbyThatIsNotACopyOfItsStore) {
  server::ServerOptions options;
  options.db = url_;
  options.keys = dir_ / "s.keys";
  options.db_read = primary_.NewDatabase();  // an empty database, not a copy
  options.port = 0;
  auto server = server::Server::Create(options);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("is not a copy of the store at --db"), std::string::npos)
      << server.status().message();
  auto cli = RunRapport(flags_ + " serve --listen 127.0.0.1:0 --db-read " + (dir_ / "x.db"));
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_NE(cli.err.find("--db-read"), std::string::npos) << cli.err;
}

}  // namespace
}  // namespace rapport::testing
