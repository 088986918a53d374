// What the tests share: temporary folders, running the rapport binary as a user would, reading a
// store back for comparison, and finding ../shared (the real corpus) or skipping without it.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace rapport::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("rapport-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteFile(const std::string& path, const std::string& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal
  int signal = 0;
  std::string out, err;
};

inline std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// What RunRapport does to its arguments first: nothing, unless test_store.h moves the tests'
// stores into PostgreSQL.
inline std::function<std::string(const std::string&)>& RapportArgsFilter() {
  static std::function<std::string(const std::string&)> filter;
  return filter;
}

// Runs `rapport ARGS` with extra environment assignments ("NAME=value ..."), capturing output.
inline CommandResult RunRapport(const std::string& args, const std::string& env = "") {
  TempDir io;
  const std::string given = RapportArgsFilter() ? RapportArgsFilter()(args) : args;
  std::string cmd = env + " " + ShellQuote(RAPPORT_BINARY) + " " + given + " >" +
                    ShellQuote(io / "out") + " 2>" + ShellQuote(io / "err") + " </dev/null";
  int status = std::system(("exec 2>/dev/null; " + cmd).c_str());
  CommandResult r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  // sh reports a child killed by signal N as exit status 128+N.
  if (WIFEXITED(status) && r.exit_code > 128) r.signal = r.exit_code - 128;
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
  r.out = ReadFile(io / "out");
  r.err = ReadFile(io / "err");
  return r;
}

// `rapport init ARGS` with an admin, then that admin's grant of every consent type, as a tenant
// does before its first ingest (SPEC §1: nothing is collected without consent). Returns the
// first command that failed, else the init.
inline CommandResult InitConsented(const std::string& db, const std::string& init_args) {
  const std::string admin = "admin@rapport-tests.example";
  CommandResult init =
      RunRapport("--db " + ShellQuote(db) + " init " + init_args + " --admin " + admin);
  if (init.exit_code != 0) return init;
  for (const char* type : {"personal", "aggregated", "identifiable"}) {
    CommandResult grant =
        RunRapport("--db " + ShellQuote(db) + " consent grant " + type + " --by " + admin);
    if (grant.exit_code != 0) return grant;
  }
  return init;
}

// The real corpus, or "" when ../shared is absent (then the caller skips).
inline std::string SharedCorpus() {
  std::string dir = std::string(RAPPORT_SHARED_DIR) + "/corpus";
  return std::filesystem::is_directory(dir) ? dir : std::string();
}

#define RAPPORT_REQUIRE_CORPUS(var)                                                     \
  std::string var = ::rapport::testing::SharedCorpus();                                 \
  if (var.empty()) {                                                                    \
    GTEST_SKIP() << "../shared/corpus not found: this test needs the shared real-mail " \
                    "corpus (present in CI, absent from a plain clone)";                \
  }

// Every row each query gives, '|' after each value, "--" after each query; a query that fails
// gives its error and fails the test. (TEMP views may be made: the temp schema is writable on a
// read-only handle.)
// Where the tests read a store's tables when the store is not a SQLite file (test_store.h puts
// them in PostgreSQL): the rows of `sql` at the store standing for `path`, each value as text
// ("NULL" for null); false with `error` when the query fails. Unset: the file is read.
using StoreRows = std::vector<std::vector<std::string>>;
inline std::function<bool(const std::string& path, const std::string& sql, StoreRows& rows,
                          std::string& error)>&
StoreSql() {
  static std::function<bool(const std::string&, const std::string&, StoreRows&, std::string&)> sql;
  return sql;
}
// IntegrityCheck for such a store ("ok", or what is wrong).
inline std::function<std::string(const std::string& path)>& StoreIntegrity() {
  static std::function<std::string(const std::string&)> check;
  return check;
}

