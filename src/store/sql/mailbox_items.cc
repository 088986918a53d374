// The SQLite writer's side of live mailboxes (ingest::MailboxSink): folder cursors, and which
// stored message each folder item is, so that an expunge removes the right copy.
#include <string>

#include "store/sql/dialect.h"
#include "store/sql/directory.h"
#include "store/sql/message_writer.h"

namespace rapport::store {

Result<std::map<std::string, std::string>> SqlMessageWriter::Cursors(int64_t source) {
  std::map<std::string, std::string> out;
  Status st = ForEachRow(
      db_, "SELECT folder, cursor FROM sync_cursor WHERE source = ?1",
      [&](SqlStatement& s) { out[s.ColumnText(0)] = s.ColumnText(1); }, source);
  if (!st.ok()) return st;
  return out;
}

Status SqlMessageWriter::SetCursor(int64_t source, std::string_view folder,
                                   std::string_view cursor) {
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  auto upsert = db_.Prepare(
      "INSERT INTO sync_cursor (source, folder, cursor) VALUES (?1, ?2, ?3) "
      "ON CONFLICT " +
      TenantKey(db_.Dialect(), "source, folder") + " DO UPDATE SET cursor = ?3");
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, source).Bind(2, folder).Bind(3, cursor);
  return upsert->Run();
}

Status SqlMessageWriter::DropCursor(int64_t source, std::string_view folder) {
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  auto drop = db_.Prepare("DELETE FROM sync_cursor WHERE source = ?1 AND folder = ?2");
  if (!drop.ok()) return drop.status();
  drop->Bind(1, source).Bind(2, folder);
  return drop->Run();
}

Result<int64_t> SqlMessageWriter::LocationId(std::string_view location) {
  RAPPORT_RETURN_IF_ERROR(FlushStaged());  // staged source files too
  int64_t id = 0;
  Status st = ForEachRow(
      db_, "SELECT id FROM source_file WHERE tenant_id = ?1 AND location = ?2",
      [&](SqlStatement& s) { id = s.ColumnInt(0); }, tenant_id_, location);
  if (!st.ok()) return st;
  return id;
}

Result<std::vector<uint64_t>> SqlMessageWriter::ItemsAt(std::string_view location) {
  auto source = LocationId(location);
  if (!source.ok()) return source.status();
  std::vector<uint64_t> out;
  Status st = ForEachRow(
      db_, "SELECT source_offset FROM mailbox_item WHERE source = ?1 ORDER BY source_offset",
      [&](SqlStatement& s) { out.push_back(static_cast<uint64_t>(s.ColumnInt(0))); }, *source);
  if (!st.ok()) return st;
  return out;
}

Status SqlMessageWriter::RememberMailboxItem(int64_t message, const ingest::Provenance& where) {
  auto source = SourceId(where);
  if (!source.ok()) return source.status();
  auto insert = db_.Prepare(
      "INSERT INTO mailbox_item (source, source_offset, message) VALUES (?1, ?2, ?3) "
      "ON CONFLICT DO NOTHING");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, *source).Bind(2, static_cast<int64_t>(where.offset)).Bind(3, message);
  return insert->Run();
}

Result<std::vector<uint64_t>> SqlMessageWriter::EventsAt(std::string_view location,
                                                         int64_t from_utc, int64_t to_utc) {
  auto source = LocationId(location);
  if (!source.ok()) return source.status();
  std::vector<uint64_t> out;
  Status st = ForEachRow(
      db_,
      "SELECT c.source_offset FROM calendar_item c JOIN meeting m ON m.id = c.meeting "
      "WHERE c.source = ?1 AND m.start_at >= ?2 AND m.start_at < ?3 ORDER BY c.source_offset",
      [&](SqlStatement& s) { out.push_back(static_cast<uint64_t>(s.ColumnInt(0))); }, *source,
      from_utc, to_utc);
  if (!st.ok()) return st;
  return out;
}

Status SqlMessageWriter::RememberCalendarItem(int64_t meeting, const ingest::Provenance& where) {
  auto source = SourceId(where);
  if (!source.ok()) return source.status();
  auto upsert = db_.Prepare(
      "INSERT INTO calendar_item (source, source_offset, meeting) VALUES (?1, ?2, ?3) "
      "ON CONFLICT " +
      TenantKey(db_.Dialect(), "source, source_offset") + " DO UPDATE SET meeting = ?3");
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, *source).Bind(2, static_cast<int64_t>(where.offset)).Bind(3, meeting);
  return upsert->Run();
}

// Where one kind of live item lives: messages from mail folders, meetings from calendars. The
// names are constants, never input.
struct SqlMessageWriter::ItemTables {
  const char* items;   // (source, offset) -> row
  const char* column;  // the row's column in `items` and in `copies`
  const char* copies;  // every copy but the first
  const char* rows;    // the table whose source and source_offset name the first copy
};

namespace {
constexpr SqlMessageWriter::ItemTables kMailItems{"mailbox_item", "message", "message_copy",
                                                  "message"};
constexpr SqlMessageWriter::ItemTables kCalendarItems{"calendar_item", "meeting", "meeting_copy",
                                                      "meeting"};
}  // namespace

Result<bool> SqlMessageWriter::RemoveItem(std::string_view location, uint64_t offset) {
  RAPPORT_RETURN_IF_ERROR(EnsureUnstaged());
  auto source = LocationId(location);
  if (!source.ok()) return source.status();
  if (*source == 0) return false;
  const int64_t at = static_cast<int64_t>(offset);
  auto removed = RemoveCopy(kMailItems, *source, at);
  if (removed.ok() && !*removed) removed = RemoveCopy(kCalendarItems, *source, at);
  if (!removed.ok() || !*removed) return removed;
  RAPPORT_RETURN_IF_ERROR(AfterItem());
  return true;
}

