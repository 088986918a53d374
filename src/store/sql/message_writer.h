// SqlMessageWriter: the store's MessageSink. Holds one write transaction open and commits every
// `batch_size` messages, so a crash loses at most one uncommitted batch and never half a message.
// On a server database (PostgreSQL) the rows of new messages are staged and sent in bulk
// (sql/staged_rows.h), and Expect() looks up a batch of messages and addresses in two queries
// (sql/message_staging.cc); on SQLite, where a statement is a function call, rows go one by one.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "rapport/ingest/mailbox_sink.h"
#include "rapport/store/store.h"
#include "store/sql/address_table.h"
#include "store/sql/connection.h"
#include "store/sql/staged_rows.h"

namespace rapport::store {

// A fingerprint's bytes in lower-case hex: how a message without a Message-ID is named
// ("sha256:" + this) and how the batch look-up keys fingerprints (sql/message_staging.cc).
std::string FingerprintHex(const model::Fingerprint& fp);

class SqlMessageWriter final : public ingest::MailboxSink {
 public:
  struct ItemTables;  // where one kind of live item is kept (sql/mailbox_items.cc)
  // `db` must outlive the writer.
  static Result<std::unique_ptr<SqlMessageWriter>> Create(SqlConnection& db, int64_t tenant_id,
                                                          const TenantConfig& tenant,
                                                          size_t batch_size);
  ~SqlMessageWriter() override;

  Result<bool> AlreadyIngested(const ingest::SourceFile& file) override;
  Result<std::vector<bool>> AlreadyIngestedFiles(
      std::span<const ingest::SourceFile> files) override;
  Result<ingest::SinkOutcome> Add(const model::MessageMeta& meta,
                                  const ingest::Provenance& where) override;
  Status FinishFile(const ingest::SourceFile& file, std::string_view source_kind) override;
  Result<ingest::SinkOutcome> AddMeeting(const model::MeetingMeta& meeting,
                                         const ingest::Provenance& where) override;
  Result<bool> RemoveGraphItem(std::string_view graph_id) override;
  Status Commit() override;
  Status Expect(std::span<const model::MessageMeta* const> messages) override;
  // sql/mailbox_items.cc (ingest::MailboxSink)
  Result<std::map<std::string, std::string>> Cursors(int64_t source) override;
  Status SetCursor(int64_t source, std::string_view folder, std::string_view cursor) override;
  Status DropCursor(int64_t source, std::string_view folder) override;
  Result<std::vector<uint64_t>> ItemsAt(std::string_view location) override;
  Result<std::vector<uint64_t>> EventsAt(std::string_view location, int64_t from_utc,
                                         int64_t to_utc) override;
  Result<bool> RemoveItem(std::string_view location, uint64_t offset) override;
  Result<std::vector<std::string>> LocationsUnder(std::string_view prefix) override;
  Status ForgetLocation(std::string_view location) override;
  Status ApplyDirectory(const model::Directory& changes) override;
  Result<std::vector<std::string>> DirectoryUserKeys() override;

 private:
  Result<int64_t> LocationId(std::string_view location);
  Status RememberMailboxItem(int64_t message, const ingest::Provenance& where);
  Status RememberCalendarItem(int64_t meeting, const ingest::Provenance& where);
  Result<bool> RemoveCopy(const ItemTables& t, int64_t source, int64_t offset);
  Status LeaveMovedOccurrence(const model::MeetingMeta& meeting, const ingest::Provenance& where);
  SqlMessageWriter(SqlConnection& db, int64_t tenant_id, const TenantConfig& tenant,
                   size_t batch_size);
  Status Prepare();
  Status EnsureTransaction();
  // EnsureTransaction, and what is staged sent: before what reads or joins the staged tables.
  Status EnsureUnstaged();
  // EnsureTransaction, and the staged people and addresses sent: before a meeting's writes,
  // whose triggers join attendees' addresses to people.
  Status EnsurePeopleStored();
  struct Existing {
    int64_t row = 0;        // 0: a message not stored yet
    bool id_known = false;  // its Message-ID is already recorded for that row
  };
  Result<Existing> FindExisting(const model::MessageMeta& meta);
  // sql/message_staging.cc: what Expect() and this transaction's staged messages tell of `meta`;
  // nullopt when only the database can say.
  std::optional<Existing> FindExpected(const model::MessageMeta& meta) const;
  // The staged message with `meta`'s content, which the database cannot find yet; 0: none.
  int64_t StagedWithContent(const model::MessageMeta& meta) const;
  void RememberStaged(const model::MessageMeta& meta, int64_t row, bool as_new);
  // The source file's id, staged when new (sql/message_staging.cc); `finished` records it read.
  Result<int64_t> StagedSourceId(std::string_view location, std::string_view kind,
                                 const ingest::SourceFile* finished);
  // Sends what is staged (and, `with_names`, the names counted so far); forgets what Expect()
  // learnt. On SQLite, writes the participant rows kept back (WriteParticipants).
  Status FlushStaged(bool with_names = true);
  // SQLite: the participant rows kept back since the last write, written in index order.
  Status WriteParticipants();
  Result<int64_t> AddressId(const model::Mailbox& mailbox);
  Result<int64_t> SourceId(const ingest::Provenance& where);
  Result<int64_t> InsertMessage(const model::MessageMeta& meta, int64_t sender_id,
                                const ingest::Provenance& where);
  Status AddParticipants(int64_t message, const model::MessageMeta& meta, bool bcc_only);
  Status AddAlias(int64_t message, const model::MessageMeta& meta);
  Status AddCopy(int64_t message, const ingest::Provenance& where);
  void MaybeCrashForTest();
  Status AfterItem();
  Status PrepareMeetingStatements();
  Status RememberGraphId(std::string_view kind, int64_t item, const ingest::Provenance& where);
  // sql/meeting_writes.cc
  struct StoredMeeting {
    int64_t row = 0;
    int32_t sequence = 0;
  };
  Result<StoredMeeting> FindMeeting(const model::MeetingMeta& meeting);
  Result<int64_t> InsertMeeting(const model::MeetingMeta& meeting, const ingest::Provenance& where);
  Status UpdateMeeting(int64_t row, const model::MeetingMeta& meeting);
  Status MergeAttendees(int64_t row, const model::MeetingMeta& meeting, bool replace);
  Status NoteMeetingNames(const model::MeetingMeta& meeting);
  Status AddMeetingCopy(int64_t row, const ingest::Provenance& where);
  Status DeleteItem(std::string_view kind, int64_t item);
  // sql/identity_writes.cc
  Status PrepareIdentityStatements();
  Status RecordIdentity(const model::MessageMeta& meta);
  Status NoteName(int64_t address, const std::string& name, const std::string& written_as);
  // The name a mailbox gives its address (none when either is empty).
  Status NoteMailboxName(const model::Mailbox& who);
  Status FlushNames();

