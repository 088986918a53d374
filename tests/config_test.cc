// The configuration file as an operator meets it: its settings reach the commands, flags and
// environment variables win over it, `rapport config check` names the line of every problem,
// and the manual lists every command.
#include <gtest/gtest.h>

#include "test_support.h"

namespace rapport::testing {
namespace {

class ConfigFileTest : public ::testing::Test {
 protected:
  // Writes `text` as the configuration file and returns its path.
  std::string Config(const std::string& text) {
    const std::string path = dir_ / "rapport.toml";
    WriteFile(path, text);
    return path;
  }
  std::string Store(const std::string& name = "store.db") { return dir_ / name; }

  TempDir dir_;
};

const std::string kInit =
    " init --tenant Contoso --domain contoso.example --admin it@contoso.example";

TEST_F(ConfigFileTest, TheFilesStoreIsTheOneCommandsUse) {
  const std::string config = Config("db = \"" + Store() + "\"\n");
  ASSERT_EQ(RunRapport("--config " + ShellQuote(config) + kInit).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(Store()));
  EXPECT_TRUE(std::filesystem::exists(Store() + ".keys"));
  // Through RAPPORT_CONFIG, as a unit file's Environment= would set it.
  auto stats = RunRapport("stats --json", "RAPPORT_CONFIG=" + ShellQuote(config));
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find("\"tenant\": \"Contoso\""), std::string::npos) << stats.out;
}

TEST_F(ConfigFileTest, FlagsAndEnvironmentWinOverTheFile) {
  const std::string config = Config("db = \"" + Store("from-file.db") + "\"\n");
  ASSERT_EQ(
      RunRapport("--config " + ShellQuote(config) + " --db " + ShellQuote(Store("flag.db")) + kInit)
          .exit_code,
      0);
  EXPECT_TRUE(std::filesystem::exists(Store("flag.db")));
  ASSERT_EQ(RunRapport("--config " + ShellQuote(config) + kInit,
                       "RAPPORT_DB=" + ShellQuote(Store("env.db")))
                .exit_code,
            0);
  EXPECT_TRUE(std::filesystem::exists(Store("env.db")));
  EXPECT_FALSE(std::filesystem::exists(Store("from-file.db")));
}

// The file's key file goes with the file's store: a store named on the command line (or by
// RAPPORT_DB) keeps its own, beside it.
TEST_F(ConfigFileTest, AnotherStoreKeepsItsOwnKeyFile) {
  const std::string config =
      Config("db = \"" + Store() + "\"\nkeys = \"" + (dir_ / "file.keys") + "\"\n");
  ASSERT_EQ(RunRapport("--config " + ShellQuote(config) + kInit).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "file.keys"));
  ASSERT_EQ(
      RunRapport("--config " + ShellQuote(config) + " --db " + ShellQuote(Store("b.db")) + kInit)
          .exit_code,
      0);
  EXPECT_TRUE(std::filesystem::exists(Store("b.db") + ".keys"));
  auto stats = RunRapport("--config " + ShellQuote(config) + " stats");
  EXPECT_EQ(stats.exit_code, 0) << stats.err;  // the file's store still opens with its key file
}

TEST_F(ConfigFileTest, CheckNamesTheLineOfEachProblem) {
  const std::string config = Config("db = \"" + Store() +
                                    "\"\n"                                // 1
                                    "\n"                                  // 2
                                    "[serve]\n"                           // 3
                                    "listen = \"127.0.0.1:8765\"\n"       // 4
                                    "threads = 500\n"                     // 5
                                    "web_rooot = \"/srv/web\"\n"          // 6
                                    "tls_cert = \"/no/such/cert.pem\"\n"  // 7
                                    "access_log = \"no\"\n"               // 8
                                    "[sync]\n"                            // 9
                                    "interval = [1, 2]\n"                 // 10
                                    "[ingest]\n"                          // 11
                                    "batch = 5\n");                       // 12
  auto r = RunRapport("config check " + ShellQuote(config));
  EXPECT_EQ(r.exit_code, 1);
  for (const std::string& expected :
       {config + ":5: serve.threads: Value 500 not in range",
        config + ":6: serve.web_rooot: no such option of rapport serve (it has: listen,",
        config + ":7: serve.tls_cert: File does not exist: /no/such/cert.pem",
        config + ":8: serve.access_log: takes true or false",
        config + ":10: sync.interval: takes one value, not a list",
        config + ":11: [ingest]: not a section rapport reads",
        std::string("6 problems (each line above says where)")}) {
    EXPECT_NE(r.err.find(expected), std::string::npos) << expected << "\n" << r.err;
  }
  // A command run with the file refuses it the same way, before touching any store.
  auto serve = RunRapport("--config " + ShellQuote(config) + " serve");
  EXPECT_EQ(serve.exit_code, 2);
  EXPECT_NE(serve.err.find(":5: serve.threads:"), std::string::npos) << serve.err;
}

