// The SQLite store's migration 26: `message` rebuilt so that its keys cost less to write and to
// keep. The content key becomes (tenant, time, fingerprint) -- a fingerprint includes the UTC
// time, so it dedupes exactly as (tenant, fingerprint) did -- and it also serves every read by
// time, so `message_sent` goes. Ingest stores mail roughly in time order, so the key's new
// entries land at its end instead of on a random page each, and a store is an index smaller
// (BENCHMARKS.md, issue 19). Both keys are now named unique indexes, which a later migration can
// drop (SQLite cannot drop a table's own UNIQUE constraint). Internal to src/store/sqlite.
#pragma once

namespace rapport::store {

extern const char* const kMessageKeyedByTime;

}  // namespace rapport::store
