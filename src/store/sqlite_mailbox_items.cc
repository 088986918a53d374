// The SQLite writer's side of live mailboxes (ingest::MailboxSink): folder cursors, and which
// stored message each folder item is, so that an expunge removes the right copy.
#include <string>

#include "store/sqlite_message_writer.h"

namespace rapport::store {

Result<std::map<std::string, std::string>> SqliteMessageWriter::Cursors(int64_t source) {
  std::map<std::string, std::string> out;
  Status st = ForEachRow(
      db_, "SELECT folder, cursor FROM sync_cursor WHERE source = ?1",
      [&](SqliteStatement& s) { out[s.ColumnText(0)] = s.ColumnText(1); }, source);
  if (!st.ok()) return st;
  return out;
}

Status SqliteMessageWriter::SetCursor(int64_t source, std::string_view folder,
                                      std::string_view cursor) {
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  auto upsert = db_.Prepare(
      "INSERT INTO sync_cursor (source, folder, cursor) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (source, folder) DO UPDATE SET cursor = ?3");
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, source).Bind(2, folder).Bind(3, cursor);
  return upsert->Run();
}

Status SqliteMessageWriter::DropCursor(int64_t source, std::string_view folder) {
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  auto drop = db_.Prepare("DELETE FROM sync_cursor WHERE source = ?1 AND folder = ?2");
  if (!drop.ok()) return drop.status();
  drop->Bind(1, source).Bind(2, folder);
  return drop->Run();
}

Result<int64_t> SqliteMessageWriter::LocationId(std::string_view location) {
  int64_t id = 0;
  Status st = ForEachRow(
      db_, "SELECT id FROM source_file WHERE tenant_id = ?1 AND location = ?2",
      [&](SqliteStatement& s) { id = s.ColumnInt(0); }, tenant_id_, location);
  if (!st.ok()) return st;
  return id;
}

Result<std::vector<uint64_t>> SqliteMessageWriter::ItemsAt(std::string_view location) {
  auto source = LocationId(location);
  if (!source.ok()) return source.status();
  std::vector<uint64_t> out;
  Status st = ForEachRow(
      db_, "SELECT offset FROM mailbox_item WHERE source = ?1 ORDER BY offset",
      [&](SqliteStatement& s) { out.push_back(static_cast<uint64_t>(s.ColumnInt(0))); }, *source);
  if (!st.ok()) return st;
  return out;
}

Status SqliteMessageWriter::RememberMailboxItem(int64_t message, const ingest::Provenance& where) {
  auto source = SourceId(where);
  if (!source.ok()) return source.status();
  auto insert = db_.Prepare(
      "INSERT OR IGNORE INTO mailbox_item (source, offset, message) VALUES (?1, ?2, ?3)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, *source).Bind(2, static_cast<int64_t>(where.offset)).Bind(3, message);
  return insert->Run();
}

// The message's provenance is its first copy; when that copy goes, the next known copy takes
// its place, and the message goes with its last copy.
Result<bool> SqliteMessageWriter::RemoveItem(std::string_view location, uint64_t offset) {
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  auto source = LocationId(location);
  if (!source.ok()) return source.status();
  const int64_t at = static_cast<int64_t>(offset);
  int64_t message = 0;
  Status st = ForEachRow(
      db_, "SELECT message FROM mailbox_item WHERE source = ?1 AND offset = ?2",
      [&](SqliteStatement& s) { message = s.ColumnInt(0); }, *source, at);
  if (!st.ok()) return st;
  if (message == 0) return false;
  auto run = [&](std::string_view sql) -> Status {
    auto stmt = db_.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, message).Bind(2, *source).Bind(3, at);
    return stmt->Run();
  };
  RAPPORT_RETURN_IF_ERROR(
      run("DELETE FROM mailbox_item WHERE message = ?1 AND source = ?2 AND offset = ?3"));
  RAPPORT_RETURN_IF_ERROR(
      run("DELETE FROM message_copy WHERE message = ?1 AND source = ?2 AND offset = ?3"));
  bool first_copy = false;
  st = ForEachRow(
      db_, "SELECT 1 FROM message WHERE id = ?1 AND source = ?2 AND source_offset = ?3",
      [&](SqliteStatement&) { first_copy = true; }, message, *source, at);
  if (!st.ok()) return st;
  if (first_copy) {
    int64_t next_source = 0, next_offset = 0, next_at = 0;
    st = ForEachRow(
        db_,
        "SELECT source, offset, ingested_at FROM message_copy WHERE message = ?1 "
        "ORDER BY source, offset LIMIT 1",
        [&](SqliteStatement& s) {
          next_source = s.ColumnInt(0);
          next_offset = s.ColumnInt(1);
          next_at = s.ColumnInt(2);
        },
        message);
    if (!st.ok()) return st;
    if (next_source == 0) {
      RAPPORT_RETURN_IF_ERROR(DeleteItem("message", message));
    } else {
      auto promote = db_.Prepare(
          "UPDATE message SET source = ?2, source_offset = ?3, ingested_at = ?4 WHERE id = ?1");
      if (!promote.ok()) return promote.status();
      promote->Bind(1, message).Bind(2, next_source).Bind(3, next_offset).Bind(4, next_at);
      RAPPORT_RETURN_IF_ERROR(promote->Run());
      auto drop = db_.Prepare(
          "DELETE FROM message_copy WHERE message = ?1 AND source = ?2 AND offset = ?3");
      if (!drop.ok()) return drop.status();
      drop->Bind(1, message).Bind(2, next_source).Bind(3, next_offset);
      RAPPORT_RETURN_IF_ERROR(drop->Run());
    }
  }
  RAPPORT_RETURN_IF_ERROR(AfterItem());
  return true;
}

Result<std::vector<std::string>> SqliteMessageWriter::LocationsUnder(std::string_view prefix) {
  std::vector<std::string> out;
  if (prefix.empty() || static_cast<unsigned char>(prefix.back()) == 0xFF) {
    return Status::InvalidArgument("a location prefix must end in a byte below 0xFF");
  }
  // A range on the (tenant_id, location) index, not a scan: every location that starts with
  // `prefix` sorts from it up to it with its last byte raised by one. A sync asks this for every
  // folder, and a store may hold a source_file row for each of millions of ingested files.
  std::string from(prefix), to(prefix);
  to.back() = static_cast<char>(static_cast<unsigned char>(to.back()) + 1);
  Status st = ForEachRow(
      db_,
      "SELECT location FROM source_file WHERE tenant_id = ?1 AND location >= ?2 AND "
      "location < ?3 AND kind = 'imap' ORDER BY location",
      [&](SqliteStatement& s) { out.push_back(s.ColumnText(0)); }, tenant_id_, from, to);
  if (!st.ok()) return st;
  return out;
}

Status SqliteMessageWriter::ForgetLocation(std::string_view location) {
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  auto source = LocationId(location);
  if (!source.ok()) return source.status();
  if (*source == 0) return Status::Ok();
  auto in_use = db_.QueryInt(
      "SELECT EXISTS (SELECT 1 FROM mailbox_item WHERE source = " + std::to_string(*source) +
      ") OR EXISTS (SELECT 1 FROM message_copy WHERE source = " + std::to_string(*source) +
      ") OR EXISTS (SELECT 1 FROM meeting WHERE source = " + std::to_string(*source) + ")");
  if (!in_use.ok()) return in_use.status();
  if (*in_use != 0) return Status::Ok();  // still the provenance of something: kept
  if (source_id_ == *source) source_id_ = 0;
  return db_.Exec("DELETE FROM source_file WHERE id = " + std::to_string(*source));
}

}  // namespace rapport::store