TEST_F(ConfigFileTest, CheckReportsSyntaxErrorsWithLineAndColumn) {
  auto r = RunRapport("config check " + ShellQuote(Config("db = \"x.db\"\n[serve\nlisten = 1\n")));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("rapport.toml:2:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(the file is TOML: toml.io)"), std::string::npos) << r.err;
}

TEST_F(ConfigFileTest, CheckJudgesOptionsThatGoTogether) {
  const std::string config = Config("db = \"" + Store() +
                                    "\"\n[serve]\n"
                                    "oidc_issuer = \"https://login.example\"\n");
  auto r = RunRapport("config check " + ShellQuote(config));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(config + ":2: [serve]: single sign-on needs both --oidc-issuer and "
                                "--oidc-client-id"),
            std::string::npos)
      << r.err;
  auto missing_folder =
      RunRapport("config check " + ShellQuote(Config("db = \"/no/such/folder/r.db\"\n")));
  EXPECT_EQ(missing_folder.exit_code, 1);
  EXPECT_NE(missing_folder.err.find(":1: db: the folder /no/such/folder does not exist"),
            std::string::npos)
      << missing_folder.err;
}

// A store in PostgreSQL has no key file beside it: the check asks for one; and its URL, which
// may hold a password, is never printed.
TEST_F(ConfigFileTest, CheckAsksADatabaseStoreForItsKeyFileAndNeverPrintsItsUrl) {
  const std::string url = "postgresql://rapport:s3cret@127.0.0.1/rapport";
  auto missing = RunRapport("config check " + ShellQuote(Config("db = \"" + url + "\"\n")));
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("keys (not in the file): a store in PostgreSQL keeps its keys"),
            std::string::npos)
      << missing.err;
  auto good = RunRapport("config check " +
                         ShellQuote(Config("db = \"" + url + "\"\nkeys = \"/k.keys\"\n")));
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_NE(good.out.find("store: a PostgreSQL database"), std::string::npos) << good.out;
  EXPECT_EQ((missing.out + missing.err + good.out + good.err).find("s3cret"), std::string::npos);
}

TEST_F(ConfigFileTest, AGoodFileIsSaidToBeGoodWithWhatItSets) {
  const std::string secret = dir_ / "oidc-secret";
  WriteFile(secret, "s3cret\n");
  const std::string config = Config("db = \"" + Store() +
                                    "\"\n[serve]\nlisten = \"127.0.0.1:9000\"\n"
                                    "oidc_issuer = \"https://login.example\"\n"
                                    "oidc_client_id = \"rapport\"\n"
                                    "oidc_client_secret_file = \"" +
                                    secret + "\"\n[sync]\nsources = [\"box\", \"m365\"]\n");
  std::filesystem::permissions(config, std::filesystem::perms(0640));
  auto r = RunRapport("config check " + ShellQuote(config));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, config +
                       ": ok (sets db, serve.listen, serve.oidc_issuer, serve.oidc_client_id, "
                       "serve.oidc_client_secret_file, sync.sources)\nstore: " +
                       Store() + " (not made yet: rapport init makes it)\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out.find("s3cret"), std::string::npos);  // a secret is never shown
  std::filesystem::permissions(config, std::filesystem::perms(0644));
  EXPECT_NE(RunRapport("config check " + ShellQuote(config)).err.find("readable by every user"),
            std::string::npos);
}

TEST_F(ConfigFileTest, SyncTakesItsSourcesFromTheFile) {
  const std::string config = Config("db = \"" + Store() + "\"\n[sync]\nsources = [\"nowhere\"]\n");
  ASSERT_EQ(InitConsented(Store(), "--tenant Contoso --domain contoso.example").exit_code, 0);
  auto r = RunRapport("--config " + ShellQuote(config) + " sync");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no source named 'nowhere'"), std::string::npos) << r.err;
}

TEST_F(ConfigFileTest, AMissingNamedFileIsAnError) {
  auto r = RunRapport("--config " + ShellQuote(dir_ / "none.toml") + " stats");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot read the configuration file " + (dir_ / "none.toml")),
            std::string::npos)
      << r.err;
}

TEST(ManPage, ListsEveryCommandAndItsOptions) {
  auto r = RunRapport("man-page");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind(".TH RAPPORT 1", 0), 0u);
  for (const char* expected : {".SS serve\n", ".SS config check\n", ".SS consent grant\n",
                               ".SS who\\-knows\n", ".B \\-\\-ready\\-sync\\-within",
                               ".B \\-\\-access\\-log,\\-\\-quiet", ".SH CONFIGURATION"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected;
  }
  EXPECT_EQ(r.out.find(".SS man-page"), std::string::npos);  // the hidden command itself
}

}  // namespace
}  // namespace rapport::testing
