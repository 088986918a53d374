// Monthly partitions of message and participant in a PostgreSQL store (issue 21; the design and
// its one measurement are in docs/scale.md). Internal to src/store/postgres.
//
// Contract, as the rest of rapport sees it:
// - `message` and `participant` are partitioned by RANGE (tenant_id, sent_at), one partition per
//   tenant and UTC calendar month, named message_<tenant>_<YYYYMM> and
//   participant_<tenant>_<YYYYMM>. participant carries its message's sent_at (a message is never
//   updated, so the copy cannot drift).
// - `message_key (tenant_id, id, message_id, fingerprint, sent_at)` is unpartitioned and holds
//   the unique keys a partitioned table cannot: look a message up by Message-ID or fingerprint
//   there (sql/dialect.h MessageKeys). Triggers on message keep it whole.
// - A writer calls rapport_month_partition(tenant, rapport_month_start(sent_at)) for each month
//   of the messages it is about to insert: there is no default partition, so a row of a month
//   without one is refused.
// - Retention calls rapport_drop_months(tenant, cutoff): every month of the tenant that ends at
//   or before the cutoff is dropped whole, after its people are marked stale in the tie index.
#pragma once

namespace rapport::store {

// Migration 5: the partitioned tables, every tenant's rows moved into them.
extern const char* const kMonthPartitions;

}  // namespace rapport::store
