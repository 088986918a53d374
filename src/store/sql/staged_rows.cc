#include "store/sql/staged_rows.h"

#include <algorithm>
#include <string>

namespace rapport::store {
namespace {

struct TableSpec {
  const char* copy;   // COPY ... FROM STDIN into its stage
  const char* stage;  // the temporary table it is staged in
  const char* stage_columns;
  const char* merge;  // from the stage into the table
};

// In StagedRows::Table order. Every table is staged, even those whose rows are all new:
// PostgreSQL refuses COPY FROM into a table under row-level security (postgres/tenant_rows.h).
// Rows that SQLite's schema gives no tenant take the session's, read once a statement rather
// than by the column's default, once a row.
constexpr TableSpec kSpecs[StagedRows::kTables] = {
    {"COPY rapport_stage_person FROM STDIN", "rapport_stage_person",
     "(id BIGINT, tenant_id BIGINT, kind TEXT COLLATE \"C\", display_name TEXT COLLATE \"C\")",
     "INSERT INTO person (id, tenant_id, kind, display_name) SELECT * FROM rapport_stage_person"},
    {"COPY rapport_stage_address FROM STDIN", "rapport_stage_address",
     "(id BIGINT, tenant_id BIGINT, address TEXT COLLATE \"C\", person_id BIGINT, "
     "org_domain TEXT COLLATE \"C\", is_role BIGINT)",
     "INSERT INTO address (id, tenant_id, address, person_id, org_domain, is_role) "
     "SELECT * FROM rapport_stage_address"},
    {"COPY rapport_stage_message FROM STDIN", "rapport_stage_message",
     "(id BIGINT, tenant_id BIGINT, message_id TEXT COLLATE \"C\", fingerprint BYTEA, "
     "sent_at BIGINT, utc_offset_min BIGINT, sender_id BIGINT, in_reply_to TEXT COLLATE \"C\", "
     "references_ids TEXT COLLATE \"C\", list_id TEXT COLLATE \"C\", precedence TEXT COLLATE "
     "\"C\", "
     "auto_submitted TEXT COLLATE \"C\", is_bulk BIGINT, subject TEXT COLLATE \"C\", "
     "source BIGINT, source_offset BIGINT, ingested_at BIGINT)",
     // Each month's partitions first: without one, a month's rows are refused.
     "SELECT rapport_month_partition(tenant_id, month) FROM (SELECT DISTINCT tenant_id, "
     "rapport_month_start(sent_at) AS month FROM rapport_stage_message) months;"
     "INSERT INTO message (id, tenant_id, message_id, fingerprint, sent_at, utc_offset_min, "
     "sender_id, in_reply_to, references_ids, list_id, precedence, auto_submitted, is_bulk, "
     "subject, source, source_offset, ingested_at) SELECT * FROM rapport_stage_message"},
    {"COPY rapport_stage_new_participant FROM STDIN", "rapport_stage_new_participant",
     "(message BIGINT, role BIGINT, address BIGINT, sent_at BIGINT)",
     "INSERT INTO participant (tenant_id, message, role, address, sent_at) "
     "SELECT (SELECT rapport_tenant()), s.* FROM rapport_stage_new_participant s"},
    {"COPY rapport_stage_participant FROM STDIN", "rapport_stage_participant",
     "(message BIGINT, role BIGINT, address BIGINT)",
     "INSERT INTO participant (tenant_id, message, role, address, sent_at) "
     "SELECT (SELECT rapport_tenant()), s.*, (SELECT k.sent_at FROM message_key k "
     "WHERE k.tenant_id = (SELECT rapport_tenant()) AND k.id = s.message) "
     "FROM rapport_stage_participant s ON CONFLICT DO NOTHING"},
    {"COPY rapport_stage_alias FROM STDIN", "rapport_stage_alias",
     "(tenant_id BIGINT, message_id TEXT COLLATE \"C\", message BIGINT)",
     "INSERT INTO message_alias (tenant_id, message_id, message) "
     "SELECT * FROM rapport_stage_alias ON CONFLICT DO NOTHING"},
    // A further copy, unless it is the very copy the message was first stored from. One probe
    // of the message's month per copy (OFFSET 0 keeps it one): as a join the planner took the
    // message_key and message join for one row and rescanned it per copy (9 s on Enron).
    {"COPY rapport_stage_copy FROM STDIN", "rapport_stage_copy",
     "(message BIGINT, source BIGINT, source_offset BIGINT, ingested_at BIGINT)",
     "INSERT INTO message_copy (tenant_id, message, source, source_offset, ingested_at) "
     "SELECT (SELECT rapport_tenant()), s.* FROM rapport_stage_copy s WHERE NOT EXISTS "
     "(SELECT 1 FROM message m WHERE m.tenant_id = (SELECT rapport_tenant()) AND "
     "m.id = s.message AND m.sent_at = (SELECT k.sent_at FROM message_key k WHERE "
     "k.tenant_id = (SELECT rapport_tenant()) AND k.id = s.message) AND m.source = s.source "
     "AND m.source_offset = s.source_offset OFFSET 0) "
     "ON CONFLICT DO NOTHING"},
    {"COPY rapport_stage_link FROM STDIN", "rapport_stage_link", "(low BIGINT, high BIGINT)",
     "INSERT INTO address_link (tenant_id, low, high) "
     "SELECT (SELECT rapport_tenant()), s.* FROM rapport_stage_link s "
     "ON CONFLICT DO NOTHING"},
    // The writer stages each (address, name) once per flush, so no row is updated twice.
    {"COPY rapport_stage_name FROM STDIN", "rapport_stage_name",
     "(address BIGINT, name TEXT COLLATE \"C\", name_key TEXT COLLATE \"C\", seen BIGINT)",
     "INSERT INTO address_name (tenant_id, address, name, name_key, seen) "
     "SELECT (SELECT rapport_tenant()), s.* FROM rapport_stage_name s ORDER BY address, name "
     "ON CONFLICT (tenant_id, address, name) DO UPDATE SET seen = address_name.seen + "
     "excluded.seen"},
    {"COPY rapport_stage_source FROM STDIN", "rapport_stage_source",
     "(id BIGINT, tenant_id BIGINT, location TEXT COLLATE \"C\", kind TEXT COLLATE \"C\", "
     "size BIGINT, mtime_ns BIGINT, finished_at BIGINT)",
     "INSERT INTO source_file (id, tenant_id, location, kind, size, mtime_ns, finished_at) "
     "SELECT * FROM rapport_stage_source ORDER BY id ON CONFLICT (tenant_id, location) DO UPDATE "
     "SET size = coalesce(excluded.size, source_file.size), "
     "mtime_ns = coalesce(excluded.mtime_ns, source_file.mtime_ns), "
     "finished_at = coalesce(excluded.finished_at, source_file.finished_at)"},
};

// The tables whose ids the writer gives, in last_id_ order, and the Table each is staged as.
constexpr const char* kNumberedTable[] = {"person", "address", "message", "source_file"};
constexpr StagedRows::Table kNumberedAs[] = {
    StagedRows::Table::kPerson, StagedRows::Table::kAddress, StagedRows::Table::kMessage,
    StagedRows::Table::kSource};

}  // namespace

std::string LargestId(const std::string& table) {
  return "SELECT greatest(coalesce(max(id), 0), coalesce(pg_sequence_last_value("
         "pg_get_serial_sequence('" +
         table + "', 'id')), 0)) FROM " + table;
}

void StagedRows::Row::Separate() {
  if (!first_) out_ += '\t';
  first_ = false;
}

StagedRows::Row& StagedRows::Row::Int(int64_t v) {
  Separate();
  out_ += std::to_string(v);
  return *this;
}

void AppendCopyText(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
}

void AppendCopyBytes(std::string& out, const void* data, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\\\x";  // bytea's hex input, its backslash escaped for COPY
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) {
    out += kHex[bytes[i] >> 4];
    out += kHex[bytes[i] & 15];
  }
}