template <size_t N>
std::string DumpQueries(const std::string& db_path, const char* const (&queries)[N]) {
  if (StoreSql()) {
    std::string out;
    for (const char* q : queries) {
      StoreRows rows;
      std::string error;
      if (!StoreSql()(db_path, q, rows, error)) {
        ADD_FAILURE() << "query failed: " << q << ": " << error;
        out += "error: " + error + "\n";
        continue;
      }
      for (const auto& row : rows) {
        for (const auto& value : row) out += value + '|';
        out += '\n';
      }
      out += "--\n";
    }
    return out;
  }
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  std::string out;
  for (const char* q : queries) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, q, -1, &stmt, nullptr) != SQLITE_OK) {
      // Two dumps that fail alike would compare equal and prove nothing.
      ADD_FAILURE() << "query failed: " << q << ": " << sqlite3_errmsg(db);
      out += std::string("error: ") + sqlite3_errmsg(db) + "\n";
      continue;
    }
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
        const unsigned char* t = sqlite3_column_text(stmt, c);
        out += t ? reinterpret_cast<const char*>(t) : "NULL";
        out += '|';
      }
      out += '\n';
    }
    sqlite3_finalize(stmt);
    out += "--\n";
  }
  sqlite3_close(db);
  return out;
}

// The first column of the first row `sql` gives, -1 when it gives none (or fails).
inline int64_t CountRows(const std::string& db_path, const std::string& sql) {
  if (StoreSql()) {
    StoreRows rows;
    std::string error;
    if (!StoreSql()(db_path, sql, rows, error) || rows.empty() || rows[0].empty()) return -1;
    return std::stoll(rows[0][0]);
  }
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_busy_timeout(db, 10000);  // a sync or server writing at the same moment
  sqlite3_stmt* stmt = nullptr;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    n = sqlite3_column_int64(stmt, 0);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

// Every row of every table that holds ingested data, in a fixed order, without the wall-clock
// columns (ingested_at, finished_at's time, created_at): two runs that stored the same thing
// compare equal.
inline std::string DumpStore(const std::string& db_path) {
  static const char* const queries[] = {
      "SELECT id, name, retention_days, keep_subjects FROM tenant ORDER BY id",
      "SELECT * FROM tenant_domain ORDER BY 1, 2",
      "SELECT * FROM person ORDER BY id",
      "SELECT * FROM address ORDER BY id",
      ("SELECT id, tenant_id, message_id, hex(fingerprint), sent_at, utc_offset_min, sender_id, "
       "in_reply_to, references_ids, list_id, precedence, auto_submitted, is_bulk, subject, "
       "source, source_offset FROM message ORDER BY id"),
      "SELECT * FROM message_alias ORDER BY 1, 2",
      "SELECT * FROM participant ORDER BY 1, 2, 3",
      ("SELECT id, tenant_id, location, kind, size, mtime_ns, finished_at IS NOT NULL "
       "FROM source_file ORDER BY id"),
      "SELECT message, source, source_offset FROM message_copy ORDER BY 1, 2, 3",
      ("SELECT id, tenant_id, uid, occurrence_start, organizer_id, start_at, start_offset_min, "
       "end_at, all_day, cancelled, sequence, source, source_offset FROM meeting ORDER BY id"),
      "SELECT * FROM meeting_attendee ORDER BY 1, 2",
      "SELECT meeting, source, source_offset FROM meeting_copy ORDER BY 1, 2, 3",
      "SELECT * FROM graph_item ORDER BY 1, 2",
      "SELECT * FROM address_link ORDER BY 1, 2",
      "SELECT * FROM address_name ORDER BY 1, 2",
      "SELECT * FROM directory_user ORDER BY id",
      "SELECT * FROM directory_address ORDER BY 1",
      "SELECT * FROM directory_group ORDER BY id",
      "SELECT * FROM group_member ORDER BY 1, 2",
      "SELECT * FROM tie ORDER BY 1, 2, 3, 4, 5",
      "SELECT * FROM tie_stale ORDER BY 1",
  };
  return DumpQueries(db_path, queries);
}

// "ok" when SQLite finds the file sound and no row points at a missing parent.
inline std::string IntegrityCheck(const std::string& db_path) {
  if (StoreIntegrity()) return StoreIntegrity()(db_path);
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  std::string result = "cannot prepare";
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW) {
    result = std::string("foreign key violation in ") +
             reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}

}  // namespace rapport::testing
