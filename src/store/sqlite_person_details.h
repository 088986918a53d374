// One person's details in the SQLite store (`rapport people show`). Called by SqliteStore.
#pragma once

#include <string_view>

#include "rapport/store/store.h"
#include "store/sqlite_db.h"

namespace rapport::store {

Result<PersonDetails> FindPerson(SqliteDb& db, int64_t tenant, std::string_view address_or_name);

}  // namespace rapport::store
