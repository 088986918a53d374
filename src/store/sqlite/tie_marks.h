// The SQLite store's migration 21: the triggers that mark tie-index rows stale (tie_index.h;
// migrations 17 and 19 in sqlite/schema.cc) rewritten as an upsert (DO NOTHING) of each mark, with
// no compound subquery and no "NOT IN (SELECT person FROM tie_stale)". The same marks; the
// old forms built temporary tables on every row a statement touched, so that a purge of
// 27,163 messages spent 35 s in the participant delete alone (BENCHMARKS.md). Internal to
// src/store/sqlite.
#pragma once

namespace rapport::store {

extern const char* const kTieMarksAsUpserts;

}  // namespace rapport::store