StagedRows::Row& StagedRows::Row::Text(std::string_view v) {
  Separate();
  AppendCopyText(out_, v);
  return *this;
}

StagedRows::Row& StagedRows::Row::Bytes(const void* data, size_t size) {
  Separate();
  AppendCopyBytes(out_, data, size);
  return *this;
}

StagedRows::Row& StagedRows::Row::Null() {
  Separate();
  out_ += "\\N";
  return *this;
}

void StagedRows::Row::End() {
  out_ += '\n';
}

StagedRows::Row StagedRows::Append(Table table) {
  return Row(rows_[static_cast<size_t>(table)]);
}

size_t StagedRows::Bytes() const {
  size_t n = 0;
  for (const std::string& rows : rows_) n += rows.size();
  return n;
}

Result<int64_t> StagedRows::NextId(Table table) {
  size_t which = 0;
  while (which < last_id_.size() && kNumberedAs[which] != table) ++which;
  if (which == last_id_.size()) return Status::InvalidArgument("no ids are given in this table");
  if (last_id_[which] == 0) {
    auto largest = db_.QueryInt(LargestId(kNumberedTable[which]));
    if (!largest.ok()) return largest.status();
    last_id_[which] = *largest;
  }
  return ++last_id_[which];
}

Status StagedRows::Load(Table table) {
  std::string& rows = rows_[static_cast<size_t>(table)];
  if (rows.empty()) return Status::Ok();
  if (static_cast<size_t>(table) < sent_since_analyze_.size()) {
    sent_since_analyze_[static_cast<size_t>(table)] += std::count(rows.begin(), rows.end(), '\n');
  }
  Status st = db_.BulkLoad(kSpecs[static_cast<size_t>(table)].copy, rows);
  rows.clear();
  return st;
}

