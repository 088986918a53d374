// SerializedSink and SerializedGate: one store shared by the threads of a pass that reads
// several mailboxes at once. Each call runs alone, under one mutex for the store and the
// consent gate (which reads the same store); fetching and parsing happen outside it.
//
// Why this is safe for the cursors' contract (mailbox_sink.h): a thread's SetCursor() follows
// its items in the order calls are made, so any Commit() -- whichever thread makes it -- that
// holds a cursor also holds the items before it. A commit may also carry another thread's items
// without their cursor; a sync killed then reads those pages again and finds them stored.
#pragma once

#include <mutex>

#include "rapport/ingest/ingest_gate.h"
#include "rapport/ingest/mailbox_sink.h"

namespace rapport::sync {

class SerializedSink final : public ingest::MailboxSink {
 public:
  SerializedSink(ingest::MailboxSink& sink, std::mutex& mutex) : sink_(sink), mutex_(mutex) {}

  Result<bool> AlreadyIngested(const ingest::SourceFile& file) override;
  Result<ingest::SinkOutcome> Add(const model::MessageMeta& meta,
                                  const ingest::Provenance& where) override;
  Result<ingest::SinkOutcome> AddMeeting(const model::MeetingMeta& meeting,
                                         const ingest::Provenance& where) override;
  Result<bool> RemoveGraphItem(std::string_view graph_id) override;
  Status FinishFile(const ingest::SourceFile& file, std::string_view source_kind) override;
  Status Commit() override;
  Result<std::map<std::string, std::string>> Cursors(int64_t source) override;
  Status SetCursor(int64_t source, std::string_view folder, std::string_view cursor) override;
  Status DropCursor(int64_t source, std::string_view folder) override;
  Result<std::vector<uint64_t>> ItemsAt(std::string_view location) override;
  Result<std::vector<uint64_t>> EventsAt(std::string_view location, int64_t from_utc,
                                         int64_t to_utc) override;
  Result<bool> RemoveItem(std::string_view location, uint64_t offset) override;
  Result<std::vector<std::string>> LocationsUnder(std::string_view prefix) override;
  Status ApplyDirectory(const model::Directory& changes) override;
  Result<std::vector<std::string>> DirectoryUserKeys() override;
  Status ForgetLocation(std::string_view location) override;

 private:
  ingest::MailboxSink& sink_;
  std::mutex& mutex_;
};

class SerializedGate final : public ingest::IngestGate {
 public:
  SerializedGate(ingest::IngestGate& gate, std::mutex& mutex) : gate_(gate), mutex_(mutex) {}

  Status CheckRun() override;
  ingest::GateVerdict Filter(model::MessageMeta& meta) override;
  ingest::GateVerdict Filter(model::MeetingMeta& meeting) override;

 private:
  ingest::IngestGate& gate_;
  std::mutex& mutex_;
};

}  // namespace rapport::sync
