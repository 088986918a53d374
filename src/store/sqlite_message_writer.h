// SqliteMessageWriter: the SQLite MessageSink. Holds one write transaction open and commits every
// `batch_size` messages, so a crash loses at most one uncommitted batch and never half a message.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "rapport/ingest/message_sink.h"
#include "rapport/store/store.h"
#include "store/sqlite_db.h"

namespace rapport::store {

class SqliteMessageWriter final : public ingest::MessageSink {
 public:
  // `db` must outlive the writer.
  static Result<std::unique_ptr<SqliteMessageWriter>> Create(SqliteDb& db, int64_t tenant_id,
                                                             const TenantConfig& tenant,
                                                             size_t batch_size);
  ~SqliteMessageWriter() override;

  Result<bool> AlreadyIngested(const ingest::SourceFile& file) override;
  Result<ingest::SinkOutcome> Add(const model::MessageMeta& meta,
                                  const ingest::Provenance& where) override;
  Status FinishFile(const ingest::SourceFile& file) override;
  Status Commit() override;

 private:
  SqliteMessageWriter(SqliteDb& db, int64_t tenant_id, const TenantConfig& tenant,
                      size_t batch_size);
  Status Prepare();
  Status EnsureTransaction();
  Result<int64_t> FindExisting(const model::MessageMeta& meta);
  Result<int64_t> AddressId(const model::Mailbox& mailbox);
  Result<int64_t> InsertMessage(const model::MessageMeta& meta, int64_t sender_id);
  Status AddParticipants(int64_t message, const model::MessageMeta& meta, bool bcc_only);
  Status AddKeyAndProvenance(int64_t message, const model::MessageMeta& meta,
                             const ingest::Provenance& where);
  bool IsInternal(std::string_view address) const;
  void MaybeCrashForTest();

  SqliteDb& db_;
  int64_t tenant_id_;
  TenantConfig tenant_;
  size_t batch_size_;
  size_t pending_ = 0;
  bool in_transaction_ = false;
  int64_t now_ = 0;
  int64_t crash_after_ = -1;  // RAPPORT_TEST_KILL_AFTER_MESSAGES: see MaybeCrashForTest
  int64_t added_ = 0;
  std::unordered_map<std::string, int64_t> address_ids_;  // cache of the address table

  SqliteStatement find_key_, find_fingerprint_, find_address_, insert_person_, insert_address_,
      insert_message_, insert_key_, insert_participant_, insert_participants_, insert_reference_,
      insert_provenance_, find_file_, upsert_file_;
};

}  // namespace rapport::store
