// `rapport serve` as a process: it listens where it is told, answers over TLS when given a
// certificate, refuses bad options with a usage error, and on SIGTERM finishes the request in
// flight before it exits 0.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "raw_connection.h"
#include "test_support.h"

extern char** environ;

namespace rapport::testing {
namespace {

// A `rapport serve` child with its stderr in a file; killed if still running at the end.
class ServeProcess {
 public:
  // `global`: options before the subcommand (--keys).
  ServeProcess(const std::string& db, const std::vector<std::string>& extra,
               const std::vector<std::string>& global = {}) {
    std::vector<std::string> args = {RAPPORT_BINARY, "--db", db};
    args.insert(args.end(), global.begin(), global.end());
    for (const char* a : {"serve", "--listen", "127.0.0.1:0"}) args.push_back(a);
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, (dir_ / "err").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn(&pid_, RAPPORT_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    // The port is in the first line: "... listening on http://127.0.0.1:PORT/ ...".
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
      const std::string err = Stderr();
      auto at = err.find("127.0.0.1:");
      if (at != std::string::npos) port_ = std::atoi(err.c_str() + at + 10);
    }
  }
  ~ServeProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  // Sends SIGTERM and returns the exit code (-1 when it did not exit within 10 s).
  int Terminate() {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 400; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return -1;
  }
  std::string Stderr() const { return ReadFile(dir_ / "err"); }
  int port() const { return port_; }

 private:
  TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool exited_ = false;
};

class ServeCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    auto init = InitConsented(db_, "--tenant Northwind --domain northwind.example");
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }
  TempDir dir_;
  std::string db_ = dir_ / "s.db";
};

