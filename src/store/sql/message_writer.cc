#include "store/sql/message_writer.h"
#include "store/sql/bulk_writes.h"
#include "store/sql/dialect.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <ctime>

namespace rapport::store {

std::string FingerprintHex(const model::Fingerprint& fp) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(fp.size() * 2);
  for (uint8_t b : fp) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}

Result<std::unique_ptr<SqlMessageWriter>> SqlMessageWriter::Create(SqlConnection& db,
                                                                   int64_t tenant_id,
                                                                   const TenantConfig& tenant,
                                                                   size_t batch_size) {
  std::unique_ptr<SqlMessageWriter> w(
      new SqlMessageWriter(db, tenant_id, tenant, batch_size == 0 ? 1 : batch_size));
  RAPPORT_RETURN_IF_ERROR(w->Prepare());
  if (db.Dialect() == SqlDialect::kPostgres) w->staged_ = std::make_unique<StagedRows>(db);
  // A big ingest inserts into B-trees keyed by hashes (Message-ID, fingerprint, participants by
  // address), so each commit dirties pages all over the file. Checkpointing only every ~400 MiB
  // of WAL, instead of every 4 MiB, writes a page that many commits touched to the file once, and
  // a larger cache keeps the indexes' inner pages in memory as they outgrow 64 MiB. Together they
  // cut the wall time of the fourth quarter-million of a 1M-message ingest by half
  // (BENCHMARKS.md, "Ingest as the store grows"). At 10M messages those B-trees hold ~1 GB, so
  // a commit of 50,000 messages still rewrote a page per message in each; commits of 500,000
  // (`rapport ingest --batch`) touch most pages once per commit instead, and a 1 GiB cache (used
  // only as far as the store needs) holds them: the tenth million went from 119 to 62 s
  // ("Ingest at 10 million messages"). The destructor restores the defaults.
  // An insert that fires the tie triggers, or may stop at a constraint with rows half written
  // (ON CONFLICT DO NOTHING covers only uniqueness), keeps a statement journal: small, but
  // written to a temporary file when temp_store is a file. In memory, an Enron ingest makes
  // 1/30 of the page writes and takes 1.9-2.1 s instead of 2.4-2.9 (BENCHMARKS.md, issue 21).
  // On PostgreSQL the writer's statements are planned for their own values: the tables grow
  // inside one long transaction, and a generic plan cached while they were empty (a sequential
  // scan) made each look-up cost the table's size (an Enron ingest 214 s instead of 29). And no
  // parallel workers: starting them took longer than a batch look-up (BENCHMARKS.md, issue 21).
  // The destructor restores both.
  if (db.Dialect() == SqlDialect::kPostgres) {
    RAPPORT_RETURN_IF_ERROR(db.Exec(
        "SET plan_cache_mode = force_custom_plan; SET max_parallel_workers_per_gather = 0"));
  }
  RAPPORT_RETURN_IF_ERROR(BeginBulkWrites(db));
  return w;
}

SqlMessageWriter::SqlMessageWriter(SqlConnection& db, int64_t tenant_id, const TenantConfig& tenant,
                                   size_t batch_size)
    : db_(db),
      tenant_id_(tenant_id),
      tenant_(tenant),
      batch_size_(batch_size),
      now_(static_cast<int64_t>(std::time(nullptr))) {
  // Test hook (like SQLite's own fault injection): die by SIGKILL after N messages, mid-batch,
  // so the crash-consistency test can stop the process at an exact point.
  if (const char* v = std::getenv("RAPPORT_TEST_KILL_AFTER_MESSAGES")) crash_after_ = std::atoll(v);
}

SqlMessageWriter::~SqlMessageWriter() {
  if (in_transaction_) (void)db_.Exec("ROLLBACK");  // and what is staged is dropped with it
  if (db_.Dialect() == SqlDialect::kPostgres) {
    (void)db_.Exec("RESET plan_cache_mode; RESET max_parallel_workers_per_gather");
  }
  EndBulkWrites(db_);
}

