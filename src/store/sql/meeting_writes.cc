// SqlMessageWriter, continued: meetings and Graph deletions.
#include <string>
#include <unordered_map>
#include <vector>

#include "store/sql/dialect.h"
#include "store/sql/message_writer.h"

namespace rapport::store {
namespace {

// How much a response says: a copy that knows more replaces one that knows less.
int Informativeness(model::AttendeeResponse r) {
  switch (r) {
    case model::AttendeeResponse::kNone:
      return 0;
    case model::AttendeeResponse::kNeedsAction:
      return 1;
    default:
      return 2;
  }
}

}  // namespace

Status SqlMessageWriter::PrepareMeetingStatements() {
  struct {
    SqlStatement* stmt;
    std::string sql;
  } statements[] = {
      {&find_meeting_,
       "SELECT id, sequence FROM meeting WHERE tenant_id = ?1 AND uid = ?2 AND "
       "occurrence_start = ?3"},
      {&insert_meeting_,
       "INSERT INTO meeting (tenant_id, uid, occurrence_start, organizer_id, start_at, "
       "start_offset_min, end_at, all_day, cancelled, sequence, source, source_offset, "
       "ingested_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)" +
           std::string(ReturningId(db_.Dialect()))},
      {&update_meeting_,
       "UPDATE meeting SET organizer_id = coalesce(?2, organizer_id), start_at = ?3, "
       "start_offset_min = ?4, end_at = ?5, all_day = ?6, cancelled = ?7, sequence = ?8 "
       "WHERE id = ?1"},
      {&cancel_meeting_, "UPDATE meeting SET cancelled = 1 WHERE id = ?1"},
      // A meeting's attendees in one statement (one round trip to PostgreSQL, not one each),
      // from a JSON array of [address, role, response]. A known response is never overwritten
      // by "none" or "needs action" (Informativeness, in SQL).
      {&upsert_attendees_,
       "INSERT INTO meeting_attendee (meeting, address, role, response) SELECT ?1, c0, c1, c2 "
       "FROM " +
           IntegerRowsIn(db_.Dialect(), 2, 3) + " AS listed WHERE true ON CONFLICT " +
           TenantKey(db_.Dialect(), "meeting, address") +
           " DO UPDATE SET role = excluded.role, response = CASE "
           "WHEN (CASE WHEN excluded.response >= 2 THEN 2 ELSE excluded.response END) >= "
           "(CASE WHEN meeting_attendee.response >= 2 THEN 2 ELSE meeting_attendee.response END) "
           "THEN excluded.response ELSE meeting_attendee.response END"},
      {&clear_attendees_, "DELETE FROM meeting_attendee WHERE meeting = ?1"},
      {&insert_meeting_copy_,
       "INSERT INTO meeting_copy (meeting, source, source_offset, ingested_at) "
       "SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS "
       "(SELECT 1 FROM meeting WHERE id = ?1 AND source = ?2 AND source_offset = ?3) "
       "ON CONFLICT DO NOTHING"},
      {&insert_graph_item_,
       "INSERT INTO graph_item (tenant_id, graph_id, kind, item) VALUES (?1, ?2, ?3, ?4) "
       "ON CONFLICT (tenant_id, graph_id) DO UPDATE SET kind = excluded.kind, "
       "item = excluded.item"},
      {&find_graph_item_,
       "SELECT kind, item FROM graph_item WHERE tenant_id = ?1 AND graph_id = ?2"},
  };
  for (auto& s : statements) {
    auto prepared = db_.Prepare(s.sql);
    if (!prepared.ok()) return prepared.status();
    *s.stmt = std::move(*prepared);
  }
  return Status::Ok();
}

Result<SqlMessageWriter::StoredMeeting> SqlMessageWriter::FindMeeting(
    const model::MeetingMeta& meeting) {
  find_meeting_.Bind(1, tenant_id_).Bind(2, meeting.uid).Bind(3, meeting.occurrence_start);
  Status st;
  StoredMeeting found;
  if (find_meeting_.Step(st)) {
    found.row = find_meeting_.ColumnInt(0);
    found.sequence = static_cast<int32_t>(find_meeting_.ColumnInt(1));
  }
  find_meeting_.Reset();
  if (!st.ok()) return st;
  return found;
}

Result<int64_t> SqlMessageWriter::InsertMeeting(const model::MeetingMeta& m,
                                                const ingest::Provenance& where) {
  auto source = SourceId(where);
  if (!source.ok()) return source.status();
  insert_meeting_.Bind(1, tenant_id_).Bind(2, m.uid).Bind(3, m.occurrence_start);
  if (m.organizer.address.empty()) {
    insert_meeting_.BindNull(4);
  } else {
    auto organizer = AddressId(m.organizer);
    if (!organizer.ok()) return organizer.status();
    insert_meeting_.Bind(4, *organizer);
  }
  insert_meeting_.Bind(5, m.start.utc_seconds)
      .Bind(6, static_cast<int64_t>(m.start.offset_minutes))
      .Bind(7, m.end.utc_seconds)
      .Bind(8, int64_t{m.all_day})
      .Bind(9, int64_t{m.cancelled || m.method == model::MeetingMethod::kCancel})
      .Bind(10, static_cast<int64_t>(m.sequence))
      .Bind(11, *source)
      .Bind(12, static_cast<int64_t>(where.offset))
      .Bind(13, now_);
  return insert_meeting_.RunForId();
}

Status SqlMessageWriter::UpdateMeeting(int64_t row, const model::MeetingMeta& m) {
  update_meeting_.Bind(1, row);
  if (m.organizer.address.empty()) {
    update_meeting_.BindNull(2);
  } else {
    auto organizer = AddressId(m.organizer);
    if (!organizer.ok()) return organizer.status();
    update_meeting_.Bind(2, *organizer);
  }
  update_meeting_.Bind(3, m.start.utc_seconds)
      .Bind(4, static_cast<int64_t>(m.start.offset_minutes))
      .Bind(5, m.end.utc_seconds)
      .Bind(6, int64_t{m.all_day})
      .Bind(7, int64_t{m.cancelled})
      .Bind(8, static_cast<int64_t>(m.sequence));
  return update_meeting_.Run();
}

Status SqlMessageWriter::MergeAttendees(int64_t row, const model::MeetingMeta& m, bool replace) {
  if (replace) {
    clear_attendees_.Bind(1, row);
    RAPPORT_RETURN_IF_ERROR(clear_attendees_.Run());
  }
  // An address listed twice is folded here as the statement's upsert would fold it row by row
  // (PostgreSQL refuses to update one row twice in a statement): the later role, and the later
  // response unless it says less.
  struct Row {
    int64_t address;
    model::Attendee attendee;
  };
  std::vector<Row> rows;
  std::unordered_map<int64_t, size_t> row_of;  // an all-hands lists thousands
  for (const auto& a : m.attendees) {
    if (a.who.address.empty()) continue;
    auto id = AddressId(a.who);
    if (!id.ok()) return id.status();
    auto [at, added] = row_of.try_emplace(*id, rows.size());
    if (added) {
      rows.push_back({*id, a});
      continue;
    }
    model::Attendee& same = rows[at->second].attendee;
    same.role = a.role;
    if (Informativeness(a.response) >= Informativeness(same.response)) same.response = a.response;
  }
  if (rows.empty()) return Status::Ok();
  std::string json = "[";
  for (const auto& r : rows) {
    if (json.size() > 1) json += ',';
    json += '[' + std::to_string(r.address) + ',' +
            std::to_string(static_cast<int>(r.attendee.role)) + ',' +
            std::to_string(static_cast<int>(r.attendee.response)) + ']';
  }
  json += ']';
  upsert_attendees_.Bind(1, row).Bind(2, json);
  return upsert_attendees_.Run();
}

// The names a meeting's copy gives its organiser and attendees (an .ics export's CN, which the
// invitation e-mail may lack), from every copy: noted only from the first, a colleague's name
// depended on whether mail or calendars were ingested first.
Status SqlMessageWriter::NoteMeetingNames(const model::MeetingMeta& m) {
  RAPPORT_RETURN_IF_ERROR(NoteMailboxName(m.organizer));
  for (const auto& a : m.attendees) RAPPORT_RETURN_IF_ERROR(NoteMailboxName(a.who));
  return Status::Ok();
}

Status SqlMessageWriter::AddMeetingCopy(int64_t row, const ingest::Provenance& where) {
  auto source = SourceId(where);
  if (!source.ok()) return source.status();
  insert_meeting_copy_.Bind(1, row).Bind(2, *source).Bind(3, static_cast<int64_t>(where.offset));
  insert_meeting_copy_.Bind(4, now_);
  return insert_meeting_copy_.Run();
}

Result<ingest::SinkOutcome> SqlMessageWriter::AddMeeting(const model::MeetingMeta& m,
                                                         const ingest::Provenance& where) {
  RAPPORT_RETURN_IF_ERROR(EnsurePeopleStored());
  if (where.current_state) RAPPORT_RETURN_IF_ERROR(LeaveMovedOccurrence(m, where));
  auto stored = FindMeeting(m);
  if (!stored.ok()) return stored.status();
  int64_t row = stored->row;
  ingest::SinkOutcome outcome = ingest::SinkOutcome::kDuplicate;
  if (row == 0) {
    auto inserted = InsertMeeting(m, where);
    if (!inserted.ok()) return inserted.status();
    row = *inserted;
    outcome = ingest::SinkOutcome::kStored;
    RAPPORT_RETURN_IF_ERROR(MergeAttendees(row, m, /*replace=*/false));
  } else {
    switch (m.method) {
      case model::MeetingMethod::kReply:  // says only how its attendees answered
        RAPPORT_RETURN_IF_ERROR(MergeAttendees(row, m, /*replace=*/false));
        break;
      case model::MeetingMethod::kCancel:
        if (m.sequence >= stored->sequence) {
          cancel_meeting_.Bind(1, row);
          RAPPORT_RETURN_IF_ERROR(cancel_meeting_.Run());
        }
        break;
      default:
        if (m.sequence > stored->sequence) {  // a newer revision: what it says replaces
          RAPPORT_RETURN_IF_ERROR(UpdateMeeting(row, m));
          RAPPORT_RETURN_IF_ERROR(MergeAttendees(row, m, /*replace=*/true));
        } else if (m.sequence == stored->sequence) {  // another copy: add what it knows
          RAPPORT_RETURN_IF_ERROR(MergeAttendees(row, m, /*replace=*/false));
        }
        if (where.current_state && m.sequence <= stored->sequence) {
          // A live calendar says how the meeting is now: its times and cancellation win. Graph
          // gives no SEQUENCE (0), so the stored one is kept for invitations read later.
          model::MeetingMeta now = m;
          now.sequence = stored->sequence;
          RAPPORT_RETURN_IF_ERROR(UpdateMeeting(row, now));
        }
    }
    RAPPORT_RETURN_IF_ERROR(AddMeetingCopy(row, where));
  }
  if (!where.graph_id.empty()) RAPPORT_RETURN_IF_ERROR(RememberGraphId("meeting", row, where));
  if (where.current_state) RAPPORT_RETURN_IF_ERROR(RememberCalendarItem(row, where));
  RAPPORT_RETURN_IF_ERROR(NoteMeetingNames(m));
  RAPPORT_RETURN_IF_ERROR(AfterItem());
  return outcome;
}

// A live calendar's event that now names another occurrence (its start moved, or its series
// changed) leaves the one it named before: that copy goes, and the meeting with its last copy.
Status SqlMessageWriter::LeaveMovedOccurrence(const model::MeetingMeta& m,
                                              const ingest::Provenance& where) {
  auto source = SourceId(where);
  if (!source.ok()) return source.status();
  int64_t before = 0;
  Status st = ForEachRow(
      db_, "SELECT meeting FROM calendar_item WHERE source = ?1 AND source_offset = ?2",
      [&](SqlStatement& s) { before = s.ColumnInt(0); }, *source,
      static_cast<int64_t>(where.offset));
  if (!st.ok() || before == 0) return st;
  auto now = FindMeeting(m);
  if (!now.ok()) return now.status();
  if (now->row == before) return Status::Ok();
  auto removed = RemoveItem(where.location, where.offset);
  return removed.ok() ? Status::Ok() : removed.status();
}

Status SqlMessageWriter::RememberGraphId(std::string_view kind, int64_t item,
                                         const ingest::Provenance& where) {
  insert_graph_item_.Bind(1, tenant_id_).Bind(2, where.graph_id).Bind(3, kind).Bind(4, item);
  return insert_graph_item_.Run();
}

Result<bool> SqlMessageWriter::RemoveGraphItem(std::string_view graph_id) {
  RAPPORT_RETURN_IF_ERROR(EnsureUnstaged());
  find_graph_item_.Bind(1, tenant_id_).Bind(2, graph_id);
  Status st;
  std::string kind;
  int64_t item = 0;
  if (find_graph_item_.Step(st)) {
    kind = find_graph_item_.ColumnText(0);
    item = find_graph_item_.ColumnInt(1);
  }
  find_graph_item_.Reset();
  if (!st.ok()) return st;
  if (item == 0) return false;
  RAPPORT_RETURN_IF_ERROR(DeleteItem(kind, item));
  RAPPORT_RETURN_IF_ERROR(AfterItem());
  return true;
}

// Deletes a message or meeting with everything that hangs off it. Foreign keys are not enforced
// at run time (see sql/store.cc), so every child table is named here.
Status SqlMessageWriter::DeleteItem(std::string_view kind, int64_t item) {
  static constexpr const char* kMessage[] = {
      "DELETE FROM participant WHERE message = ?1",
      "DELETE FROM message_alias WHERE message = ?1",
      "DELETE FROM message_copy WHERE message = ?1",
      "DELETE FROM mailbox_item WHERE message = ?1",
      "DELETE FROM graph_item WHERE kind = 'message' AND item = ?1",
      "DELETE FROM message WHERE id = ?1",
  };
  static constexpr const char* kMeeting[] = {
      "DELETE FROM meeting_attendee WHERE meeting = ?1",
      "DELETE FROM meeting_copy WHERE meeting = ?1",
      "DELETE FROM calendar_item WHERE meeting = ?1",
      "DELETE FROM graph_item WHERE kind = 'meeting' AND item = ?1",
      "DELETE FROM meeting WHERE id = ?1",
  };
  auto run = [&](const char* sql) -> Status {
    auto stmt = db_.Prepare(sql);
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, item);
    return stmt->Run();
  };
  if (kind == "message") {
    for (const char* sql : kMessage) RAPPORT_RETURN_IF_ERROR(run(sql));
  } else {
    for (const char* sql : kMeeting) RAPPORT_RETURN_IF_ERROR(run(sql));
  }
  return Status::Ok();
}

}  // namespace rapport::store