TEST_F(ServeCommand, SigtermLetsTheRequestInFlightFinish) {
  ServeProcess serve(db_, {"--quiet"});
  ASSERT_GT(serve.port(), 0) << serve.Stderr();
  // A request half sent when SIGTERM arrives: the server must still answer it.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(serve.port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string head = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n";
  ASSERT_EQ(write(fd, head.data(), head.size()), static_cast<ssize_t>(head.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the worker is reading it
  int code = -2;
  std::thread stop([&] { code = serve.Terminate(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string rest = "Connection: close\r\n\r\n";
  ASSERT_EQ(write(fd, rest.data(), rest.size()), static_cast<ssize_t>(rest.size()));
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) response.append(buf, n);
  close(fd);
  stop.join();
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK", 0), 0u) << response;
  EXPECT_NE(response.find(R"({"status":"ok"})"), std::string::npos);
  EXPECT_EQ(code, 0) << serve.Stderr();
  EXPECT_NE(serve.Stderr().find("rapport serve: stopped"), std::string::npos) << serve.Stderr();
}

// A [serve] section sets serve's options (here: no access log); a flag still wins over it.
TEST_F(ServeCommand, TakesItsOptionsFromTheConfigurationFile) {
  const std::string config = dir_ / "rapport.toml";
  WriteFile(config, "[serve]\naccess_log = false\nthreads = 2\n");
  auto served_lines = [&](const std::vector<std::string>& extra) {
    ServeProcess serve(db_, extra, {"--config", config});
    EXPECT_GT(serve.port(), 0) << serve.Stderr();
    httplib::Client client("127.0.0.1", serve.port());
    EXPECT_EQ(client.Get("/healthz")->status, 200);
    EXPECT_EQ(serve.Terminate(), 0);
    return serve.Stderr();
  };
  const std::string quiet = served_lines({});
  EXPECT_EQ(quiet.find("GET /healthz"), std::string::npos) << quiet;
  const std::string logged = served_lines({"--access-log"});
  EXPECT_NE(logged.find("GET /healthz 200"), std::string::npos) << logged;
}

TEST_F(ServeCommand, ServesHttpsWithACertificate) {
  const std::string cert = dir_ / "cert.pem", key = dir_ / "key.pem";
  const std::string make =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
      "-keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  if (std::system(make.c_str()) != 0) GTEST_SKIP() << "the openssl command is not installed";
  ServeProcess serve(db_, {"--tls-cert", cert, "--tls-key", key});
  ASSERT_GT(serve.port(), 0) << serve.Stderr();
  EXPECT_NE(serve.Stderr().find("https://127.0.0.1:"), std::string::npos);
  httplib::SSLClient client("127.0.0.1", serve.port());
  client.enable_server_certificate_verification(false);  // self-signed for the test
  auto res = client.Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  // Finding 11: under TLS every answer tells browsers to keep to HTTPS, and says nosniff.
  EXPECT_EQ(res->get_header_value("Strict-Transport-Security"), "max-age=31536000");
  EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
  auto denied = client.Get("/v1/session");
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);
  EXPECT_EQ(denied->get_header_value("Strict-Transport-Security"), "max-age=31536000");
  EXPECT_EQ(serve.Terminate(), 0);
}

// Finding 9: every request is logged, refusals and 4xx included, each with its request id, and
// no log line holds a path, an address or a byte that could steer a terminal.
TEST_F(ServeCommand, EveryRequestIsLoggedWithItsIdAndNothingTheCallerChose) {
  ServeProcess serve(db_, {});
  ASSERT_GT(serve.port(), 0) << serve.Stderr();
  const std::pair<std::string, int> requests[] = {
      {"GET /%1b[31malice@northwind.example HTTP/1.1\r\n", 404},
      {"GET /a%0Ab%0d%0a HTTP/1.1\r\n", 404},
      {"GET /v1/who-knows?target=bob@fabrikam.example HTTP/1.1\r\n", 401},
      {"GET /v1/who-knows?target=%ff HTTP/1.1\r\n", 400},
      {"GET /healthz HTTP/1.1\r\n", 200},
  };
  for (const auto& [line, status] : requests) {
    RawConnection c(serve.port());
    const std::string raw = c.Exchange(line + "Host: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(StatusOf(raw), status) << line << raw;
  }
  RawConnection broken(serve.port());
  EXPECT_EQ(StatusOf(broken.Exchange("G\x1bT / HTTP/1.1\r\n\r\n")), 400);
  EXPECT_EQ(serve.Terminate(), 0);
  const std::string log = serve.Stderr();
  EXPECT_EQ(log.find('\x1b'), std::string::npos) << log;
  EXPECT_EQ(log.find('@'), std::string::npos) << log;
  EXPECT_EQ(log.find("alice"), std::string::npos) << log;
  EXPECT_EQ(log.find("fabrikam"), std::string::npos) << log;
  // One line per request, each ending in its 16-digit request id.
  size_t lines = 0;
  std::istringstream in(log);
  for (std::string l; std::getline(in, l);) {
    if (l.find(" ms ") == std::string::npos) continue;
    ++lines;
    EXPECT_EQ(l.find_last_of(' '), l.size() - 17) << l;
  }
  EXPECT_EQ(lines, 6u) << log;
  for (const char* status : {" 404 ", " 401 ", " 400 ", " 200 "}) {
    EXPECT_NE(log.find(status), std::string::npos) << status << log;
  }
}

// The key file may live apart from the store (docs/security-keys.md): serve finds it with --keys.
TEST_F(ServeCommand, ServesAStoreWhoseKeyFileIsElsewhere) {
  const std::string db = dir_ / "k.db", keys = dir_ / "vault.keys";
  const std::string global = "--db " + ShellQuote(db) + " --keys " + ShellQuote(keys);
  auto init = RunRapport(global +
                         " init --tenant Northwind --domain northwind.example --admin "
                         "it@northwind.example");
  ASSERT_EQ(init.exit_code, 0) << init.err;
  auto created = RunRapport(global + " token create --user it@northwind.example --json");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string token = nlohmann::json::parse(created.out).value("token", "");
  ASSERT_FALSE(token.empty());
  ServeProcess serve(db, {"--quiet"}, {"--keys", keys});
  ASSERT_GT(serve.port(), 0) << serve.Stderr();
  httplib::Client client("127.0.0.1", serve.port());
  auto res = client.Get("/v1/session", {{"Authorization", "Bearer " + token}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(serve.Terminate(), 0);
}

TEST_F(ServeCommand, BadOptionsAreUsageErrors) {
  const std::string cert = dir_ / "only.pem";
  WriteFile(cert, "not read: the key is missing first\n");
  const std::pair<std::string, std::string> cases[] = {
      {"serve --listen nowhere", "--listen wants HOST:PORT"},
      {"serve --listen 127.0.0.1:99999", "--listen wants HOST:PORT"},
      {"serve --tls-cert " + cert, "--tls-cert and --tls-key go together"},
      {"serve --tls-cert none.pem", "--tls-cert: File does not exist: none.pem"},
      {"serve --entra-tenant t", "Entra ID sign-in needs --entra-tenant, --entra-audience"},
      {"serve --threads 0", "--threads"},
      {"serve --request-timeout 0", "--request-timeout"},
      {"serve --keep-alive 0", "--keep-alive"},
  };
  for (const auto& [args, message] : cases) {
    auto r = RunRapport("--db " + ShellQuote(db_) + " " + args);
    EXPECT_NE(r.exit_code, 0) << args;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << ": " << r.err;
  }
  auto missing = RunRapport("--db " + ShellQuote(dir_ / "none.db") + " serve --listen 127.0.0.1:0");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("rapport init"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace rapport::testing