Status SqlMessageWriter::Prepare() {
  struct {
    SqlStatement* stmt;
    std::string sql;
  } statements[] = {
      // Which stored message this is, and whether its Message-ID is already known (1) or not (0).
      {&find_message_, std::string("SELECT id, 1 FROM ") + MessageKeys(db_.Dialect()) +
                           " WHERE tenant_id = ?1 AND message_id = ?2 "
                           "UNION ALL SELECT message, 1 FROM message_alias WHERE tenant_id = ?1 "
                           "AND message_id = ?2 "
                           "UNION ALL SELECT id, 0 FROM " +
                           MessageKeys(db_.Dialect()) +
                           " WHERE tenant_id = ?1 AND sent_at = ?4 AND fingerprint = ?3 LIMIT 1"},
      {&insert_message_,
       "INSERT INTO message (tenant_id, message_id, fingerprint, sent_at, utc_offset_min, "
       "sender_id, in_reply_to, references_ids, list_id, precedence, auto_submitted, is_bulk, "
       "subject, source, source_offset, ingested_at) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)" +
           std::string(ReturningId(db_.Dialect()))},
      {&insert_alias_,
       "INSERT INTO message_alias (tenant_id, message_id, message) VALUES (?1, ?2, ?3) "
       "ON CONFLICT DO NOTHING"},
      // A further copy, unless it is the very copy the message was first stored from.
      {&insert_copy_,
       "INSERT INTO message_copy (message, source, source_offset, ingested_at) "
       "SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS "
       "(SELECT 1 FROM message WHERE id = ?1 AND source = ?2 AND source_offset = ?3) "
       "ON CONFLICT DO NOTHING"},
      {&find_source_, "SELECT id FROM source_file WHERE tenant_id = ?1 AND location = ?2"},
      {&find_sent_at_, "SELECT sent_at FROM message WHERE id = ?1"},
      {&insert_source_,
       std::string("INSERT INTO source_file (tenant_id, location, kind) VALUES (?1, ?2, ?3)") +
           ReturningId(db_.Dialect())},
      {&find_finished_,
       "SELECT size, mtime_ns FROM source_file "
       "WHERE tenant_id = ?1 AND location = ?2 AND finished_at IS NOT NULL"},
      {&finish_source_,
       "INSERT INTO source_file (tenant_id, location, kind, size, mtime_ns, finished_at) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (tenant_id, location) "
       "DO UPDATE SET size = ?4, mtime_ns = ?5, finished_at = ?6 RETURNING id"},
  };
  for (auto& s : statements) {
    auto prepared = db_.Prepare(s.sql);
    if (!prepared.ok()) return prepared.status();
    *s.stmt = std::move(*prepared);
  }
  auto addresses = AddressTable::Create(db_, tenant_id_, tenant_.domains);
  if (!addresses.ok()) return addresses.status();
  addresses_ = std::move(*addresses);
  RAPPORT_RETURN_IF_ERROR(PrepareMeetingStatements());
  RAPPORT_RETURN_IF_ERROR(PrepareIdentityStatements());
  if (db_.Dialect() == SqlDialect::kSqlite) {
    auto watermark = db_.Prepare("SELECT message FROM tie_watermark");
    if (!watermark.ok()) return watermark.status();
    find_tie_watermark_ = std::move(*watermark);
    auto late = db_.Prepare(
        "INSERT INTO participant (message, role, address, sent_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT DO NOTHING RETURNING message");
    if (!late.ok()) return late.status();
    insert_late_participant_ = std::move(*late);
    auto mark = db_.Prepare(
        "INSERT INTO tie_stale (person) SELECT a.person_id FROM participant t "
        "JOIN address a ON a.id = t.address WHERE t.message = ?1 ON CONFLICT DO NOTHING");
    if (!mark.ok()) return mark.status();
    mark_message_people_ = std::move(*mark);
  }
  // One statement per row count: most of an INSERT's cost is per statement, not per row.
  std::string sql = "INSERT INTO participant (message, role, address, sent_at) VALUES (?, ?, ?, ?)";
  for (size_t rows = 1; rows < insert_participants_.size(); ++rows) {
    if (rows > 1) sql += ", (?, ?, ?, ?)";
    auto prepared = db_.Prepare(sql + " ON CONFLICT DO NOTHING");
    if (!prepared.ok()) return prepared.status();
    insert_participants_[rows] = std::move(*prepared);
  }
  return Status::Ok();
}

