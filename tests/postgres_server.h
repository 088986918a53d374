// PostgresServer: a real PostgreSQL (Debian's postgresql) for the tests, started on a free
// loopback port in a temporary folder and stopped when the object goes; Standby() makes a
// streaming standby of one. The cluster is made once
// per machine and user with initdb and copied for each server (a copy and a start take a fraction
// of initdb's second). The server is the test process's child and dies with it.
//
// Run as root (CI), the server runs as Debian's `postgres` user: PostgreSQL refuses root.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dovecot_server.h"  // FreeLoopbackPort
#include "test_support.h"

namespace rapport::testing {

// Where PostgreSQL's programs are (the newest installed version), or "" when it is not installed.
inline std::string PostgresBinDir() {
  std::string best;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string bin = (entry.path() / "bin").string();
    if (std::filesystem::exists(bin + "/postgres") && bin > best) best = bin;
  }
  return best;
}

#define RAPPORT_REQUIRE_POSTGRES()                                                           \
  if (::rapport::testing::PostgresBinDir().empty()) {                                        \
    GTEST_SKIP() << "PostgreSQL not installed: scripts/install-deps.sh installs postgresql"; \
  }

class PostgresServer {
 public:
  PostgresServer() : PostgresServer(nullptr) {}

  // A hot standby of this server: a copy made with pg_basebackup that streams its WAL and
  // answers read-only queries, on a port of its own.
  std::unique_ptr<PostgresServer> Standby() const {
    return std::unique_ptr<PostgresServer>(new PostgresServer(this));
  }

