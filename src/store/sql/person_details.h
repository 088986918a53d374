// One person's details in the SQLite store (`rapport people show`). Called by SqliteStore.
#pragma once

#include <string_view>

#include "rapport/store/store.h"
#include "store/sql/connection.h"

namespace rapport::store {

// How much of a person FindPerson fills in; each depth includes the ones before it.
enum class PersonDepth {
  kAddresses,  // id, kind, display name, is_role and addresses (what a policy decision needs)
  kIdentity,   // and names, account and the directory's entry
  kActivity,   // and the message and meeting counts
};

Result<PersonDetails> FindPerson(SqlConnection& db, int64_t tenant,
                                 std::string_view address_or_name, PersonDepth depth);

}  // namespace rapport::store
