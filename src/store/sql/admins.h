// The tenant's admins in the SQLite store (table tenant_admin). Called by SqliteStore inside the
// transaction that also appends the change to the audit ledger.
#pragma once

#include <cstdint>
#include <string_view>

#include "rapport/status.h"
#include "store/sql/connection.h"

namespace rapport::store {

// Adds or removes `address` (lower-case). FailedPrecondition when nothing would change, or when
// the removal would leave the tenant without an admin.
Status ChangeAdmin(SqlConnection& db, int64_t tenant, std::string_view address, bool add);

}  // namespace rapport::store
