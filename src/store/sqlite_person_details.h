// One person's details in the SQLite store (`rapport people show`). Called by SqliteStore.
#pragma once

#include <string_view>

#include "rapport/store/store.h"
#include "store/sqlite_db.h"

namespace rapport::store {

// With `activity`, also the message and meeting counts.
Result<PersonDetails> FindPerson(SqliteDb& db, int64_t tenant, std::string_view address_or_name,
                                 bool activity);

}  // namespace rapport::store
