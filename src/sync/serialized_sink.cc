#include "sync/serialized_sink.h"

namespace rapport::sync {

using Lock = std::lock_guard<std::mutex>;

Result<bool> SerializedSink::AlreadyIngested(const ingest::SourceFile& file) {
  Lock lock(mutex_);
  return sink_.AlreadyIngested(file);
}
Result<ingest::SinkOutcome> SerializedSink::Add(const model::MessageMeta& meta,
                                                const ingest::Provenance& where) {
  Lock lock(mutex_);
  return sink_.Add(meta, where);
}
Result<ingest::SinkOutcome> SerializedSink::AddMeeting(const model::MeetingMeta& meeting,
                                                       const ingest::Provenance& where) {
  Lock lock(mutex_);
  return sink_.AddMeeting(meeting, where);
}
Result<bool> SerializedSink::RemoveGraphItem(std::string_view graph_id) {
  Lock lock(mutex_);
  return sink_.RemoveGraphItem(graph_id);
}
Status SerializedSink::FinishFile(const ingest::SourceFile& file, std::string_view source_kind) {
  Lock lock(mutex_);
  return sink_.FinishFile(file, source_kind);
}
Status SerializedSink::Commit() {
  Lock lock(mutex_);
  return sink_.Commit();
}
Result<std::map<std::string, std::string>> SerializedSink::Cursors(int64_t source) {
  Lock lock(mutex_);
  return sink_.Cursors(source);
}
Status SerializedSink::SetCursor(int64_t source, std::string_view folder, std::string_view cursor) {
  Lock lock(mutex_);
  return sink_.SetCursor(source, folder, cursor);
}
Status SerializedSink::DropCursor(int64_t source, std::string_view folder) {
  Lock lock(mutex_);
  return sink_.DropCursor(source, folder);
}
Result<std::vector<uint64_t>> SerializedSink::ItemsAt(std::string_view location) {
  Lock lock(mutex_);
  return sink_.ItemsAt(location);
}
Result<std::vector<uint64_t>> SerializedSink::EventsAt(std::string_view location, int64_t from_utc,
                                                       int64_t to_utc) {
  Lock lock(mutex_);
  return sink_.EventsAt(location, from_utc, to_utc);
}
Result<bool> SerializedSink::RemoveItem(std::string_view location, uint64_t offset) {
  Lock lock(mutex_);
  return sink_.RemoveItem(location, offset);
}
Result<std::vector<std::string>> SerializedSink::LocationsUnder(std::string_view prefix) {
  Lock lock(mutex_);
  return sink_.LocationsUnder(prefix);
}
Status SerializedSink::ApplyDirectory(const model::Directory& changes) {
  Lock lock(mutex_);
  return sink_.ApplyDirectory(changes);
}
Result<std::vector<std::string>> SerializedSink::DirectoryUserKeys() {
  Lock lock(mutex_);
  return sink_.DirectoryUserKeys();
}
Status SerializedSink::ForgetLocation(std::string_view location) {
  Lock lock(mutex_);
  return sink_.ForgetLocation(location);
}

Status SerializedGate::CheckRun() {
  Lock lock(mutex_);
  return gate_.CheckRun();
}
ingest::GateVerdict SerializedGate::Filter(model::MessageMeta& meta) {
  Lock lock(mutex_);
  return gate_.Filter(meta);
}
ingest::GateVerdict SerializedGate::Filter(model::MeetingMeta& meeting) {
  Lock lock(mutex_);
  return gate_.Filter(meeting);
}

}  // namespace rapport::sync
