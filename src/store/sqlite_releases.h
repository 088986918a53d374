// The budget ledger in the SQLite store: releases charged to the tenant's privacy budget
// (SPEC §4.5). Called by SqliteStore; rows are only ever added, and purges leave them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rapport/status.h"
#include "rapport/store/engagement.h"
#include "store/sqlite_db.h"

namespace rapport::store {

Result<std::optional<PrivacyRelease>> FindRelease(SqliteDb& db, int64_t tenant,
                                                  std::string_view request_key);
// Released at or after `since`, oldest first (by released_at, then id).
Result<std::vector<PrivacyRelease>> ListReleases(SqliteDb& db, int64_t tenant, int64_t since);
// Store::PrivacySpent: the epsilon of the releases made at or after `since`, in millionths.
Result<int64_t> SpentSince(SqliteDb& db, int64_t tenant, int64_t since);
// Store::PrivacySpentBy: the same, of the releases `requested_by` asked for.
Result<int64_t> SpentBySince(SqliteDb& db, int64_t tenant, int64_t since,
                             std::string_view requested_by);
// Store::AppendRelease, in its own BEGIN IMMEDIATE transaction.
Result<PrivacyRelease> AppendRelease(SqliteDb& db, int64_t tenant, const PrivacyRelease& release,
                                     const ReleaseLimits& limits);

}  // namespace rapport::store
