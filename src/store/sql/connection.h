// SqlConnection: what the store's SQL needs of a database connection, so that one body of
// queries serves both the embedded store (SQLite, sqlite/db.h) and the server store
// (PostgreSQL, postgres_connection.h). Errors come back as Status; nothing here throws. A
// connection belongs to one thread.
//
// The SQL the store writes is the common part of both dialects: placeholders are ?1, ?2, ...
// (or bare ?, numbered in order); inserts that need the new row's id say RETURNING id; where the
// dialects differ the code asks Dialect() (sql/dialect.h has the few phrases that differ).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rapport/status.h"

namespace rapport::store {

enum class SqlDialect { kSqlite, kPostgres };

// One prepared statement: bind, step through its rows, reset. Handed out by Prepare; giving the
// handle up makes the statement reusable (a connection keeps compiled statements by their SQL).
class SqlStatement {
 public:
  // What a database implements for one statement.
  class Cursor {
   public:
    virtual ~Cursor() = default;
    virtual void Bind(int index, int64_t value) = 0;
    // Text and blobs are not copied: they must stay alive until the statement is reset.
    virtual void Bind(int index, std::string_view text) = 0;
    virtual void BindBlob(int index, const void* data, size_t size) = 0;
    virtual void BindNull(int index) = 0;
    // Steps once: true when a row is available, false when done; after false, false again
    // until Reset() (never the statement run anew). Errors go to `status`.
    virtual bool Step(Status& status) = 0;
    // Forgets the rows and the bindings: the statement can be bound and run again.
    virtual void Reset() = 0;
    // A boolean column reads as 0 or 1.
    virtual int64_t ColumnInt(int col) const = 0;
    virtual bool ColumnIsNull(int col) const = 0;
    // Text as stored; a blob's bytes.
    virtual std::string ColumnText(int col) const = 0;
    // The id of the row the last INSERT without RETURNING made (SQLite's rowid); 0 when the
    // database has no such thing.
    virtual int64_t InsertedId() const { return 0; }
  };

  SqlStatement() = default;
  explicit SqlStatement(std::unique_ptr<Cursor> cursor) : cursor_(std::move(cursor)) {}

  SqlStatement& Bind(int index, int64_t value) {
    cursor_->Bind(index, value);
    return *this;
  }
  SqlStatement& Bind(int index, std::string_view text) {
    cursor_->Bind(index, text);
    return *this;
  }
  SqlStatement& BindBlob(int index, const void* data, size_t size) {
    cursor_->BindBlob(index, data, size);
    return *this;
  }
  SqlStatement& BindNull(int index) {
    cursor_->BindNull(index);
    return *this;
  }
  bool Step(Status& status) { return cursor_->Step(status); }
  // Runs to completion, then resets. For INSERT/UPDATE/DELETE.
  Status Run() {
    Status status;
    while (Step(status)) {
    }
    Reset();
    return status;
  }
  // Runs an INSERT that gives its new row's id (sql/dialect.h: ReturningId), then resets; the id.
  Result<int64_t> RunForId() {
    Status status;
    int64_t id = 0;
    bool returned = Step(status);
    if (returned) id = ColumnInt(0);
    while (returned && Step(status)) {
    }
    if (!returned && status.ok()) {
      id = cursor_->InsertedId();
      returned = id != 0;
    }
    Reset();
    if (!status.ok()) return status;
    if (!returned) return Status::IoError("database error: the insert returned no id");
    return id;
  }
  void Reset() { cursor_->Reset(); }
  int64_t ColumnInt(int col) const { return cursor_->ColumnInt(col); }
  bool ColumnIsNull(int col) const { return cursor_->ColumnIsNull(col); }
  std::string ColumnText(int col) const { return cursor_->ColumnText(col); }

 private:
  std::unique_ptr<Cursor> cursor_;
};

// The message every statement refused or interrupted by a deadline fails with.
inline constexpr const char* kPastDeadline =
    "the request took longer than this server allows; nothing was changed (ask for less, or "
    "raise rapport serve --request-timeout)";

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  virtual SqlDialect Dialect() const = 0;
  // Runs one or more statements without parameters or results.
  virtual Status Exec(std::string_view sql) = 0;
  // Compiled once per connection: the same SQL is handed out again, reset, unless a handle to it
  // is still in use (then a fresh one is compiled).
  virtual Result<SqlStatement> Prepare(std::string_view sql) = 0;
  // Whether a transaction is open on this connection.
  virtual bool InTransaction() const = 0;
  // Opens a write transaction: writers queue one behind another, as in SQLite (BEGIN IMMEDIATE);
  // a transaction begun here sees the commits of every writer before it.
  virtual Status BeginWrite() = 0;
  // Opens a read-only transaction over one snapshot.
  virtual Status BeginRead() = 0;
  // Statements prepared after `deadline`, and any still running then, fail with
  // DeadlineExceeded (a running one is interrupted, and its transaction rolled back).
  // nullopt: no limit.
  virtual void SetDeadline(std::optional<std::chrono::steady_clock::time_point> deadline) = 0;
  virtual std::optional<std::chrono::steady_clock::time_point> Deadline() const = 0;
  // Loads `rows`, in COPY's text format, with `copy_sql` (COPY ... FROM STDIN): a server
  // database's bulk path (sql/staged_rows.h). An embedded database has none and refuses.
  virtual Status BulkLoad(std::string_view copy_sql, std::string_view rows) {
    (void)copy_sql;
    (void)rows;
    return Status::FailedPrecondition("this database has no bulk load");
  }

  // Single-value query; `fallback` when there is no row or the value is NULL.
  Result<int64_t> QueryInt(std::string_view sql, int64_t fallback = 0) {
    auto stmt = Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    Status st;
    int64_t v = stmt->Step(st) && !stmt->ColumnIsNull(0) ? stmt->ColumnInt(0) : fallback;
    if (!st.ok()) return st;
    return v;
  }
};

// Prepares `sql`, binds `args` to ?1, ?2, ... (integers or text that outlives the call) and
// calls each(statement) for every row.
template <typename Each, typename... Args>
Status ForEachRow(SqlConnection& db, std::string_view sql, Each each, const Args&... args) {
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
Status InTransaction(SqlConnection& db, Body body) {
  const bool nested = db.InTransaction();
  RAPPORT_RETURN_IF_ERROR(nested ? db.Exec("SAVEPOINT nested") : db.BeginWrite());
  Status st = body();
  if (!st.ok()) {
    (void)db.Exec(nested ? "ROLLBACK TO nested; RELEASE nested" : "ROLLBACK");
    return st;
  }
  return db.Exec(nested ? "RELEASE nested" : "COMMIT");
}

}  // namespace rapport::store
