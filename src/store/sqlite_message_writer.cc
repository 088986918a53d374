#include "store/sqlite_message_writer.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <ctime>

namespace rapport::store {
namespace {

constexpr size_t kParticipantsPerInsert = 8;

std::string FoldAddress(std::string_view address) {
  std::string s(address);
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

std::string HexFingerprint(const model::Fingerprint& fp) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "sha256:";
  for (uint8_t b : fp) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}

}  // namespace

Result<std::unique_ptr<SqliteMessageWriter>> SqliteMessageWriter::Create(SqliteDb& db,
                                                                         int64_t tenant_id,
                                                                         const TenantConfig& tenant,
                                                                         size_t batch_size) {
  std::unique_ptr<SqliteMessageWriter> w(
      new SqliteMessageWriter(db, tenant_id, tenant, batch_size == 0 ? 1 : batch_size));
  RAPPORT_RETURN_IF_ERROR(w->Prepare());
  return w;
}

SqliteMessageWriter::SqliteMessageWriter(SqliteDb& db, int64_t tenant_id,
                                         const TenantConfig& tenant, size_t batch_size)
    : db_(db),
      tenant_id_(tenant_id),
      tenant_(tenant),
      batch_size_(batch_size),
      now_(static_cast<int64_t>(std::time(nullptr))) {
  // Test hook (like SQLite's own fault injection): die by SIGKILL after N messages, mid-batch,
  // so the crash-consistency test can stop the process at an exact point.
  if (const char* v = std::getenv("RAPPORT_TEST_KILL_AFTER_MESSAGES")) crash_after_ = std::atoll(v);
}

SqliteMessageWriter::~SqliteMessageWriter() {
  if (in_transaction_) (void)db_.Exec("ROLLBACK");
}

Status SqliteMessageWriter::Prepare() {
  std::string participants_sql =
      "INSERT OR IGNORE INTO participant (message, role, address) VALUES ";
  for (size_t k = 0; k < kParticipantsPerInsert; ++k) {
    participants_sql += k == 0 ? "(?, ?, ?)" : ", (?, ?, ?)";
  }
  struct {
    SqliteStatement* stmt;
    const char* sql;
  } statements[] = {
      {&find_key_, "SELECT message FROM message_key WHERE tenant_id = ?1 AND message_id = ?2"},
      {&find_fingerprint_, "SELECT id FROM message WHERE tenant_id = ?1 AND fingerprint = ?2"},
      {&find_address_, "SELECT id FROM address WHERE tenant_id = ?1 AND address = ?2"},
      {&insert_person_, "INSERT INTO person (tenant_id, kind, display_name) VALUES (?1, ?2, ?3)"},
      {&insert_address_, "INSERT INTO address (tenant_id, address, person_id) VALUES (?1, ?2, ?3)"},
      {&insert_message_,
       "INSERT INTO message (tenant_id, message_id, fingerprint, sent_at, utc_offset_min, "
       "sender_id, in_reply_to, list_id, precedence, auto_submitted, is_bulk, subject) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"},
      {&insert_key_,
       "INSERT OR IGNORE INTO message_key (tenant_id, message_id, message) VALUES (?1, ?2, ?3)"},
      {&insert_participant_,
       "INSERT OR IGNORE INTO participant (message, role, address) VALUES (?1, ?2, ?3)"},
      {&insert_participants_, participants_sql.c_str()},
      {&insert_reference_,
       "INSERT OR IGNORE INTO message_reference (message, position, message_id) "
       "VALUES (?1, ?2, ?3)"},
      {&insert_provenance_,
       "INSERT OR IGNORE INTO provenance (message, location, source_kind, ingested_at) "
       "VALUES (?1, ?2, ?3, ?4)"},
      {&find_file_, "SELECT size, mtime_ns FROM ingested_file WHERE path = ?1"},
      {&upsert_file_,
       "INSERT INTO ingested_file (path, size, mtime_ns, finished_at) VALUES (?1, ?2, ?3, ?4) "
       "ON CONFLICT (path) DO UPDATE SET size = ?2, mtime_ns = ?3, finished_at = ?4"},
  };
  for (auto& s : statements) {
    auto prepared = db_.Prepare(s.sql);
    if (!prepared.ok()) return prepared.status();
    *s.stmt = std::move(*prepared);
  }
  return Status::Ok();
}

Status SqliteMessageWriter::EnsureTransaction() {
  if (in_transaction_) return Status::Ok();
  RAPPORT_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  in_transaction_ = true;
  return Status::Ok();
}

Status SqliteMessageWriter::Commit() {
  if (!in_transaction_) return Status::Ok();
  RAPPORT_RETURN_IF_ERROR(db_.Exec("COMMIT"));
  in_transaction_ = false;
  pending_ = 0;
  return Status::Ok();
}

Result<bool> SqliteMessageWriter::AlreadyIngested(const ingest::SourceFile& file) {
  find_file_.Bind(1, file.path);
  Status st;
  bool same = find_file_.Step(st) && find_file_.ColumnInt(0) == file.size &&
              find_file_.ColumnInt(1) == file.mtime_ns;
  find_file_.Reset();
  if (!st.ok()) return st;
  return same;
}

Status SqliteMessageWriter::FinishFile(const ingest::SourceFile& file) {
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  upsert_file_.Bind(1, file.path).Bind(2, file.size).Bind(3, file.mtime_ns).Bind(4, now_);
  return upsert_file_.Run();
}

bool SqliteMessageWriter::IsInternal(std::string_view address) const {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos) return false;
  std::string_view domain = address.substr(at + 1);
  for (const auto& d : tenant_.domains) {
    if (domain == d) return true;
    // Subdomains of an internal domain (mail.example.com) are internal too.
    if (domain.size() > d.size() && domain.ends_with(d) &&
        domain[domain.size() - d.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

Result<int64_t> SqliteMessageWriter::AddressId(const model::Mailbox& mailbox) {
  std::string key = FoldAddress(mailbox.address);
  if (auto it = address_ids_.find(key); it != address_ids_.end()) return it->second;
  find_address_.Bind(1, tenant_id_).Bind(2, key);
  Status st;
  int64_t id = find_address_.Step(st) ? find_address_.ColumnInt(0) : 0;
  find_address_.Reset();
  if (!st.ok()) return st;
  if (id == 0) {
    insert_person_.Bind(1, tenant_id_)
        .Bind(2, IsInternal(key) ? "internal" : "external")
        .Bind(3, mailbox.name);
    RAPPORT_RETURN_IF_ERROR(insert_person_.Run());
    insert_address_.Bind(1, tenant_id_).Bind(2, key).Bind(3, db_.LastInsertId());
    RAPPORT_RETURN_IF_ERROR(insert_address_.Run());
    id = db_.LastInsertId();
  }
  address_ids_.emplace(std::move(key), id);
  return id;
}

Result<int64_t> SqliteMessageWriter::FindExisting(const model::MessageMeta& meta) {
  Status st;
  int64_t found = 0;
  if (!meta.message_id.empty()) {
    find_key_.Bind(1, tenant_id_).Bind(2, meta.message_id);
    if (find_key_.Step(st)) found = find_key_.ColumnInt(0);
    find_key_.Reset();
    if (!st.ok()) return st;
    if (found) return found;
  }
  find_fingerprint_.Bind(1, tenant_id_)
      .BindBlob(2, meta.fingerprint.data(), meta.fingerprint.size());
  if (find_fingerprint_.Step(st)) found = find_fingerprint_.ColumnInt(0);
  find_fingerprint_.Reset();
  if (!st.ok()) return st;
  return found;
}

Result<int64_t> SqliteMessageWriter::InsertMessage(const model::MessageMeta& meta,
                                                   int64_t sender_id) {
  auto text_or_null = [&](int index, const std::string& v) {
    if (v.empty()) {
      insert_message_.BindNull(index);
    } else {
      insert_message_.Bind(index, v);
    }
  };
  // Bound text is not copied (SQLITE_STATIC), so every bound string must outlive Run().
  const std::string id =
      meta.message_id.empty() ? HexFingerprint(meta.fingerprint) : meta.message_id;
  static const std::string kNone;
  insert_message_.Bind(1, tenant_id_)
      .Bind(2, id)
      .BindBlob(3, meta.fingerprint.data(), meta.fingerprint.size())
      .Bind(4, meta.sent.utc_seconds)
      .Bind(5, static_cast<int64_t>(meta.sent.offset_minutes))
      .Bind(6, sender_id);
  text_or_null(7, meta.in_reply_to);
  text_or_null(8, meta.bulk.list_id);
  text_or_null(9, meta.bulk.precedence);
  text_or_null(10, meta.bulk.auto_submitted);
  insert_message_.Bind(11, int64_t{meta.bulk.IsBulk()});
  // Subjects are content, not metadata: kept only when the tenant asked for them (SPEC §3).
  text_or_null(12, tenant_.keep_subjects ? meta.subject : kNone);
  RAPPORT_RETURN_IF_ERROR(insert_message_.Run());
  int64_t row = db_.LastInsertId();
  int64_t position = 0;
  for (const auto& ref : meta.references) {
    insert_reference_.Bind(1, row).Bind(2, position++).Bind(3, ref);
    RAPPORT_RETURN_IF_ERROR(insert_reference_.Run());
  }
  return row;
}

Status SqliteMessageWriter::AddParticipants(int64_t message, const model::MessageMeta& meta,
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

  // Several rows per statement: most of an INSERT's cost is per statement, not per row.
  size_t i = 0;
  for (; i + kParticipantsPerInsert <= rows.size(); i += kParticipantsPerInsert) {
    for (size_t k = 0; k < kParticipantsPerInsert; ++k) {
      int base = static_cast<int>(k * 3);
      insert_participants_.Bind(base + 1, message)
          .Bind(base + 2, rows[i + k].first)
          .Bind(base + 3, rows[i + k].second);
    }
    RAPPORT_RETURN_IF_ERROR(insert_participants_.Run());
  }
  for (; i < rows.size(); ++i) {
    insert_participant_.Bind(1, message).Bind(2, rows[i].first).Bind(3, rows[i].second);
    RAPPORT_RETURN_IF_ERROR(insert_participant_.Run());
  }
  return Status::Ok();
}

Status SqliteMessageWriter::AddKeyAndProvenance(int64_t message, const model::MessageMeta& meta,
                                                const ingest::Provenance& where) {
  if (!meta.message_id.empty()) {
    insert_key_.Bind(1, tenant_id_).Bind(2, meta.message_id).Bind(3, message);
    RAPPORT_RETURN_IF_ERROR(insert_key_.Run());
  }
  insert_provenance_.Bind(1, message)
      .Bind(2, where.location)
      .Bind(3, where.source_kind)
      .Bind(4, now_);
  return insert_provenance_.Run();
}

void SqliteMessageWriter::MaybeCrashForTest() {
  if (crash_after_ >= 0 && added_ >= crash_after_) std::raise(SIGKILL);
}

Result<ingest::SinkOutcome> SqliteMessageWriter::Add(const model::MessageMeta& meta,
                                                     const ingest::Provenance& where) {
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  auto existing = FindExisting(meta);
  if (!existing.ok()) return existing.status();
  int64_t row = *existing;
  ingest::SinkOutcome outcome = ingest::SinkOutcome::kDuplicate;
  if (row == 0) {
    auto sender = AddressId(meta.from);
    if (!sender.ok()) return sender.status();
    auto inserted = InsertMessage(meta, *sender);
    if (!inserted.ok()) return inserted.status();
    row = *inserted;
    outcome = ingest::SinkOutcome::kStored;
  }
  // A duplicate has the same From/To/Cc (they are in the fingerprint); it adds only what this
  // copy carries: Bcc (the sender's copy), its Message-ID, and where it was found.
  RAPPORT_RETURN_IF_ERROR(
      AddParticipants(row, meta, /*bcc_only=*/outcome == ingest::SinkOutcome::kDuplicate));
  RAPPORT_RETURN_IF_ERROR(AddKeyAndProvenance(row, meta, where));
  ++added_;
  MaybeCrashForTest();
  if (++pending_ >= batch_size_) RAPPORT_RETURN_IF_ERROR(Commit());
  return outcome;
}

}  // namespace rapport::store