// A message's or meeting's provenance is its first copy; when that copy goes, the next known
// copy takes its place, and the row goes with its last copy.
Result<bool> SqlMessageWriter::RemoveCopy(const ItemTables& t, int64_t source, int64_t at) {
  const std::string items(t.items), column(t.column), copies(t.copies), rows(t.rows);
  int64_t row = 0;
  Status st = ForEachRow(
      db_, "SELECT " + column + " FROM " + items + " WHERE source = ?1 AND source_offset = ?2",
      [&](SqlStatement& s) { row = s.ColumnInt(0); }, source, at);
  if (!st.ok()) return st;
  if (row == 0) return false;
  auto run = [&](const std::string& sql, int64_t a, int64_t b, int64_t c) -> Status {
    auto stmt = db_.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, a).Bind(2, b).Bind(3, c);
    return stmt->Run();
  };
  const std::string where = " WHERE " + column + " = ?1 AND source = ?2 AND source_offset = ?3";
  RAPPORT_RETURN_IF_ERROR(run("DELETE FROM " + items + where, row, source, at));
  RAPPORT_RETURN_IF_ERROR(run("DELETE FROM " + copies + where, row, source, at));
  bool first_copy = false;
  st = ForEachRow(
      db_, "SELECT 1 FROM " + rows + " WHERE id = ?1 AND source = ?2 AND source_offset = ?3",
      [&](SqlStatement&) { first_copy = true; }, row, source, at);
  if (!st.ok()) return st;
  if (!first_copy) return true;
  int64_t next_source = 0, next_offset = 0, next_at = 0;
  st = ForEachRow(
      db_,
      "SELECT source, source_offset, ingested_at FROM " + copies + " WHERE " + column +
          " = ?1 ORDER BY source, source_offset LIMIT 1",
      [&](SqlStatement& s) {
        next_source = s.ColumnInt(0);
        next_offset = s.ColumnInt(1);
        next_at = s.ColumnInt(2);
      },
      row);
  if (!st.ok()) return st;
  if (next_source == 0) {
    RAPPORT_RETURN_IF_ERROR(DeleteItem(rows, row));
    return true;
  }
  auto promote = db_.Prepare(
      "UPDATE " + rows + " SET source = ?2, source_offset = ?3, ingested_at = ?4 WHERE id = ?1");
  if (!promote.ok()) return promote.status();
  promote->Bind(1, row).Bind(2, next_source).Bind(3, next_offset).Bind(4, next_at);
  RAPPORT_RETURN_IF_ERROR(promote->Run());
  RAPPORT_RETURN_IF_ERROR(run("DELETE FROM " + copies + where, row, next_source, next_offset));
  return true;
}

Result<std::vector<std::string>> SqlMessageWriter::LocationsUnder(std::string_view prefix) {
  RAPPORT_RETURN_IF_ERROR(FlushStaged());  // staged source files too
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
      [&](SqlStatement& s) { out.push_back(s.ColumnText(0)); }, tenant_id_, from, to);
  if (!st.ok()) return st;
  return out;
}

Status SqlMessageWriter::ForgetLocation(std::string_view location) {
  RAPPORT_RETURN_IF_ERROR(EnsureUnstaged());
  auto source = LocationId(location);
  if (!source.ok()) return source.status();
  if (*source == 0) return Status::Ok();
  auto in_use = db_.QueryInt(
      "SELECT EXISTS (SELECT 1 FROM mailbox_item WHERE source = " + std::to_string(*source) +
      ") OR EXISTS (SELECT 1 FROM calendar_item WHERE source = " + std::to_string(*source) +
      ") OR EXISTS (SELECT 1 FROM message_copy WHERE source = " + std::to_string(*source) +
      ") OR EXISTS (SELECT 1 FROM meeting WHERE source = " + std::to_string(*source) + ")");
  if (!in_use.ok()) return in_use.status();
  if (*in_use != 0) return Status::Ok();  // still the provenance of something: kept
  if (source_id_ == *source) source_id_ = 0;
  return db_.Exec("DELETE FROM source_file WHERE id = " + std::to_string(*source));
}

Status SqlMessageWriter::ApplyDirectory(const model::Directory& changes) {
  RAPPORT_RETURN_IF_ERROR(EnsureUnstaged());
  // A savepoint: a delta the directory refuses (an address given to two users) leaves no half
  // of itself in the transaction the sync goes on with.
  RAPPORT_RETURN_IF_ERROR(db_.Exec("SAVEPOINT directory_delta"));
  DirectoryImport counts;
  Status st = ImportDirectory(db_, tenant_id_, tenant_, changes, "Graph directory delta", counts);
  if (!st.ok()) {
    (void)db_.Exec("ROLLBACK TO directory_delta; RELEASE directory_delta");
    return st;
  }
  return db_.Exec("RELEASE directory_delta");
}

Result<std::vector<std::string>> SqlMessageWriter::DirectoryUserKeys() {
  std::vector<std::string> keys;
  Status st = ForEachRow(
      db_, "SELECT user_key FROM directory_user WHERE tenant_id = ?1 ORDER BY 1",
      [&](SqlStatement& s) { keys.push_back(s.ColumnText(0)); }, tenant_id_);
  if (!st.ok()) return st;
  return keys;
}

}  // namespace rapport::store
