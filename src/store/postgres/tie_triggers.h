// The triggers that mark tie-index rows stale (tie_index.h) in a PostgreSQL store: the same
// marks as the SQLite store's (sqlite/schema.cc, migrations 17 and 19). Internal to
// src/store/postgres.
#pragma once

namespace rapport::store {

// DDL run by the PostgreSQL schema's first migration, after its tables, in this order.
extern const char* const kTieTriggers;
extern const char* const kTieAddressAdded;  // also migration 2, which replaces the function
extern const char* const kTieTriggersAfter;

}  // namespace rapport::store
