// Thin RAII wrappers over the SQLite C API: a connection and prepared statements. Errors come back
// as Status with SQLite's message; nothing here throws. A connection belongs to one thread.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rapport/status.h"

namespace rapport::store {

class StatementCache;

// Gives a statement back to its cache, or finalizes one that has none.
struct StatementReleaser {
  StatementCache* cache = nullptr;
  void operator()(sqlite3_stmt* s) const;
};

class SqliteStatement {
 public:
  SqliteStatement() = default;
  // `cache`: where the statement goes back, reset, when this handle is done; null: finalized.
  explicit SqliteStatement(sqlite3_stmt* stmt, StatementCache* cache = nullptr)
      : stmt_(stmt, StatementReleaser{cache}) {}

  SqliteStatement& Bind(int index, int64_t value);
  // Text and blobs are not copied: they must stay alive until the statement is reset.
  SqliteStatement& Bind(int index, std::string_view text);
  SqliteStatement& BindBlob(int index, const void* data, size_t size);
  SqliteStatement& BindNull(int index);

  // Steps once: true when a row is available, false when done. Errors go to `status`.
  bool Step(Status& status);
  // Runs to completion, then resets. For INSERT/UPDATE/DELETE.
  Status Run();
  void Reset();

  int64_t ColumnInt(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  bool ColumnIsNull(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }
  std::string ColumnText(int col) const;

 private:
  std::unique_ptr<sqlite3_stmt, StatementReleaser> stmt_;
};

class SqliteDb {
 public:
  SqliteDb();
  ~SqliteDb();
  SqliteDb(SqliteDb&&) noexcept;
  SqliteDb& operator=(SqliteDb&&) noexcept;

  // kCreate makes the file when it is missing; kReadWrite and kReadOnly never create one.
  enum class Mode { kCreate, kReadWrite, kReadOnly };
  static Result<SqliteDb> Open(const std::string& path, Mode mode = Mode::kCreate);

  Status Exec(std::string_view sql);
  // Compiled once per connection: the same SQL is handed out again, reset, unless a handle to it
  // is still in use (then a fresh one is compiled). Compiling was a third of an insight's time.
  Result<SqliteStatement> Prepare(std::string_view sql);
  // Single-value query helper; returns `fallback` when there is no row.
  Result<int64_t> QueryInt(std::string_view sql, int64_t fallback = 0);
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_.get()); }
  sqlite3* handle() const { return db_.get(); }
  std::string ErrorMessage() const { return sqlite3_errmsg(db_.get()); }
  // Statements prepared after `deadline`, and any still running then, fail with DeadlineExceeded
  // (a running one is interrupted, and its transaction rolled back). nullopt: no limit.
  void SetDeadline(std::optional<std::chrono::steady_clock::time_point> deadline) {
    *deadline_ = deadline;
  }
  std::optional<std::chrono::steady_clock::time_point> Deadline() const { return *deadline_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> db_;
  std::unique_ptr<StatementCache> cache_;  // declared after db_: finalized before it closes
  // On the heap: SQLite's progress handler holds its address, which must survive moves.
  std::unique_ptr<std::optional<std::chrono::steady_clock::time_point>> deadline_;
};

// Prepares `sql`, binds `args` to ?1, ?2, ... (integers or text that outlives the call) and
// calls each(statement) for every row.
template <typename Each, typename... Args>
Status ForEachRow(SqliteDb& db, std::string_view sql, Each each, const Args&... args) {
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  int index = 0;
  (stmt->Bind(++index, args), ...);
  Status st;
  while (stmt->Step(st)) each(*stmt);
  return st;
}

// Runs `body` (returning Status) in a write transaction, rolled back when it fails. Inside a
// transaction already (Store::Atomically) it is a savepoint of that one, so that the outer
// transaction still decides whether anything is kept.
template <typename Body>
Status InTransaction(SqliteDb& db, Body body) {
  const bool nested = sqlite3_get_autocommit(db.handle()) == 0;
  RAPPORT_RETURN_IF_ERROR(db.Exec(nested ? "SAVEPOINT nested" : "BEGIN IMMEDIATE"));
  Status st = body();
  if (!st.ok()) {
    (void)db.Exec(nested ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK");
    return st;
  }
  return db.Exec(nested ? "RELEASE nested" : "COMMIT");
}

}  // namespace rapport::store
