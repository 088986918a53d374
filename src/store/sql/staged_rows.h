// StagedRows: the rows an ingest into a server database holds back and sends in bulk.
//
// Why: on PostgreSQL every statement is a network round trip (~0.1 ms on loopback), and storing
// one message took about a dozen, so an ingest ran at 7 % of SQLite's rate (BENCHMARKS.md,
// issue 21). The message writer therefore numbers new people, addresses and messages itself,
// appends their rows here, and Flush() sends each table's rows with one COPY; rows that
// may meet a stored one (a copy's Bcc, aliases, copies, links, names) go by COPY into a
// temporary table and then into theirs with one INSERT ... SELECT ... ON CONFLICT.
//
// Contract: the caller holds the write transaction (the store's writer lock) from the first
// NextId() until after Flush(), and nothing reads or writes the staged tables in between except
// through the caller's own caches of what it staged. Ids continue from the largest stored, as
// SQLite's rowids do, so that both databases number a store alike (the same ids, the same order
// wherever ids break ties); Flush() moves each identity sequence to them, for inserts that take
// their id from it. Flush() writes person, address, message and participant rows first, in the
// order they were staged (ids ascending, as the tie triggers expect of identities), then the
// rest. Only for a connection whose BulkLoad() works.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/connection.h"

namespace rapport::store {

class StagedRows {
 public:
  enum class Table {
    kPerson,           // id, tenant_id, kind, display_name
    kAddress,          // id, tenant_id, address, person_id, org_domain, is_role
    kMessage,          // id and every column of message (sql/message_writer.cc)
    kParticipant,      // message, role, address, sent_at: a new message's, never stored before
    kLateParticipant,  // message, role, address: may be stored already (a copy's Bcc)
    kAlias,            // tenant_id, message_id, message
    kCopy,             // message, source, source_offset, ingested_at
    kLink,             // low, high
    kName,             // address, name, name_key, seen: seen is added to a stored count
    kSource,  // id, tenant_id, location, kind, size, mtime_ns, finished_at: one row per file,
              // which may be stored already (then its size, mtime and finish are set)
  };
  static constexpr size_t kTables = 10;

  // One row being appended: values in the table's column order, then End().
  class Row {
   public:
    Row& Int(int64_t v);
    Row& Text(std::string_view v);
    Row& TextOrNull(std::string_view v) { return v.empty() ? Null() : Text(v); }
    Row& Bytes(const void* data, size_t size);
    Row& Null();
    void End();

   private:
    friend class StagedRows;
    explicit Row(std::string& out) : out_(out) {}
    void Separate();
    std::string& out_;
    bool first_ = true;
  };

  explicit StagedRows(SqlConnection& db) : db_(db) {}

  // A new row's id for person, address, message or source: one more than the largest stored or
  // staged.
  Result<int64_t> NextId(Table table);
  Row Append(Table table);
  // Whether enough is held back that it should be sent now (a few MiB).
  bool Full() const { return Bytes() >= kFlushBytes; }
  bool Empty() const { return Bytes() == 0; }
  Status Flush();
  // Sends only the people and addresses staged: enough for writes that join addresses (a
  // meeting's attendees), without the cost of a whole flush per meeting.
  Status FlushPeople();
  // Forgets what is held back (its transaction was rolled back).
  void Clear();

 private:
  static constexpr size_t kFlushBytes = size_t{8} << 20;
  size_t Bytes() const;
  Status Send(size_t tables);  // the first `tables` of Table, in order
  Status KeepStatisticsCurrent();
  Status Load(Table table);

  SqlConnection& db_;
  std::array<std::string, kTables> rows_;
  // Person, address, message, source_file: the last id given; 0 when the table's largest must be
  // read again (after a flush, when inserts may take ids from the sequence).
  std::array<int64_t, 4> last_id_{};
  // Person, address, message (looked up in message_key): rows sent since the table's statistics
  // were taken, and how many rows those statistics saw (-1: not read yet).
  std::array<int64_t, 3> sent_since_analyze_{};
  std::array<int64_t, 3> analyzed_rows_{-1, -1, -1};
};

// One value in COPY's text format, appended to `out`: text with its backslashes, tabs, newlines
// and carriage returns escaped; bytes as bytea's hex input.
void AppendCopyText(std::string& out, std::string_view v);

// A query for the largest id `table` has used in any tenant: its rows this session may see,
// and its identity sequence, which every writer moves past the ids it gives (writers take
// turns: postgres/connection.h). New ids continue from it, unique across tenants.
std::string LargestId(const std::string& table);
void AppendCopyBytes(std::string& out, const void* data, size_t size);

}  // namespace rapport::store
