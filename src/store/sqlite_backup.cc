#include "store/sqlite_backup.h"

#include "rapport/store/store.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace rapport::store {
namespace {

// Copies every page of `from` into `to` in one step: one read transaction on `from`, so the copy
// is the state of one commit. In WAL mode that read blocks no writer; a writer that commits
// meanwhile is simply not in the copy.
Status CopyPages(sqlite3* from, sqlite3* to, const std::string& path) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) {
    return Status::IoError("cannot start the backup to " + path + ": " + sqlite3_errmsg(to));
  }
  int rc = SQLITE_OK;
  // Busy or locked: the source's lock is held by a checkpoint or a new writer for a moment.
  for (int attempt = 0; attempt < 200; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    sqlite3_sleep(50);
  }
  const int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    return Status::IoError("the backup to " + path + " failed: " + sqlite3_errstr(rc) +
                           " (check the disk space and try again)");
  }
  if (finished != SQLITE_OK) {
    return Status::IoError("the backup to " + path + " failed: " + sqlite3_errmsg(to));
  }
  return Status::Ok();
}

}  // namespace

bool FileExists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

Status BackupSqlite(SqliteDb& db, const std::string& path) {
  if (FileExists(path)) {
    return Status::FailedPrecondition(path +
                                      " already exists: a backup never overwrites a file "
                                      "(name a new one)");
  }
  // Its own name: two processes (or threads) upgrading one store at once each write their own.
  static std::atomic<int> backups{0};
  const std::string partial =
      path + ".partial-" + std::to_string(::getpid()) + "-" + std::to_string(backups++);
  ::unlink(partial.c_str());  // what an interrupted backup of a process with this id left
  auto to = SqliteDb::Open(partial, SqliteDb::Mode::kCreate);
  if (!to.ok()) return to.status();
  Status st = CopyPages(db.handle(), to->handle(), path);
  // One file, no journal beside it: the backup is complete on its own.
  if (st.ok()) st = to->Exec("PRAGMA journal_mode = DELETE");
  *to = SqliteDb();  // closes it
  // link, not rename: it fails when the name exists, so a backup that another process finished
  // first is never replaced.
  if (st.ok() && ::link(partial.c_str(), path.c_str()) != 0) {
    st = errno == EEXIST
             ? Status::FailedPrecondition(path +
                                          " already exists: a backup never "
                                          "overwrites a file (name a new one)")
             : Status::IoError("cannot name the backup " + path + ": " + std::strerror(errno));
  }
  ::unlink(partial.c_str());
  return st;
}

Status CopySqliteBackup(const std::string& backup, const std::string& path) {
  if (!FileExists(backup)) return Status::NotFound("no backup at " + backup + " (check the path)");
  auto from = SqliteDb::Open(backup, SqliteDb::Mode::kReadOnly);
  if (!from.ok()) return from.status();
  return BackupSqlite(*from, path);
}

}  // namespace rapport::store