Status SqlMessageWriter::EnsureTransaction() {
  if (in_transaction_) return Status::Ok();
  RAPPORT_RETURN_IF_ERROR(db_.BeginWrite());
  in_transaction_ = true;
  return Status::Ok();
}

Status SqlMessageWriter::EnsureUnstaged() {
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  known_sources_.clear();  // what follows may remove source files
  return FlushStaged();
}

Status SqlMessageWriter::EnsurePeopleStored() {
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  return staged_ ? staged_->FlushPeople() : Status::Ok();
}

Status SqlMessageWriter::Commit() {
  if (!in_transaction_) return Status::Ok();
  RAPPORT_RETURN_IF_ERROR(FlushStaged());
  if (!staged_) RAPPORT_RETURN_IF_ERROR(FlushNames());  // staged with the rest on PostgreSQL
  RAPPORT_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  in_transaction_ = false;
  pending_ = 0;
  // Other writers may store anything now: what was learnt absent no longer holds.
  addresses_.ForgetAbsent();
  known_sources_.clear();
  return Status::Ok();
}

Result<bool> SqlMessageWriter::AlreadyIngested(const ingest::SourceFile& file) {
  find_finished_.Bind(1, tenant_id_).Bind(2, file.location);
  Status st;
  bool same = find_finished_.Step(st) && find_finished_.ColumnInt(0) == file.size &&
              find_finished_.ColumnInt(1) == file.mtime_ns;
  find_finished_.Reset();
  if (!st.ok()) return st;
  return same;
}

Status SqlMessageWriter::FinishFile(const ingest::SourceFile& file, std::string_view source_kind) {
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  if (staged_) {  // a Maildir has a file per message: no round trip per file
    auto id = StagedSourceId(file.location, source_kind, &file);
    if (!id.ok()) return id.status();
    source_location_ = file.location;
    source_id_ = *id;
    return Status::Ok();
  }
  finish_source_.Bind(1, tenant_id_)
      .Bind(2, file.location)
      .Bind(3, source_kind)
      .Bind(4, file.size)
      .Bind(5, file.mtime_ns)
      .Bind(6, now_);
  Status st;
  int64_t id = finish_source_.Step(st) ? finish_source_.ColumnInt(0) : 0;
  finish_source_.Reset();
  RAPPORT_RETURN_IF_ERROR(st);
  source_location_ = file.location;  // a one-message file's message comes next
  source_id_ = id;
  return Status::Ok();
}

Result<int64_t> SqlMessageWriter::SourceId(const ingest::Provenance& where) {
  if (source_id_ != 0 && where.location == source_location_) return source_id_;
  if (staged_) {
    auto id = StagedSourceId(where.location, where.source_kind, nullptr);
    if (!id.ok()) return id.status();
    source_location_.assign(where.location);
    source_id_ = *id;
    return *id;
  }
  find_source_.Bind(1, tenant_id_).Bind(2, where.location);
  Status st;
  int64_t id = find_source_.Step(st) ? find_source_.ColumnInt(0) : 0;
  find_source_.Reset();
  if (!st.ok()) return st;
  if (id == 0) {
    insert_source_.Bind(1, tenant_id_).Bind(2, where.location).Bind(3, where.source_kind);
    auto new_id = insert_source_.RunForId();
    if (!new_id.ok()) return new_id.status();
    id = *new_id;
  }
  source_location_.assign(where.location);
  source_id_ = id;
  return id;
}

Result<int64_t> SqlMessageWriter::AddressId(const model::Mailbox& mailbox) {
  return addresses_.Id(mailbox.address, mailbox.name);
}

Result<SqlMessageWriter::Existing> SqlMessageWriter::FindExisting(const model::MessageMeta& meta) {
  if (auto expected = FindExpected(meta)) return *expected;
  find_message_.Bind(1, tenant_id_);
  if (meta.message_id.empty()) {
    find_message_.BindNull(2);
  } else {
    find_message_.Bind(2, meta.message_id);
  }
  find_message_.BindBlob(3, meta.fingerprint.data(), meta.fingerprint.size());
  find_message_.Bind(4, meta.sent.utc_seconds);
  Status st;
  Existing found;
  if (find_message_.Step(st)) {
    found.row = find_message_.ColumnInt(0);
    found.id_known = find_message_.ColumnInt(1) != 0;
  }
  find_message_.Reset();
  if (!st.ok()) return st;
  if (found.row == 0) found.row = StagedWithContent(meta);
  return found;
}

