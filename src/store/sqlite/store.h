// The SQLite Store behind OpenSqliteStore and CreateSqliteStore (sqlite/store_files.cc). Internal
// to src/store.
#pragma once

#include <memory>
#include <string>

#include "rapport/store/store.h"
#include "store/sqlite/db.h"

namespace rapport::store {

// The store over `db` (a file at `path`), its schema brought up to date; InitTenant writes its
// key file at `keys_path`. No keys are attached yet.
Result<std::unique_ptr<Store>> ConfigureSqliteStore(SqliteDb db, const std::string& path,
                                                    std::string keys_path, PageReads reads);

}  // namespace rapport::store
