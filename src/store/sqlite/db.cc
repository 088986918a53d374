#include "store/sqlite/db.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <unordered_map>

namespace rapport::store {

// Compiled statements by SQL text, each free or lent out to one SqliteStatement.
class StatementCache {
 public:
  ~StatementCache() {
    for (auto& [sql, entry] : entries_) sqlite3_finalize(entry.stmt);
  }
  // A free statement for `sql`, marked lent; null when there is none.
  sqlite3_stmt* Borrow(std::string_view sql) {
    auto it = entries_.find(std::string(sql));
    if (it == entries_.end() || it->second.lent) return nullptr;
    it->second.lent = true;
    return it->second.stmt;
  }
  // Keeps a newly compiled statement, lent; false when it cannot be kept (then finalize it).
  bool Keep(std::string_view sql, sqlite3_stmt* stmt) {
    if (entries_.size() >= kMaxEntries || entries_.count(std::string(sql))) return false;
    entries_.emplace(std::string(sql), Entry{stmt, true});
    return true;
  }
  void Return(sqlite3_stmt* stmt) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (auto& [sql, entry] : entries_) {
      if (entry.stmt == stmt) entry.lent = false;
    }
  }

 private:
  static constexpr size_t kMaxEntries = 256;  // SQL built at run time must not grow it forever
  struct Entry {
    sqlite3_stmt* stmt;
    bool lent;
  };
  std::unordered_map<std::string, Entry> entries_;
};

namespace {

// SQLite's progress handler: a non-zero answer interrupts the running statement.
int PastDeadline(void* deadline) {
  const auto& d = *static_cast<std::optional<std::chrono::steady_clock::time_point>*>(deadline);
  return d && std::chrono::steady_clock::now() > *d ? 1 : 0;
}

// A statement lent out by the cache (given back, reset, when done), or one of its own.
class SqliteCursor final : public SqlStatement::Cursor {
 public:
  SqliteCursor(sqlite3_stmt* stmt, StatementCache* cache) : stmt_(stmt), cache_(cache) {}
  ~SqliteCursor() override {
    if (cache_) {
      cache_->Return(stmt_);
    } else {
      sqlite3_finalize(stmt_);
    }
  }
  SqliteCursor(const SqliteCursor&) = delete;
  SqliteCursor& operator=(const SqliteCursor&) = delete;

  void Bind(int index, int64_t value) override { sqlite3_bind_int64(stmt_, index, value); }
  void Bind(int index, std::string_view text) override {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  }
  void BindBlob(int index, const void* data, size_t size) override {
    sqlite3_bind_blob(stmt_, index, data, static_cast<int>(size), SQLITE_STATIC);
  }
  void BindNull(int index) override { sqlite3_bind_null(stmt_, index); }

  bool Step(Status& status) override {
    if (done_) return false;  // sqlite3_step after the end would run the statement again
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    done_ = true;
    if ((rc & 0xff) == SQLITE_INTERRUPT) {
      status = Status::DeadlineExceeded(kPastDeadline);
    } else if (rc != SQLITE_DONE) {
      status = Status::IoError(std::string("database error: ") +
                               sqlite3_errmsg(sqlite3_db_handle(stmt_)));
    }
    return false;
  }
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    done_ = false;
  }
  int64_t ColumnInt(int col) const override { return sqlite3_column_int64(stmt_, col); }
  int64_t InsertedId() const override {
    return sqlite3_last_insert_rowid(sqlite3_db_handle(stmt_));
  }
  bool ColumnIsNull(int col) const override {
    return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
  }
  std::string ColumnText(int col) const override {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }

 private:
  sqlite3_stmt* stmt_;
  StatementCache* cache_;
  bool done_ = false;
};

}  // namespace

SqliteDb::SqliteDb()
    : cache_(std::make_unique<StatementCache>()),
      deadline_(std::make_unique<std::optional<std::chrono::steady_clock::time_point>>()) {}
SqliteDb::~SqliteDb() = default;
SqliteDb::SqliteDb(SqliteDb&&) noexcept = default;
SqliteDb& SqliteDb::operator=(SqliteDb&&) noexcept = default;

Result<SqliteDb> SqliteDb::Open(const std::string& path, Mode mode) {
  // By default SQLite counts every allocation under one process-wide mutex; a server's workers,
  // each on its own connection, spent about a sixth of a request queueing on it. Nothing here
  // reads the counts. (Refused, harmlessly, if SQLite was already initialised.)
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX;
  if (mode == Mode::kReadOnly) flags |= SQLITE_OPEN_READONLY;
  if (mode != Mode::kReadOnly) flags |= SQLITE_OPEN_READWRITE;
  if (mode == Mode::kCreate) flags |= SQLITE_OPEN_CREATE;
  // A store (or a backup) holds the organisation's metadata: a new one is its owner's only,
  // whatever the umask. SQLite gives the -wal and -shm files the database file's mode.
  if (mode == Mode::kCreate && path != ":memory:" && path.rfind("file:", 0) != 0) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);  // an empty file is an empty database; EEXIST: it was there
  }
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db;
  db.db_.reset(raw);
  if (rc != SQLITE_OK) {
    return Status::IoError("cannot open database " + path + ": " +
                           (raw ? sqlite3_errmsg(raw) : "out of memory") +
                           " (check the --db path and its permissions)");
  }
  sqlite3_busy_timeout(raw, 10'000);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_progress_handler(raw, 1000, PastDeadline, db.deadline_.get());
  return db;
}

Status SqliteDb::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  const int rc = sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : ErrorMessage();
    sqlite3_free(err);
    if ((rc & 0xff) == SQLITE_INTERRUPT) return Status::DeadlineExceeded(kPastDeadline);
    return Status::IoError("database error: " + msg);
  }
  return Status::Ok();
}

Result<SqlStatement> SqliteDb::Prepare(std::string_view sql) {
  if (PastDeadline(deadline_.get())) return Status::DeadlineExceeded(kPastDeadline);
  if (sqlite3_stmt* cached = cache_->Borrow(sql)) {
    return SqlStatement(std::make_unique<SqliteCursor>(cached, cache_.get()));
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    return Status::IoError("database error: " + ErrorMessage());
  }
  StatementCache* cache = cache_->Keep(sql, stmt) ? cache_.get() : nullptr;
  return SqlStatement(std::make_unique<SqliteCursor>(stmt, cache));
}

}  // namespace rapport::store