Result<int64_t> SqlMessageWriter::InsertMessage(const model::MessageMeta& meta, int64_t sender_id,
                                                const ingest::Provenance& where) {
  auto source = SourceId(where);
  if (!source.ok()) return source.status();
  auto text_or_null = [&](int index, const std::string& v) {
    if (v.empty()) {
      insert_message_.BindNull(index);
    } else {
      insert_message_.Bind(index, v);
    }
  };
  // Bound text is not copied (SQLITE_STATIC), so every bound string must outlive Run().
  const std::string id =
      meta.message_id.empty() ? "sha256:" + FingerprintHex(meta.fingerprint) : meta.message_id;
  static const std::string kNone;
  std::string references;
  for (const auto& ref : meta.references) {
    if (!references.empty()) references += ' ';
    references += ref;
  }
  if (staged_) {
    auto row = staged_->NextId(StagedRows::Table::kMessage);
    if (!row.ok()) return row.status();
    staged_->Append(StagedRows::Table::kMessage)
        .Int(*row)
        .Int(tenant_id_)
        .Text(id)
        .Bytes(meta.fingerprint.data(), meta.fingerprint.size())
        .Int(meta.sent.utc_seconds)
        .Int(meta.sent.offset_minutes)
        .Int(sender_id)
        .TextOrNull(meta.in_reply_to)
        .TextOrNull(references)
        .TextOrNull(meta.bulk.list_id)
        .TextOrNull(meta.bulk.precedence)
        .TextOrNull(meta.bulk.auto_submitted)
        .Int(meta.bulk.IsBulk())
        .TextOrNull(tenant_.keep_subjects ? meta.subject : kNone)
        .Int(*source)
        .Int(static_cast<int64_t>(where.offset))
        .Int(now_)
        .End();
    return *row;
  }
  insert_message_.Bind(1, tenant_id_)
      .Bind(2, id)
      .BindBlob(3, meta.fingerprint.data(), meta.fingerprint.size())
      .Bind(4, meta.sent.utc_seconds)
      .Bind(5, static_cast<int64_t>(meta.sent.offset_minutes))
      .Bind(6, sender_id);
  text_or_null(7, meta.in_reply_to);
  text_or_null(8, references);
  text_or_null(9, meta.bulk.list_id);
  text_or_null(10, meta.bulk.precedence);
  text_or_null(11, meta.bulk.auto_submitted);
  insert_message_.Bind(12, int64_t{meta.bulk.IsBulk()});
  // Subjects are content, not metadata: kept only when the tenant asked for them (SPEC §3).
  text_or_null(13, tenant_.keep_subjects ? meta.subject : kNone);
  insert_message_.Bind(14, *source).Bind(15, static_cast<int64_t>(where.offset)).Bind(16, now_);
  return insert_message_.RunForId();
}

