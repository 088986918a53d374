// Account engagement's reads in the SQLite store (SPEC §4.5). Called by SqliteStore.
#pragma once

#include <cstdint>
#include <functional>

#include "rapport/status.h"
#include "rapport/store/engagement.h"
#include "store/sql/connection.h"

namespace rapport::store {

// Every e-mail sent and meeting started in [from, to) between internal people and the people of
// an account, one call per item and account (Store::ScanAccountActivity). Reads only.
Status ScanAccountActivity(SqlConnection& db, int64_t tenant, int64_t from, int64_t to,
                           const std::function<void(const AccountMail&)>& mail,
                           const std::function<void(const AccountMeeting&)>& meeting);

}  // namespace rapport::store
