// The triggers that mark tie-index rows stale (tie_index.h) in a PostgreSQL store: the same
// marks as the SQLite store's (sqlite/schema.cc, migrations 17 and 19). Internal to
// src/store/postgres.
#pragma once

#include <string>

namespace rapport::store {

// DDL run by the PostgreSQL schema's first migration, after its tables, in this order.
extern const char* const kTieTriggers;
// Also migrations 2 (which replaces the function) and 3 (tie_stale's key led by the tenant):
// `stale_key` is tie_stale's key.
std::string TieAddressAdded(const std::string& stale_key);
extern const char* const kTieTriggersAfter;
// Migration 3, after the keys that lead with the tenant.
extern const char* const kTieMarksPerStatement;
// Migration 4: statement triggers planned as look-ups, whatever the statistics.
extern const char* const kTieMarksByLookup;

}  // namespace rapport::store
