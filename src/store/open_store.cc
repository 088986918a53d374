// Which database --db names: a PostgreSQL URL, or else a SQLite file.
#include "rapport/store/store.h"

namespace rapport::store {

bool IsPostgresUrl(std::string_view location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& location, const std::string& keys_path,
                                         PageReads reads, const std::string& read_location) {
  if (!read_location.empty() && (!IsPostgresUrl(location) || !IsPostgresUrl(read_location))) {
    return Status::InvalidArgument(
        "--db-read names a PostgreSQL standby of a store in PostgreSQL: both --db and --db-read "
        "must be postgresql:// URLs");
  }
  if (IsPostgresUrl(location)) return OpenPostgresStore(location, keys_path, read_location);
  return OpenSqliteStore(location, keys_path, reads);
}

Result<std::unique_ptr<Store>> CreateStore(const std::string& location,
                                           const std::string& keys_path) {
  if (IsPostgresUrl(location)) return CreatePostgresStore(location, keys_path);
  return CreateSqliteStore(location, keys_path);
}

}  // namespace rapport::store
