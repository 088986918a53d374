#include "store/sqlite/compaction.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace rapport::store {
namespace {

constexpr int64_t kMb = 1'000'000;

Result<int64_t> PragmaInt(SqliteDb& db, const char* pragma) {
  return db.QueryInt(std::string("PRAGMA ") + pragma);
}

// The bytes the file's pages take, and those of them on the free list.
struct PageBytes {
  int64_t total = 0, free = 0;
};
Result<PageBytes> Measure(SqliteDb& db) {
  auto size = PragmaInt(db, "page_size");
  auto pages = size.ok() ? PragmaInt(db, "page_count") : size;
  auto free = pages.ok() ? PragmaInt(db, "freelist_count") : pages;
  if (!free.ok()) return free.status();
  return PageBytes{*pages * *size, *free * *size};
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Where SQLite puts VACUUM's temporary copy: the first writable directory of these (its unix
// VFS's order).
std::string TemporaryDirectory() {
  std::vector<std::string> candidates;
  for (const char* env : {"SQLITE_TMPDIR", "TMPDIR"}) {
    if (const char* dir = std::getenv(env); dir != nullptr && *dir != '\0') {
      candidates.push_back(dir);
    }
  }
  for (const char* dir : {"/var/tmp", "/usr/tmp", "/tmp"}) candidates.push_back(dir);
  for (const std::string& dir : candidates) {
    struct stat info;
    if (::stat(dir.c_str(), &info) == 0 && S_ISDIR(info.st_mode) &&
        ::access(dir.c_str(), W_OK | X_OK) == 0) {
      return dir;
    }
  }
  return ".";
}

struct Disk {
  dev_t device = 0;
  int64_t available = 0;
};
std::optional<Disk> DiskOf(const std::string& dir) {
  struct stat info;
  struct statvfs fs;
  if (::stat(dir.c_str(), &info) != 0 || ::statvfs(dir.c_str(), &fs) != 0) return std::nullopt;
  return Disk{info.st_dev, static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize)};
}

// VACUUM writes the live pages twice: into a temporary database, then back through the WAL beside
// the store. A disk that cannot hold both is refused before anything is written.
Status CheckSpace(const std::string& store_dir, int64_t live) {
  const std::string temp_dir = TemporaryDirectory();
  auto store_disk = DiskOf(store_dir);
  auto temp_disk = DiskOf(temp_dir);
  if (!store_disk || !temp_disk) return Status::Ok();  // unknown: let SQLite find out
  const bool shared = store_disk->device == temp_disk->device;
  const int64_t at_store = shared ? 2 * live : live;
  auto refuse = [&](const std::string& dir, int64_t need, int64_t have) {
    return Status::FailedPrecondition(
        "compacting needs about " + std::to_string(need / kMb + 1) + " MB free in " + dir +
        (shared ? " (a copy of the store's data for the WAL, one for the temporary file)"
                : " (a copy of the store's data)") +
        " and there are " + std::to_string(have / kMb) +
        " MB: free some space, or set SQLITE_TMPDIR to a directory on a disk with room; "
        "nothing was changed");
  };
  if (store_disk->available < at_store) return refuse(store_dir, at_store, store_disk->available);
  if (!shared && temp_disk->available < live) return refuse(temp_dir, live, temp_disk->available);
  return Status::Ok();
}

Status Vacuum(SqliteDb& db) {
  const int rc = sqlite3_exec(db.handle(), "VACUUM", nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return Status::Ok();
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::FailedPrecondition(
          "another process is writing to the store (an ingest, a sync?): compact when it has "
          "finished; nothing was changed");
    case SQLITE_FULL:
      return Status::IoError(
          "the disk filled while compacting: free some space (or set SQLITE_TMPDIR to a "
          "directory on a disk with room) and run it again; nothing was changed");
    default:
      return Status::IoError("compacting failed: " + db.ErrorMessage() + "; nothing was changed");
  }
}

}  // namespace

Result<Compaction> CompactSqlite(SqliteDb& db) {
  auto before = Measure(db);
  if (!before.ok()) return before.status();
  const char* file = sqlite3_db_filename(db.handle(), "main");
  const std::string path = file != nullptr ? file : "";
  RAPPORT_RETURN_IF_ERROR(CheckSpace(DirectoryOf(path), before->total - before->free));
  RAPPORT_RETURN_IF_ERROR(Vacuum(db));
  // The WAL now holds every page: copied into the file, it is emptied. A reader that still holds
  // an older snapshot (a serve request) keeps part of it until it finishes; that is no failure.
  (void)db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  auto after = Measure(db);
  if (!after.ok()) return after.status();
  return Compaction{before->total, before->free, after->total};
}

}  // namespace rapport::store
