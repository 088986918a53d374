#include "store/sql/standby_reads.h"

#include <atomic>

#include "rapport/store/standby_counts.h"

namespace rapport::store {
namespace {

constexpr std::string_view kErasures = "erasures";

// Process-wide: a server's connections each have their own StandbyReads.
std::atomic<uint64_t> on_standby{0}, behind{0}, unreachable{0};

}  // namespace

StandbyReadCounts StandbyReadTotals() {
  return {on_standby.load(), behind.load(), unreachable.load()};
}

Status RecordErasure(SqlConnection& db, int64_t tenant) {
  auto bump = db.Prepare(
      "INSERT INTO tenant_setting (tenant_id, name, value) VALUES (?1, ?2, '1') "
      "ON CONFLICT (tenant_id, name) DO UPDATE SET "
      "value = CAST(CAST(tenant_setting.value AS BIGINT) + 1 AS TEXT)");
  if (!bump.ok()) return bump.status();
  bump->Bind(1, tenant).Bind(2, kErasures);
  return bump->Run();
}

Result<int64_t> ErasuresIn(SqlConnection& db, int64_t tenant) {
  auto select = db.Prepare(
      "SELECT CAST(value AS BIGINT) FROM tenant_setting WHERE tenant_id = ?1 AND name = ?2");
  if (!select.ok()) return select.status();
  select->Bind(1, tenant).Bind(2, kErasures);
  Status st;
  int64_t count = select->Step(st) ? select->ColumnInt(0) : 0;
  if (!st.ok()) return st;
  return count;
}

bool StandbyReads::Connected() {
  if (connection_) return true;
  const auto now = std::chrono::steady_clock::now();
  if (retry_after_ && now < *retry_after_) return false;
  auto made = connect_();
  if (!made.ok()) {
    retry_after_ = now + retry_;
    return false;
  }
  connection_ = std::move(*made);
  connection_->SetDeadline(deadline_);
  retry_after_.reset();
  ++generation_;
  return true;
}

void StandbyReads::Drop() {
  connection_.reset();
  active_ = false;
  retry_after_ = std::chrono::steady_clock::now() + retry_;
}

SqlConnection* StandbyReads::Begin(SqlConnection& primary, int64_t tenant) {
  if (!Connected()) {
    ++unreachable;
    return nullptr;
  }
  // The primary first: a purge that commits after this read may still be seen on the standby,
  // as it would be by a snapshot of the primary taken now.
  auto wanted = ErasuresIn(primary, tenant);
  if (!wanted.ok()) return nullptr;
  Status begun = connection_->BeginRead();
  auto held = begun.ok() ? ErasuresIn(*connection_, tenant) : Result<int64_t>(begun);
  if (!held.ok()) {
    Drop();
    ++unreachable;
    return nullptr;
  }
  if (*held < *wanted) {
    (void)connection_->Exec("ROLLBACK");
    ++behind;
    return nullptr;
  }
  active_ = true;
  ++on_standby;
  return connection_.get();
}

void StandbyReads::End() {
  if (!active_) return;
  active_ = false;
  // A statement interrupted by the deadline has already rolled the snapshot back.
  if (connection_ && connection_->InTransaction()) {
    if (!connection_->Exec("ROLLBACK").ok()) Drop();
  }
}

void StandbyReads::SetDeadline(std::optional<std::chrono::steady_clock::time_point> deadline) {
  deadline_ = deadline;
  if (connection_) connection_->SetDeadline(deadline);
}

}  // namespace rapport::store