Status SqlMessageWriter::AddParticipants(int64_t message, const model::MessageMeta& meta,
                                         bool bcc_only) {
  std::vector<std::pair<int64_t, int64_t>> rows;  // (role, address id), duplicates removed
  auto collect = [&](model::ParticipantRole role, const model::Mailbox& m) -> Status {
    if (m.address.empty()) return Status::Ok();  // a name without an address names nobody yet
    auto id = AddressId(m);
    if (!id.ok()) return id.status();
    std::pair<int64_t, int64_t> row{static_cast<int64_t>(role), *id};
    if (std::find(rows.begin(), rows.end(), row) == rows.end()) rows.push_back(row);
    return Status::Ok();
  };
  if (!bcc_only) {
    RAPPORT_RETURN_IF_ERROR(collect(model::ParticipantRole::kFrom, meta.from));
    for (const auto& m : meta.to) RAPPORT_RETURN_IF_ERROR(collect(model::ParticipantRole::kTo, m));
    for (const auto& m : meta.cc) RAPPORT_RETURN_IF_ERROR(collect(model::ParticipantRole::kCc, m));
  }
  for (const auto& m : meta.bcc) RAPPORT_RETURN_IF_ERROR(collect(model::ParticipantRole::kBcc, m));

  if (staged_) {
    // A new message's rows cannot be stored yet; a copy's Bcc may be.
    const auto table =
        bcc_only ? StagedRows::Table::kLateParticipant : StagedRows::Table::kParticipant;
    for (const auto& [role, address] : rows) {
      auto row = staged_->Append(table);
      row.Int(message).Int(role).Int(address);
      if (!bcc_only) row.Int(meta.sent.utc_seconds);  // the message's, staged with it
      row.End();
    }
    return Status::Ok();
  }
  if (rows.empty()) return Status::Ok();  // most copies carry no Bcc
  // A participant carries its message's time, so that a person's mail in a window is found
  // from the participant index alone; a copy's Bcc joins a message stored with its first copy's.
  int64_t sent_at = meta.sent.utc_seconds;
  if (bcc_only) {
    Status st;
    find_sent_at_.Bind(1, message);
    if (find_sent_at_.Step(st)) sent_at = find_sent_at_.ColumnInt(0);
    find_sent_at_.Reset();
    if (!st.ok()) return st;
  }
  for (const auto& [role, address] : rows) {
    unwritten_participants_.push_back({address, sent_at, message, role});
  }
  constexpr size_t kMostUnwritten = size_t{1} << 22;  // 128 MiB
  return unwritten_participants_.size() < kMostUnwritten ? Status::Ok() : WriteParticipants();
}

Status SqlMessageWriter::WriteParticipants() {
  // By the participant index's key: each address's new rows go in together, at its end of the
  // index, instead of one descent into a different part of it per row. In message order, at
  // 10M messages those descents missed the cache on every level (BENCHMARKS.md, issue 19).
  std::sort(unwritten_participants_.begin(), unwritten_participants_.end());
  auto late = SplitLateParticipants();
  if (!late.ok()) return late.status();
  const auto& rows = unwritten_participants_;
  for (size_t i = 0; i < rows.size();) {
    size_t n = std::min(rows.size() - i, insert_participants_.size() - 1);
    SqlStatement& insert = insert_participants_[n];
    for (size_t k = 0; k < n; ++k, ++i) {
      int base = static_cast<int>(k * 4);
      insert.Bind(base + 1, rows[i].message).Bind(base + 2, rows[i].role);
      insert.Bind(base + 3, rows[i].address).Bind(base + 4, rows[i].sent_at);
    }
    RAPPORT_RETURN_IF_ERROR(insert.Run());
  }
  unwritten_participants_.clear();
  return WriteLateParticipants(*late);
}

// Takes out of unwritten_participants_ the rows of messages the tie index already covers (at or
// below its watermark: a later copy's Bcc), in their order.
Result<std::vector<SqlMessageWriter::UnwrittenParticipant>>
SqlMessageWriter::SplitLateParticipants() {
  std::vector<UnwrittenParticipant> late;
  if (unwritten_participants_.empty()) return late;
  Status st;
  int64_t watermark = 0;
  if (find_tie_watermark_.Step(st)) watermark = find_tie_watermark_.ColumnInt(0);
  find_tie_watermark_.Reset();
  if (!st.ok()) return st;
  auto is_new = [&](const UnwrittenParticipant& row) { return row.message > watermark; };
  auto first_late =
      std::stable_partition(unwritten_participants_.begin(), unwritten_participants_.end(), is_new);
  late.assign(first_late, unwritten_participants_.end());
  unwritten_participants_.erase(first_late, unwritten_participants_.end());
  return late;
}

// A row for a message the tie index already covers changes that message's ties: once it is in,
// everyone in the message is marked stale, as PostgreSQL's trigger does; a row already stored
// marks nobody. A row trigger did this in SQLite until migration 27; evaluated for every
// participant ingested, it cost 6.7 s of the tenth million of a 10M ingest (BENCHMARKS.md). Rare:
// one row at a time.
Status SqlMessageWriter::WriteLateParticipants(const std::vector<UnwrittenParticipant>& rows) {
  std::vector<int64_t> marked;
  for (const auto& row : rows) {
    Status st;
    insert_late_participant_.Bind(1, row.message).Bind(2, row.role);
    insert_late_participant_.Bind(3, row.address).Bind(4, row.sent_at);
    const bool inserted = insert_late_participant_.Step(st);
    insert_late_participant_.Reset();
    if (!st.ok()) return st;
    if (inserted) marked.push_back(row.message);
  }
  std::sort(marked.begin(), marked.end());
  marked.erase(std::unique(marked.begin(), marked.end()), marked.end());
  for (int64_t message : marked) {
    mark_message_people_.Bind(1, message);
    RAPPORT_RETURN_IF_ERROR(mark_message_people_.Run());
  }
  return Status::Ok();
}

