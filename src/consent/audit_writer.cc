#include "rapport/consent/audit_writer.h"

#include <exception>

#include "consent/hash_chain.h"

namespace rapport::consent {

struct AuditWriter::Pending {
  Entry entry;
  Status result;
  bool done = false;
};

Status AuditWriter::Append(store::Store& store, Entry entry) {
  Pending me{std::move(entry), Status::Ok(), false};
  std::unique_lock lock(mutex_);
  queue_.push_back(&me);
  while (!me.done) {
    if (writing_) {
      written_.wait(lock);
      continue;
    }
    // No group is being written: this request writes everything queued, its own entry included.
    writing_ = true;
    std::vector<Pending*> group;
    group.swap(queue_);
    lock.unlock();
    // The group is written without this request's time limit: the others in it have their own,
    // and a short append must not fail them because this one is late.
    const auto deadline = store.Deadline();
    store.SetDeadline(std::nullopt);
    const Status st = WriteGroup(store, group);
    store.SetDeadline(deadline);
    lock.lock();
    for (Pending* p : group) {
      p->result = st;
      p->done = true;
    }
    writing_ = false;
    written_.notify_all();
  }
  return me.result;
}

Status AuditWriter::WriteGroup(store::Store& store, const std::vector<Pending*>& group) {
  // The writing request must always hand back the writer: an exception escaping here (from an
  // entry, or allocation) would leave `writing_` set and every later request waiting forever.
  try {
    return TryWriteGroup(store, group);
  } catch (const std::exception& e) {
    return Status::IoError(std::string("could not write the audit entries: ") + e.what());
  }
}

Status AuditWriter::TryWriteGroup(store::Store& store, const std::vector<Pending*>& group) {
  Status st;
  for (int attempt = 0; attempt < 64; ++attempt) {
    auto chain = ChainKeyOf(store, store::Ledger::kAudit);
    if (!chain.ok()) return chain.status();
    auto last = store.LastLedgerRow(store::Ledger::kAudit);
    if (!last.ok()) return last.status();
    std::vector<store::LedgerRow> rows;
    rows.reserve(group.size());
    for (const Pending* p : group) {
      const store::LedgerRow* previous = rows.empty() ? (*last ? &**last : nullptr) : &rows.back();
      rows.push_back(NextRow(*chain, previous, p->entry(previous ? previous->seq + 1 : 1)));
    }
    st = store.AppendLedgerRows(store::Ledger::kAudit, rows);
    if (st.code() != Status::Code::kFailedPrecondition) return st;
  }
  return st;
}

}  // namespace rapport::consent
