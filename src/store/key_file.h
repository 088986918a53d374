// The key file on disk (see rapport/store/keys.h): one "name value" line per key, read and
// written whole. Internal to src/store.
#pragma once

#include <string>
#include <string_view>

#include "rapport/status.h"
#include "rapport/store/keys.h"

namespace rapport::store {

// The tenant setting naming the store's key file (its store_id): not a secret, but how a store
// knows that its keys live outside it, and which file is its own.
inline constexpr std::string_view kKeyFileIdSetting = "key_file_id";

// Fresh random keys for a new store id; both chains start at their first row.
Result<StoreKeys> NewStoreKeys(const std::string& path);

// The key file at `path`; NotFound when there is none, Corruption when it is not one.
Result<StoreKeys> ReadKeyFile(const std::string& path);

// Writes `keys` to keys.path, which must not exist yet, with mode 0600, and syncs it.
Status WriteNewKeyFile(const StoreKeys& keys);

}  // namespace rapport::store
