// Copying a SQLite store while it is in use: SQLite's online backup API, from one read
// transaction, so the copy is one consistent state however many writers run meanwhile.
#pragma once

#include <string>

#include "rapport/status.h"
#include "store/sqlite_db.h"

namespace rapport::store {

// Writes `db` to `path` (which must not exist) through a file beside it (`path`.partial-PID),
// renamed when complete.
Status BackupSqlite(SqliteDb& db, const std::string& path);

bool FileExists(const std::string& path);

}  // namespace rapport::store