  // Waits (up to 30 s) until this standby has replayed everything `primary` wrote so far.
  bool CaughtUpWith(const PostgresServer& primary) const {
    const std::string lsn = Query(primary.Url("postgres"), "SELECT pg_current_wal_lsn()");
    for (int i = 0; i < 1500; ++i) {
      if (Query(Url("postgres"), "SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'") == "t") {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // The first value `sql` returns at `url` ("" on error).
  static std::string Query(const std::string& url, const std::string& sql) {
    PGconn* c = PQconnectdb(url.c_str());
    PGresult* r = PQexec(c, sql.c_str());
    std::string out = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0)
                                                                               : std::string();
    PQclear(r);
    PQfinish(c);
    return out;
  }

 private:
  // A new server, from the template cluster or, with `primary`, as its standby.
  explicit PostgresServer(const PostgresServer* primary) {
    const std::string bin = PostgresBinDir();
    if (bin.empty()) {
      ADD_FAILURE() << "PostgreSQL not installed: scripts/install-deps.sh installs postgresql";
      return;
    }
    RunAs();
    const std::string data = (dir_.path() / "data").string();
    if (primary) {
      Own(dir_.path());
      const pid_t copy = Spawn({bin + "/pg_basebackup", "-D", data, "-h", "127.0.0.1", "-p",
                                std::to_string(primary->port_), "-U", "rapport", "-R", "-X",
                                "stream", "-c", "fast", "--no-sync"},
                               (dir_.path() / "basebackup.log").string());
      int status = 0;
      ::waitpid(copy, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        ADD_FAILURE() << "pg_basebackup failed: " << ReadFile(dir_ / "basebackup.log");
        return;
      }
    } else {
      std::filesystem::copy(Template(bin), data, std::filesystem::copy_options::recursive);
    }
    Own(dir_.path());
    std::filesystem::permissions(data, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
    port_ = FreeLoopbackPort();
    pid_ = Spawn(
        {bin + "/postgres", "-D", data, "-p", std::to_string(port_), "-k", dir_.path().string(),
         "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
         "-c", "full_page_writes=off", "-c", "shared_buffers=32MB", "-c", "max_connections=100"},
        (dir_.path() / "log").string());
    const std::string url = Url("postgres");
    for (int i = 0; i < 300 && PQping(url.c_str()) != PQPING_OK; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (PQping(url.c_str()) != PQPING_OK) {
      ADD_FAILURE() << "PostgreSQL did not start: " << ReadFile(dir_ / "log");
    }
  }

 public:
  ~PostgresServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGINT);  // fast shutdown
      ::waitpid(pid_, nullptr, 0);
    }
  }
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  // `database` as the superuser, `rapport`, which rapport itself refuses (it bypasses row-level
  // security): for what the tests do behind rapport's back.
  std::string Url(const std::string& database) const {
    return "postgresql://rapport@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }
  // `database` as `app`, the owner of every database NewDatabase makes, as docs/deploy.md
  // sets a store up.
  std::string AppUrl(const std::string& database) const {
    return "postgresql://app@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }
  // The superuser's URL for a database of NewDatabase's.
  static std::string AsSuperuser(std::string url) {
    const std::string app = "postgresql://app@";
    if (url.rfind(app, 0) == 0) url.replace(0, app.size(), "postgresql://rapport@");
    return url;
  }

  // A new, empty database owned by `app`; its AppUrl.
  std::string NewDatabase() {
    static std::atomic<int> next{0};
    const std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(++next);
    PGconn* c = PQconnectdb(Url("postgres").c_str());
    // One statement each: CREATE DATABASE runs outside a transaction only.
    for (const std::string& sql :
         {std::string("DO $$ BEGIN CREATE ROLE app LOGIN; "
                      "EXCEPTION WHEN duplicate_object OR unique_violation THEN END $$"),
          "CREATE DATABASE " + name + " OWNER app"}) {
      PGresult* r = PQexec(c, sql.c_str());
      if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        ADD_FAILURE() << "making a database failed: " << PQerrorMessage(c);
      }
      PQclear(r);
    }
    PQfinish(c);
    return AppUrl(name);
  }

 private:
  // The user the server runs as: ourselves, or `postgres` when we are root.
  void RunAs() {
    uid_ = ::geteuid();
    gid_ = ::getegid();
    if (uid_ != 0) return;
    const struct passwd* pg = ::getpwnam("postgres");
    if (!pg) pg = ::getpwnam("nobody");
    if (pg) {
      uid_ = pg->pw_uid;
      gid_ = pg->pw_gid;
    }
  }
  void Own(const std::filesystem::path& path) const {
    if (::geteuid() != 0) return;
    (void)::chown(path.c_str(), uid_, gid_);
    for (const auto& e : std::filesystem::recursive_directory_iterator(path)) {
      (void)::lchown(e.path().c_str(), uid_, gid_);
    }
  }

  // The initdb'd cluster every server copies, made once (written beside, then renamed).
  std::string Template(const std::string& bin) {
    const auto base = std::filesystem::temp_directory_path();
    const std::string name = "rapport-pg-template-" + std::to_string(uid_) + "-" +
                             std::filesystem::path(bin).parent_path().filename().string();
    const std::string done = (base / name).string();
    if (std::filesystem::exists(done + "/PG_VERSION")) return done;
    TempDir partial;
    Own(partial.path());
    const std::string data = (partial.path() / "data").string();
    const pid_t init = Spawn({bin + "/initdb", "-D", data, "-U", "rapport", "--auth=trust", "-E",
                              "UTF8", "--locale=C", "--no-sync"},
                             (partial.path() / "initdb.log").string());
    int status = 0;
    ::waitpid(init, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      ADD_FAILURE() << "initdb failed: " << ReadFile(partial / "initdb.log");
      return data;
    }
    std::error_code ec;
    std::filesystem::rename(data, done, ec);  // another process may have won: theirs is as good
    return done;
  }

  // Starts `argv` as uid_/gid_, output to `log`; the child dies with this process.
  pid_t Spawn(const std::vector<std::string>& argv, const std::string& log) const {
    // Everything the child needs is made before fork: it must not allocate.
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid != 0) return pid;
    if (::geteuid() == 0) {
      (void)::setgroups(0, nullptr);
      (void)::setgid(gid_);
      (void)::setuid(uid_);
    }
    // After the uid change, which clears it.
    ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (::getppid() != parent) ::_exit(1);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }

  TempDir dir_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  int port_ = 0;
  pid_t pid_ = -1;
};

// One server for the whole test process, started on first use and stopped at exit.
inline PostgresServer& SharedPostgres() {
  static PostgresServer server;
  return server;
}

}  // namespace rapport::testing
