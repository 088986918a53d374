// IMAP XOAUTH2 against a real Dovecot whose oauth2 passdb checks each token at an RFC 7662
// introspection endpoint the test runs (tests/oauth2_introspection.py): the token file is read
// at every connection, so a token another process refreshed is used at the next sync; a revoked
// token gets one line naming the file; the token itself is never stored.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "dovecot_server.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

// The introspection endpoint: a token is active while it is a line of `tokens_file`.
class IntrospectionServer {
 public:
  IntrospectionServer(const std::string& tokens_file, const std::string& user) {
    port_ = FreeLoopbackPort();
    pid_ = fork();
    if (pid_ == 0) {
      std::string script = std::string(RAPPORT_SOURCE_DIR) + "/tests/oauth2_introspection.py";
      std::string port = std::to_string(port_);
      execlp("python3", "python3", script.c_str(), "--port", port.c_str(), "--tokens",
             tokens_file.c_str(), "--user", user.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200 && !PortAccepts(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~IntrospectionServer() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  IntrospectionServer(const IntrospectionServer&) = delete;
  IntrospectionServer& operator=(const IntrospectionServer&) = delete;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/introspect"; }
  bool up() const { return PortAccepts(port_); }

 private:
  int port_ = 0;
  pid_t pid_ = -1;
};

std::string Message(int i) {
  return "Message-ID: <oauth" + std::to_string(i) +
         "@contoso.example>\r\nDate: Tue, 2 Jun 2026 10:0" + std::to_string(i) +
         ":00 +0000\r\nFrom: alice@contoso.example\r\nTo: bob@fabrikam.example\r\nSubject: s" +
         std::to_string(i) + "\r\n\r\nbody\r\n";
}

TEST(ImapOAuth, ARefreshedTokenIsUsedAtTheNextSyncAndARevokedOneGetsOneLine) {
  RAPPORT_REQUIRE_DOVECOT();
  TempDir dir;
  WriteFile(dir / "issued", "token-one\n");
  IntrospectionServer introspection(dir / "issued", "alice");
  ASSERT_TRUE(introspection.up()) << "the introspection endpoint did not start (python3 needed)";
  DovecotServer server("alice", "s3cret", introspection.url());
  ASSERT_TRUE(PortAccepts(server.imaps_port())) << server.log();
  server.Deliver("", "m1", Message(1));
  server.OwnMail();
  std::string db = dir / "r.db", token = dir / "token";
  ASSERT_EQ(InitConsented(db, "--tenant Contoso --domain contoso.example").exit_code, 0);
  std::string with_db = "--db " + ShellQuote(db) + " ";
  WriteFile(token, "token-one\n");
  CommandResult r = RunRapport(
      with_db + "connect imap box --url imaps://localhost:" + std::to_string(server.imaps_port()) +
      " --user alice --oauth2-token-file " + ShellQuote(token) + " --ca-file " +
      ShellQuote(server.ca_file()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunRapport(with_db + "sync --json");
  ASSERT_EQ(r.exit_code, 0) << r.err << server.log();
  EXPECT_EQ(json::parse(r.out)["sources"][0]["messages_stored"], 1);
  EXPECT_NE(server.log().find("method=XOAUTH2"), std::string::npos) << server.log();

  // The provider rotates the token before the refresher has written the new one.
  WriteFile(dir / "issued", "token-two\n");
  server.Deliver("", "m2", Message(2));
  server.OwnMail();
  r = RunRapport(with_db + "sync");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("refused alice's OAuth token (check --oauth2-token-file)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(CountRows(db, "SELECT count(*) FROM message"), 1);

  // The refresher writes it; the next sync, with nothing changed in rapport, uses it.
  WriteFile(token, "token-two\n");
  r = RunRapport(with_db + "sync --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["sources"][0]["messages_stored"], 1) << r.out;
  EXPECT_EQ(CountRows(db, "SELECT count(*) FROM message"), 2);
  EXPECT_EQ(CountRows(db, "SELECT count(*) FROM sync_source WHERE config LIKE '%token-%'"), 0);
}

}  // namespace
}  // namespace rapport::testing
