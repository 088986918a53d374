#include "store/sqlite_db.h"

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

void StatementReleaser::operator()(sqlite3_stmt* s) const {
  if (cache) {
    cache->Return(s);
  } else {
    sqlite3_finalize(s);
  }
}

SqliteDb::SqliteDb()
    : cache_(std::make_unique<StatementCache>()),
      deadline_(std::make_unique<std::optional<std::chrono::steady_clock::time_point>>()) {}

namespace {

constexpr const char* kPastDeadline =
    "the request took longer than this server allows; nothing was changed (ask for less, or "
    "raise rapport serve --request-timeout)";

// SQLite's progress handler: a non-zero answer interrupts the running statement.
int PastDeadline(void* deadline) {
  const auto& d = *static_cast<std::optional<std::chrono::steady_clock::time_point>*>(deadline);
  return d && std::chrono::steady_clock::now() > *d ? 1 : 0;
}

}  // namespace
SqliteDb::~SqliteDb() = default;
SqliteDb::SqliteDb(SqliteDb&&) noexcept = default;
SqliteDb& SqliteDb::operator=(SqliteDb&&) noexcept = default;

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, const void* data, size_t size) {
  sqlite3_bind_blob(stmt_.get(), index, data, static_cast<int>(size), SQLITE_STATIC);
  return *this;
}

SqliteStatement& SqliteStatement::BindNull(int index) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

bool SqliteStatement::Step(Status& status) {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if ((rc & 0xff) == SQLITE_INTERRUPT) {
    status = Status::DeadlineExceeded(kPastDeadline);
  } else if (rc != SQLITE_DONE) {
    status = Status::IoError(std::string("database error: ") +
                             sqlite3_errmsg(sqlite3_db_handle(stmt_.get())));
  }
  return false;
}

Status SqliteStatement::Run() {
  Status status;
  while (Step(status)) {
  }
  Reset();
  return status;
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string SqliteStatement::ColumnText(int col) const {
  const auto* p = sqlite3_column_text(stmt_.get(), col);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), col)))
           : std::string();
}

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

Result<SqliteStatement> SqliteDb::Prepare(std::string_view sql) {
  if (PastDeadline(deadline_.get())) return Status::DeadlineExceeded(kPastDeadline);
  if (sqlite3_stmt* cached = cache_->Borrow(sql)) return SqliteStatement(cached, cache_.get());
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    return Status::IoError("database error: " + ErrorMessage());
  }
  if (cache_->Keep(sql, stmt)) return SqliteStatement(stmt, cache_.get());
  return SqliteStatement(stmt);
}

Result<int64_t> SqliteDb::QueryInt(std::string_view sql, int64_t fallback) {
  auto stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Status st;
  int64_t v = stmt->Step(st) && !stmt->ColumnIsNull(0) ? stmt->ColumnInt(0) : fallback;
  if (!st.ok()) return st;
  return v;
}

}  // namespace rapport::store
