// StandbyReads: where a store sends its insight reads when it has a streaming standby
// (`rapport serve --db-read`). A read snapshot runs on the standby only when the standby has
// replayed every erasure the primary has committed -- each purge counts one in its own
// transaction (RecordErasure) -- so that nothing purged is ever read back from a copy that lags.
// Otherwise, or while the standby cannot be reached, the snapshot reads the primary. Consent,
// opt-outs, the ledgers, tokens, releases and settings are never routed here: what decides
// whether an insight may be shown is always read where it was written. docs/scale.md says
// what a lagging standby means for answers; StandbyReadTotals (standby_counts.h) counts what
// every snapshot did.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "rapport/status.h"
#include "store/sql/connection.h"

namespace rapport::store {

// Counts an erasure: call inside the transaction that deletes the data.
Status RecordErasure(SqlConnection& db, int64_t tenant);

// How many erasures the database at `db` has committed (its snapshot's view).
Result<int64_t> ErasuresIn(SqlConnection& db, int64_t tenant);

class StandbyReads {
 public:
  // `connect` opens (and checks) a connection to the standby; called again after a failure, at
  // most every `retry` -- a standby that is down costs a request nothing but one failed connect.
  using Connect = std::function<Result<std::unique_ptr<SqlConnection>>()>;
  explicit StandbyReads(Connect connect,
                        std::chrono::steady_clock::duration retry = std::chrono::seconds(5))
      : connect_(std::move(connect)), retry_(retry) {}

  // Opens a read snapshot on the standby when it may serve one: reachable, and holding every
  // erasure `primary` holds now. Returns it, else nullptr (read the primary instead).
  SqlConnection* Begin(SqlConnection& primary, int64_t tenant);
  // Ends the snapshot Begin opened.
  void End();
  // The standby while a snapshot on it is open, else nullptr.
  SqlConnection* Active() const { return active_ ? connection_.get() : nullptr; }
  // Changes whenever the connection is replaced: what holds on to it must be remade.
  uint64_t Generation() const { return generation_; }
  void SetDeadline(std::optional<std::chrono::steady_clock::time_point> deadline);

 private:
  bool Connected();
  void Drop();

  Connect connect_;
  std::chrono::steady_clock::duration retry_;
  std::unique_ptr<SqlConnection> connection_;
  std::optional<std::chrono::steady_clock::time_point> retry_after_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  uint64_t generation_ = 0;
  bool active_ = false;
};

}  // namespace rapport::store