Status SqlMessageWriter::AddAlias(int64_t message, const model::MessageMeta& meta) {
  if (meta.message_id.empty()) return Status::Ok();
  if (staged_) {
    staged_->Append(StagedRows::Table::kAlias)
        .Int(tenant_id_)
        .Text(meta.message_id)
        .Int(message)
        .End();
    return Status::Ok();
  }
  insert_alias_.Bind(1, tenant_id_).Bind(2, meta.message_id).Bind(3, message);
  return insert_alias_.Run();
}

Status SqlMessageWriter::AddCopy(int64_t message, const ingest::Provenance& where) {
  auto source = SourceId(where);
  if (!source.ok()) return source.status();
  if (staged_) {
    staged_->Append(StagedRows::Table::kCopy)
        .Int(message)
        .Int(*source)
        .Int(static_cast<int64_t>(where.offset))
        .Int(now_)
        .End();
    return Status::Ok();
  }
  insert_copy_.Bind(1, message).Bind(2, *source).Bind(3, static_cast<int64_t>(where.offset));
  insert_copy_.Bind(4, now_);
  return insert_copy_.Run();
}

void SqlMessageWriter::MaybeCrashForTest() {
  if (crash_after_ >= 0 && added_ >= crash_after_) std::raise(SIGKILL);
}

Result<ingest::SinkOutcome> SqlMessageWriter::Add(const model::MessageMeta& meta,
                                                  const ingest::Provenance& where) {
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  addresses_.StageInto(staged_.get());  // new addresses too, but only from here
  struct StopStaging {
    AddressTable& t;
    ~StopStaging() { t.StageInto(nullptr); }
  } stop_staging{addresses_};
  auto existing = FindExisting(meta);
  if (!existing.ok()) return existing.status();
  int64_t row = existing->row;
  ingest::SinkOutcome outcome = ingest::SinkOutcome::kDuplicate;
  if (row == 0) {
    auto sender = AddressId(meta.from);
    if (!sender.ok()) return sender.status();
    auto inserted = InsertMessage(meta, *sender, where);
    if (!inserted.ok()) return inserted.status();
    row = *inserted;
    outcome = ingest::SinkOutcome::kStored;
    RAPPORT_RETURN_IF_ERROR(AddParticipants(row, meta, /*bcc_only=*/false));
    RAPPORT_RETURN_IF_ERROR(RecordIdentity(meta));
    if (staged_) RememberStaged(meta, row, /*as_new=*/true);
  } else {
    // A copy has the same From/To/Cc (they are in the fingerprint); it adds only what it alone
    // carries: Bcc (the sender's copy) and, found by content, its own Message-ID.
    RAPPORT_RETURN_IF_ERROR(AddParticipants(row, meta, /*bcc_only=*/true));
    if (!existing->id_known) {
      RAPPORT_RETURN_IF_ERROR(AddAlias(row, meta));
      if (staged_) RememberStaged(meta, row, /*as_new=*/false);
    }
    RAPPORT_RETURN_IF_ERROR(AddCopy(row, where));
  }
  if (!where.graph_id.empty()) RAPPORT_RETURN_IF_ERROR(RememberGraphId("message", row, where));
  if (where.live) RAPPORT_RETURN_IF_ERROR(RememberMailboxItem(row, where));
  RAPPORT_RETURN_IF_ERROR(AfterItem());
  return outcome;
}

Status SqlMessageWriter::AfterItem() {
  ++added_;
  MaybeCrashForTest();
  if (++pending_ >= batch_size_) return Commit();
  if (staged_ && staged_->Full()) return FlushStaged(/*with_names=*/false);
  return Status::Ok();
}

}  // namespace rapport::store
