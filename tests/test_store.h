// Where the tests' stores live. ctest runs every store test twice: as is, in a SQLite file, and
// with RAPPORT_TEST_STORE=postgres, in a fresh database on a PostgreSQL server of the test
// process's own (postgres_server.h). A test names its store through NewTestStore and passes
// StoreFlags to the rapport binary; what it checks is the same for both.
#pragma once

#include <cstdlib>
#include <memory>
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

// The store made (CreateStore) at `place`.
inline std::unique_ptr<store::Store> CreateTestStore(const TestStore& place) {
  auto made = store::CreateStore(place.db, place.keys);
  EXPECT_TRUE(made.ok()) << made.status().message();
  return made.ok() ? std::move(*made) : nullptr;
}

}  // namespace rapport::testing
