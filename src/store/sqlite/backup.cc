#include "store/sqlite/backup.h"

#include "store/new_file.h"

#include "rapport/store/store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>

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

Status BackupSqlite(SqliteDb& db, const std::string& path) {
  const std::string exists =
      path + " already exists: a backup never overwrites a file (name a new one)";
  if (FileExists(path)) return Status::FailedPrecondition(exists);  // before copying it all
  const std::string partial = PartialPath(path);
  auto to = SqliteDb::Open(partial, SqliteDb::Mode::kCreate);
  if (!to.ok()) return to.status();
  Status st = CopyPages(db.handle(), to->handle(), path);
  // One file, no journal beside it: the backup is complete on its own.
  if (st.ok()) st = to->Exec("PRAGMA journal_mode = DELETE");
  *to = SqliteDb();  // closes it
  if (!st.ok()) {
    ::unlink(partial.c_str());
    return st;
  }
  return PublishNew(partial, path, exists);
}

Status CopySqliteBackup(const std::string& backup, const std::string& path) {
  if (!FileExists(backup)) return Status::NotFound("no backup at " + backup + " (check the path)");
  auto from = SqliteDb::Open(backup, SqliteDb::Mode::kReadOnly);
  if (!from.ok()) return from.status();
  return BackupSqlite(*from, path);
}

}  // namespace rapport::store