  SqlConnection& db_;
  std::unique_ptr<StagedRows> staged_;  // PostgreSQL only
  // Message-ID, and fingerprint in hex, -> the stored or staged message; 0: not stored (while
  // this transaction holds the writer lock, nobody else can store it).
  std::unordered_map<std::string, int64_t> expected_ids_, expected_fingerprints_;
  // Source files by location: what AlreadyIngestedFiles() read (id, or 0: not stored), and the
  // rows staged since the last flush, one per file.
  std::unordered_map<std::string, int64_t> known_sources_;
  struct SourceRow {
    int64_t id = 0;
    std::string kind;
    std::optional<ingest::SourceFile> finished;
  };
  std::unordered_map<std::string, SourceRow> staged_sources_;
  int64_t tenant_id_;
  TenantConfig tenant_;
  size_t batch_size_;
  size_t pending_ = 0;
  bool in_transaction_ = false;
  int64_t now_ = 0;
  int64_t crash_after_ = -1;  // RAPPORT_TEST_KILL_AFTER_MESSAGES: see MaybeCrashForTest
  int64_t added_ = 0;
  AddressTable addresses_;

  std::string source_location_;  // the file being read and its source_file id
  int64_t source_id_ = 0;

  SqlStatement find_message_, insert_message_, insert_alias_, insert_copy_, find_source_,
      insert_source_, find_finished_, finish_source_, find_sent_at_;
  std::array<SqlStatement, 9> insert_participants_;  // [n]: n rows per statement
  // SQLite: participant rows of this transaction not written yet, kept for WriteParticipants
  // (before the commit, or anything that reads the tables: wherever FlushStaged is called).
  struct UnwrittenParticipant {
    int64_t address, sent_at, message, role;  // participant_address's key order first
    auto operator<=>(const UnwrittenParticipant&) const = default;
  };
  std::vector<UnwrittenParticipant> unwritten_participants_;
  Result<std::vector<UnwrittenParticipant>> SplitLateParticipants();
  Status WriteLateParticipants(const std::vector<UnwrittenParticipant>& rows);
  // SQLite: the tie index's watermark; a participant of a message at or below it, and the
  // marking of that message's people as stale (WriteLateParticipants).
  SqlStatement find_tie_watermark_, insert_late_participant_, mark_message_people_;
  SqlStatement find_meeting_, insert_meeting_, update_meeting_, cancel_meeting_, upsert_attendees_,
      clear_attendees_, insert_meeting_copy_, insert_graph_item_, find_graph_item_;
  SqlStatement insert_link_, upsert_name_;
  // Display names seen in this transaction, counted in memory and written at commit (in key
  // order): most mail repeats the same few names, so this saves a write per participant. Hashed,
  // not a sorted map: string comparisons down a tree cost 5 % of a big ingest.
  struct AddressName {
    int64_t address;
    std::string name;
    bool operator==(const AddressName&) const = default;
  };
  struct AddressNameHash {
    size_t operator()(const AddressName& k) const {
      return std::hash<std::string>()(k.name) ^
             (std::hash<int64_t>()(k.address) * 0x9e3779b97f4a7c15);
    }
  };
  std::unordered_map<AddressName, int64_t, AddressNameHash> pending_names_;
  std::set<std::pair<int64_t, int64_t>> links_written_;
};

}  // namespace rapport::store
