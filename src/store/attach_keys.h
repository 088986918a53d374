// Attaching a store's key file (rapport/store/keys.h) as the store is opened. Internal to
// src/store.
#pragma once

#include <string>

#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::store {

// Reads the key file at `keys_path` and attaches its keys to `store` -- attached even when
// missing or another store's, so that what needs no key still works, and Keys() says why. A
// store from before key files has its keys moved out into a new file there first.
Status AttachKeyFile(Store& store, const std::string& keys_path);

}  // namespace rapport::store
