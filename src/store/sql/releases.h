// The budget ledger in the SQLite store: releases of account engagement and what each charged to
// every month of data it read (SPEC §4.5). Called by SqliteStore; rows are only ever added, and
// purges leave them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rapport/status.h"
#include "rapport/store/engagement.h"
#include "store/sql/connection.h"

namespace rapport::store {

Result<std::optional<PrivacyRelease>> FindRelease(SqlConnection& db, int64_t tenant,
                                                  std::string_view request_key);
// Released at or after `since`, oldest first (by released_at, then id), with their charges.
Result<std::vector<PrivacyRelease>> ListReleases(SqlConnection& db, int64_t tenant, int64_t since);
// Store::PrivacySpent: each month's charges in [from, to), summed.
Result<std::vector<MonthSpent>> SpentByMonth(SqlConnection& db, int64_t tenant, int64_t from,
                                             int64_t to);
// Store::ReleasesBy.
Result<int64_t> ReleasesBy(SqlConnection& db, int64_t tenant, std::string_view requested_by,
                           int64_t since);
// Store::AppendRelease, in its own BEGIN IMMEDIATE transaction.
Result<PrivacyRelease> AppendRelease(SqlConnection& db, int64_t tenant,
                                     const PrivacyRelease& release, const ReleaseLimits& limits);

}  // namespace rapport::store
