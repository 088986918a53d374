// SqliteDb: the SqlConnection of the embedded store, over the SQLite C API. Compiled statements
// are kept by their SQL; a deadline interrupts a running statement through SQLite's progress
// handler. A connection belongs to one thread.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rapport/status.h"
#include "store/sql/connection.h"

namespace rapport::store {

class StatementCache;

class SqliteDb final : public SqlConnection {
 public:
  SqliteDb();
  ~SqliteDb() override;
  SqliteDb(SqliteDb&&) noexcept;
  SqliteDb& operator=(SqliteDb&&) noexcept;

  // kCreate makes the file when it is missing; kReadWrite and kReadOnly never create one.
  enum class Mode { kCreate, kReadWrite, kReadOnly };
  static Result<SqliteDb> Open(const std::string& path, Mode mode = Mode::kCreate);

  SqlDialect Dialect() const override { return SqlDialect::kSqlite; }
  Status Exec(std::string_view sql) override;
  // Compiling was a third of an insight's time: hence the cache.
  Result<SqlStatement> Prepare(std::string_view sql) override;
  bool InTransaction() const override { return sqlite3_get_autocommit(db_.get()) == 0; }
  Status BeginWrite() override { return Exec("BEGIN IMMEDIATE"); }
  // Deferred: the first read takes the snapshot.
  Status BeginRead() override { return Exec("BEGIN"); }
  void SetDeadline(std::optional<std::chrono::steady_clock::time_point> deadline) override {
    *deadline_ = deadline;
  }
  std::optional<std::chrono::steady_clock::time_point> Deadline() const override {
    return *deadline_;
  }

  sqlite3* handle() const { return db_.get(); }
  std::string ErrorMessage() const { return sqlite3_errmsg(db_.get()); }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> db_;
  std::unique_ptr<StatementCache> cache_;  // declared after db_: finalized before it closes
  // On the heap: SQLite's progress handler holds its address, which must survive moves.
  std::unique_ptr<std::optional<std::chrono::steady_clock::time_point>> deadline_;
};

}  // namespace rapport::store
