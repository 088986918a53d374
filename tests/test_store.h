// Where the tests' stores live. ctest runs every store test twice: as is, in a SQLite file, and
// with RAPPORT_TEST_STORE=postgres, in a fresh database on a PostgreSQL server of the test
// process's own (postgres_server.h). A test names its store through NewTestStore and passes
// Flags() to the rapport binary, or names a store file as ever: under RAPPORT_TEST_STORE=postgres
// each file named by `--db FILE` (RunRapport) or opened with OpenTestStore is a database of its
// own instead, with FILE.keys its key file. What a test checks is the same for both.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <string>

#include "postgres_server.h"
#include "rapport/store/store.h"
#include "test_support.h"

namespace rapport::testing {

inline bool StoreInPostgres() {
  const char* which = std::getenv("RAPPORT_TEST_STORE");
  return which && std::string(which) == "postgres";
}

// A store's place: a file or a database URL, and its key file.
struct TestStore {
  std::string db;
  std::string keys;
  // What the rapport binary is given to use it: "--db DB --keys KEYS", quoted.
  std::string Flags() const { return "--db " + ShellQuote(db) + " --keys " + ShellQuote(keys); }
};

// A place for a new store in `dir`: dir/name, or a new database.
inline TestStore NewTestStore(const TempDir& dir, const std::string& name = "s.db") {
  TestStore store{dir / name, dir / (name + ".keys")};
  if (StoreInPostgres()) store.db = SharedPostgres().NewDatabase();
  return store;
}

// The database that stands for the store file `file` (the same for the same file).
inline std::string DatabaseFor(const std::string& file) {
  static std::mutex mutex;
  static std::map<std::string, std::string> databases;
  std::lock_guard lock(mutex);
  auto [it, added] = databases.try_emplace(file);
  if (added) it->second = SharedPostgres().NewDatabase();
  return it->second;
}

// rapport's arguments with each `--db FILE` (quoted or not) naming FILE's database instead, and
// its key file, unless the arguments name one.
inline std::string StoresInPostgres(const std::string& args) {
  const bool keys = args.find("--keys") != std::string::npos;
  std::string out;
  size_t at = 0;
  for (size_t db; (db = args.find("--db ", at)) != std::string::npos;) {
    size_t start = db + 5, end = 0;
    std::string file;
    if (start < args.size() && args[start] == '\'') {
      end = args.find('\'', start + 1);
      if (end == std::string::npos) break;
      file = args.substr(start + 1, end - start - 1);
      ++end;
    } else {
      end = std::min(args.find(' ', start), args.size());
      file = args.substr(start, end - start);
    }
    out += args.substr(at, start - at);
    if (store::IsPostgresUrl(file) || file.find('\'') != std::string::npos) {
      out += args.substr(start, end - start);
    } else {
      out += DatabaseFor(file) + (keys ? "" : " --keys " + ShellQuote(file + ".keys"));
    }
    at = end;
  }
  return out + args.substr(at);
}

// StoreSql for a store in PostgreSQL. The tests' dumps are written in SQLite's SQL: its hex() of
// a blob is spelled the PostgreSQL way here.
inline bool RowsInPostgres(const std::string& path, const std::string& sql, StoreRows& rows,
                           std::string& error) {
  const std::string query = std::regex_replace(sql, std::regex(R"(hex\(([a-z_]+\.)?fingerprint\))"),
                                               "upper(encode($1fingerprint, 'hex'))");
  // As the superuser, whom row-level security does not restrict: the tests' stores hold one
  // tenant.
  PGconn* c = PQconnectdb(PostgresServer::AsSuperuser(DatabaseFor(path)).c_str());
  PGresult* r = PQexec(c, query.c_str());
  const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
  if (!ok) error = PQerrorMessage(c);
  for (int i = 0; ok && i < PQntuples(r); ++i) {
    rows.emplace_back();
    for (int j = 0; j < PQnfields(r); ++j) {
      rows.back().push_back(PQgetisnull(r, i, j) ? "NULL" : PQgetvalue(r, i, j));
    }
  }
  PQclear(r);
  PQfinish(c);
  return ok;
}

// IntegrityCheck for a store in PostgreSQL, which declares no foreign keys
// (postgres/schema.cc says why): every reference SQLite's schema declares must find its row.
inline std::string IntegrityInPostgres(const std::string& path) {
  static const char* const kReferences[][3] = {
      {"address", "person_id", "person"},
      {"address_link", "low", "address"},
      {"address_link", "high", "address"},
      {"address_name", "address", "address"},
      {"account_domain", "account", "account"},
      {"calendar_item", "meeting", "meeting"},
      {"calendar_item", "source", "source_file"},
      {"directory_address", "address", "address"},
      {"directory_address", "directory_user", "directory_user"},
      {"directory_group", "address", "address"},
      {"directory_user", "address", "address"},
      {"group_member", "group_id", "directory_group"},
      {"group_member", "member", "directory_user"},
      {"mailbox_item", "message", "message"},
      {"mailbox_item", "source", "source_file"},
      {"meeting", "organizer_id", "address"},
      {"meeting", "source", "source_file"},
      {"meeting_attendee", "meeting", "meeting"},
      {"meeting_attendee", "address", "address"},
      {"meeting_copy", "meeting", "meeting"},
      {"meeting_copy", "source", "source_file"},
      {"message", "sender_id", "address"},
      {"message", "source", "source_file"},
      {"message_alias", "message", "message"},
      {"message_copy", "message", "message"},
      {"message_copy", "source", "source_file"},
      {"participant", "message", "message"},
      {"participant", "address", "address"},
      {"privacy_charge", "release", "privacy_release"},
      {"sync_cursor", "source", "sync_source"},
  };
  for (const auto& [child, column, parent] : kReferences) {
    StoreRows rows;
    std::string error;
    const std::string sql = std::string("SELECT count(*) FROM ") + child + " c WHERE c." + column +
                            " IS NOT NULL AND NOT EXISTS (SELECT 1 FROM " + parent +
                            " p WHERE p.id = c." + column + ")";
    if (!RowsInPostgres(path, sql, rows, error))
      return "cannot check " + std::string(child) + ": " + error;
    if (rows[0][0] != "0") return std::string("foreign key violation in ") + child;
  }
  // What the monthly partitions copy (postgres/partitions.h) must agree with its source.
  static const char* const kCopies[][2] = {
      {"message_key",
       "SELECT count(*) FROM message m FULL JOIN message_key k "
       "ON k.tenant_id = m.tenant_id AND k.id = m.id WHERE m.id IS NULL OR "
       "k.id IS NULL OR k.message_id <> m.message_id OR "
       "k.fingerprint <> m.fingerprint OR k.sent_at <> m.sent_at"},
      {"participant.sent_at",
       "SELECT count(*) FROM participant p JOIN message m "
       "ON m.id = p.message WHERE m.sent_at <> p.sent_at"},
  };
  for (const auto& [what, sql] : kCopies) {
    StoreRows rows;
    std::string error;
    if (!RowsInPostgres(path, sql, rows, error)) return "cannot check " + std::string(what);
    if (rows[0][0] != "0") return std::string(what) + " differs from message";
  }
  return "ok";
}

inline const bool kStoresFollowRapportTestStore = [] {
  if (!StoreInPostgres()) return true;
  RapportArgsFilter() = StoresInPostgres;
  StoreSql() = RowsInPostgres;
  StoreIntegrity() = IntegrityInPostgres;
  return true;
}();

// Where the store file `file` is: itself, or its database under RAPPORT_TEST_STORE=postgres.
inline std::string TestStoreLocation(const std::string& file) {
  return StoreInPostgres() ? DatabaseFor(file) : file;
}

// A new store at the file `file` (key file FILE.keys), or in its database, made in-process.
inline Result<std::unique_ptr<store::Store>> CreateTestStoreAt(const std::string& file) {
  return store::CreateStore(TestStoreLocation(file), file + ".keys");
}

// The store at the file `file` (its key file FILE.keys), or its database under
// RAPPORT_TEST_STORE=postgres: what a test opens in-process after making it with RunRapport.
inline Result<std::unique_ptr<store::Store>> OpenTestStore(const std::string& file) {
  return store::OpenStore(TestStoreLocation(file), file + ".keys");
}

// The store made (CreateStore) at `place`.
inline std::unique_ptr<store::Store> CreateTestStore(const TestStore& place) {
  auto made = store::CreateStore(place.db, place.keys);
  EXPECT_TRUE(made.ok()) << made.status().message();
  return made.ok() ? std::move(*made) : nullptr;
}

}  // namespace rapport::testing