void StagedRows::Clear() {
  for (std::string& rows : rows_) rows.clear();
  last_id_.fill(0);
}

Status StagedRows::Flush() {
  return Send(kTables);
}

Status StagedRows::FlushPeople() {
  return Send(static_cast<size_t>(Table::kAddress) + 1);
}

Status StagedRows::Send(size_t tables) {
  bool any = false;
  for (size_t t = 0; t < tables; ++t) any = any || !rows_[t].empty();
  if (!any) return Status::Ok();
  // Temporary tables live as long as the connection, unless the transaction that made them
  // rolled back: so they are made where missing at each flush (client_min_messages keeps the
  // server's "already exists" notices away).
  // The rows that are all new (people, addresses, messages and their participants) go in
  // first, and the statistics are kept current before the merges that look them up.
  std::string make, new_rows, merge, stages;
  for (size_t t = 0; t < tables; ++t) {
    if (rows_[t].empty()) continue;
    make += std::string("CREATE TEMP TABLE IF NOT EXISTS ") + kSpecs[t].stage +
            kSpecs[t].stage_columns + ";\n";
    (t <= static_cast<size_t>(Table::kParticipant) ? new_rows : merge) +=
        std::string(kSpecs[t].merge) + ";\n";
    stages += std::string(stages.empty() ? "" : ", ") + kSpecs[t].stage;
  }
  if (!make.empty()) RAPPORT_RETURN_IF_ERROR(db_.Exec(make));
  for (size_t t = 0; t < tables; ++t) {
    Status loaded = Load(static_cast<Table>(t));
    if (!loaded.ok()) {
      Clear();
      return loaded;
    }
  }
  std::string sequences;
  for (size_t i = 0; i < last_id_.size(); ++i) {
    if (last_id_[i] == 0 || static_cast<size_t>(kNumberedAs[i]) >= tables) continue;
    // Sequences are not transactional: after a rollback this leaves a gap, as nextval does.
    sequences += std::string(sequences.empty() ? "SELECT " : ", ") + "setval(" +
                 "pg_get_serial_sequence('" + kNumberedTable[i] + "', 'id'), " +
                 std::to_string(last_id_[i]) + ")";
    last_id_[i] = 0;
  }
  if (!sequences.empty()) RAPPORT_RETURN_IF_ERROR(db_.Exec(sequences));
  if (!new_rows.empty()) RAPPORT_RETURN_IF_ERROR(db_.Exec(new_rows));
  RAPPORT_RETURN_IF_ERROR(KeepStatisticsCurrent());
  return db_.Exec(merge + "TRUNCATE " + stages);
}

// The planner sizes tables by their statistics, which autovacuum cannot refresh while an ingest
// holds its rows uncommitted: planned as if the message table were still empty, the batch
// look-up read every message of the tenant through another index (15 ms a batch at 50,000
// messages, growing with the table: 200 s of a 1M-message ingest). So a looked-up table that has
// doubled since its statistics were taken is analyzed again, inside the transaction (ANALYZE
// counts the transaction's own rows): a handful of times in a whole ingest. Only the tables
// looked up: message and participant are read by id and month alone until the ingest ends and
// analyzes every table, and each ANALYZE of theirs reads every month (3.3 s of a 1M-message
// ingest).
Status StagedRows::KeepStatisticsCurrent() {
  constexpr const char* kAnalyzed[] = {"person", "address", "message_key"};
  constexpr int64_t kMinRows = 10000;
  if (analyzed_rows_[0] < 0) {
    for (size_t t = 0; t < analyzed_rows_.size(); ++t) {
      auto rows = db_.QueryInt(std::string("SELECT greatest(reltuples, 0)::bigint FROM pg_class "
                                           "WHERE oid = '") +
                               kAnalyzed[t] + "'::regclass");
      if (!rows.ok()) return rows.status();
      analyzed_rows_[t] = *rows;
    }
  }
  std::string stale;
  for (size_t t = 0; t < analyzed_rows_.size(); ++t) {
    if (sent_since_analyze_[t] < std::max(kMinRows, analyzed_rows_[t])) continue;
    stale += std::string(stale.empty() ? "ANALYZE " : ", ") + kAnalyzed[t];
    analyzed_rows_[t] += sent_since_analyze_[t];
    sent_since_analyze_[t] = 0;
  }
  return stale.empty() ? Status::Ok() : db_.Exec(stale);
}

}  // namespace rapport::store
