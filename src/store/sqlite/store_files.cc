// Opening and creating a store's files: the SQLite database, which only CreateSqliteStore makes,
// and its key file, read on every open (and made from the store's own settings for a store from
// before key files).
#include <sys/stat.h>

#include <cerrno>

#include "rapport/store/store.h"
#include "store/attach_keys.h"
#include "store/key_file.h"
#include "store/sqlite/db.h"
#include "store/sqlite/store.h"

namespace rapport::store {
namespace {

enum class FileKind { kMissing, kEmpty, kRapport, kForeign };

// What is at `path`, read through a read-only connection so that a file that is not a rapport
// store is never written to (not even its journal mode).
Result<FileKind> Probe(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return FileKind::kMissing;
    return Status::IoError("cannot read " + path + " (check the --db path and its permissions)");
  }
  auto db = SqliteDb::Open(path, SqliteDb::Mode::kReadOnly);
  if (!db.ok()) return db.status();
  auto tables = db->QueryInt("SELECT count(*) FROM sqlite_master");
  if (!tables.ok()) {
    return Status::FailedPrecondition(path + " is not a rapport store (" +
                                      tables.status().message() + "); check --db");
  }
  if (*tables == 0) return FileKind::kEmpty;
  auto version = db->QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  auto tenant =
      db->QueryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tenant'");
  if (!tenant.ok()) return tenant.status();
  return *version >= 1 && *tenant == 1 ? FileKind::kRapport : FileKind::kForeign;
}

Status NotRapport(const std::string& path, const char* how) {
  return Status::FailedPrecondition(path + " is a database but not a rapport store, and rapport " +
                                    "leaves it alone; " + how);
}

std::string KeysPath(const std::string& path, const std::string& keys_path) {
  return keys_path.empty() ? DefaultKeyFilePath(path) : keys_path;
}

// The store at `path` opened in `mode`, configured, with its key file attached.
Result<std::unique_ptr<Store>> OpenWithKeys(const std::string& path, const std::string& keys_path,
                                            SqliteDb::Mode mode,
                                            PageReads reads = PageReads::kMapped) {
  auto db = SqliteDb::Open(path, mode);
  if (!db.ok()) return db.status();
  const std::string keys = KeysPath(path, keys_path);
  auto store = ConfigureSqliteStore(std::move(*db), path, keys, reads);
  if (!store.ok()) return store.status();
  RAPPORT_RETURN_IF_ERROR(AttachKeyFile(**store, keys));
  return store;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const std::string& keys_path, PageReads reads) {
  auto kind = Probe(path);
  if (!kind.ok()) return kind.status();
  if (*kind == FileKind::kMissing) {
    return Status::NotFound("there is no rapport store at " + path +
                            "; make one with rapport init, or point --db (or RAPPORT_DB) at yours");
  }
  if (*kind != FileKind::kRapport) {
    return NotRapport(path, "point --db (or RAPPORT_DB) at your rapport store");
  }
  return OpenWithKeys(path, keys_path, SqliteDb::Mode::kReadWrite, reads);
}

Result<std::unique_ptr<Store>> CreateSqliteStore(const std::string& path,
                                                 const std::string& keys_path) {
  auto kind = Probe(path);
  if (!kind.ok()) return kind.status();
  if (*kind == FileKind::kRapport) return OpenSqliteStore(path, keys_path);
  if (*kind == FileKind::kForeign) {
    return NotRapport(path, "rapport init makes a new store: choose a path where there is none");
  }
  return OpenWithKeys(path, keys_path, SqliteDb::Mode::kCreate);
}

}  // namespace rapport::store
