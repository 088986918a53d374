// AuditWriter: appends the access-audit entries of concurrent requests, several to one write
// transaction (group commit).
//
// Contract: Append(store, entry) returns once that request's own entry is committed to the audit
// ledger, or with the error that kept it out -- so an insight is still never served before its
// audit entry is in the store. Requests that arrive while one group commits wait and form the
// next group, which the first of them writes through its own store connection (so `store` must
// not be inside a transaction: the group would ride on it). Entries get
// consecutive seqs in arrival order; `entry(seq)` is called once per attempt, by the writing
// thread, to produce the entry's text for that seq. A group is all or nothing: when the write
// fails every request in it gets the error. Another process appending meanwhile moves the chain
// on; the group is then rebuilt on the new last row (bounded retries).
//
// One writer per server makes one write transaction per group instead of one per request: fewer
// commits (each makes every other connection drop its cached pages), and workers that wait on a
// condition variable instead of in SQLite's sleeping busy handler. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::consent {

class AuditWriter {
 public:
  using Entry = std::function<std::string(int64_t seq)>;

  Status Append(store::Store& store, Entry entry);

 private:
  struct Pending;
  static Status WriteGroup(store::Store& store, const std::vector<Pending*>& group);
  static Status TryWriteGroup(store::Store& store, const std::vector<Pending*>& group);

  std::mutex mutex_;
  std::condition_variable written_;
  std::vector<Pending*> queue_;  // waiting for the next group
  bool writing_ = false;         // a group is being written
};

}  // namespace rapport::consent
