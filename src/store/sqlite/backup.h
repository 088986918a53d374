// Copying a SQLite store while it is in use: SQLite's online backup API, from one read
// transaction, so the copy is one consistent state however many writers run meanwhile.
#pragma once

#include <string>

#include "rapport/status.h"
#include "store/new_file.h"
#include "store/sqlite/db.h"

namespace rapport::store {

// Writes `db` to `path`, which must not exist, as a new file (store/new_file.h): whole or not at
// all, readable by its owner only.
Status BackupSqlite(SqliteDb& db, const std::string& path);

}  // namespace rapport::store
