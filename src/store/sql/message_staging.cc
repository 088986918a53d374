// The message writer's bulk path on a server database: a batch of messages and their addresses
// looked up in two queries (Expect), what that and the staged rows say about a message
// (FindExpected), and sending what is staged (FlushStaged). See sql/staged_rows.h for why.
#include "store/sql/message_writer.h"

#include <algorithm>

#include "store/sql/array_columns.h"

namespace rapport::store {
Status SqlMessageWriter::Expect(std::span<const model::MessageMeta* const> messages) {
  if (!staged_) return Status::Ok();
  // What is learnt must hold until it is used: so under the writer lock, from now on.
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  std::vector<std::string> ids, fingerprints;
  std::vector<std::string_view> addresses;
  auto add_address = [&](const model::Mailbox& m) { addresses.push_back(m.address); };
  for (const model::MessageMeta* meta : messages) {
    if (!meta->message_id.empty() && expected_ids_.emplace(meta->message_id, 0).second) {
      ids.push_back(meta->message_id);
    }
    std::string fp = FingerprintHex(meta->fingerprint);
    if (expected_fingerprints_.emplace(fp, 0).second) fingerprints.push_back("\\x" + fp);
    add_address(meta->from);
    for (const auto* list : {&meta->to, &meta->cc, &meta->bcc}) {
      for (const model::Mailbox& m : *list) add_address(m);
    }
    for (const model::IdentityHint& hint : meta->identity_hints) {
      addresses.push_back(hint.address);
      addresses.push_back(hint.alias);
    }
  }
  if (!ids.empty() || !fingerprints.empty()) {
    // As FindExisting: a Message-ID of a stored message first, then an alias, then content.
    Status st = ForEachRow(
        db_,
        "SELECT 0, message_id, id FROM message_key WHERE tenant_id = ?1 AND "
        "message_id = ANY(?2::text[]) "
        "UNION ALL SELECT 1, message_id, message FROM message_alias WHERE tenant_id = ?1 AND "
        "message_id = ANY(?2::text[]) "
        "UNION ALL SELECT 2, encode(fingerprint, 'hex'), id FROM message_key WHERE tenant_id = ?1 "
        "AND fingerprint = ANY(?3::bytea[])",
        [&](SqlStatement& s) {
          const int64_t kind = s.ColumnInt(0);
          int64_t& row = (kind == 2 ? expected_fingerprints_ : expected_ids_)[s.ColumnText(1)];
          if (kind == 0 || row == 0) row = s.ColumnInt(2);
        },
        tenant_id_, ArrayLiteral(ids), ArrayLiteral(fingerprints));
    if (!st.ok()) return st;
  }
  return addresses_.Expect(addresses);
}

std::optional<SqlMessageWriter::Existing> SqlMessageWriter::FindExpected(
    const model::MessageMeta& meta) const {
  if (!staged_) return std::nullopt;
  if (!meta.message_id.empty()) {
    auto it = expected_ids_.find(meta.message_id);
    if (it == expected_ids_.end()) return std::nullopt;  // the Message-ID comes first
    if (it->second != 0) return Existing{it->second, true};
  }
  auto it = expected_fingerprints_.find(FingerprintHex(meta.fingerprint));
  if (it == expected_fingerprints_.end()) return std::nullopt;
  return Existing{it->second, false};  // row 0: neither is stored
}

int64_t SqlMessageWriter::StagedWithContent(const model::MessageMeta& meta) const {
  if (!staged_) return 0;
  auto it = expected_fingerprints_.find(FingerprintHex(meta.fingerprint));
  return it == expected_fingerprints_.end() ? 0 : it->second;
}

void SqlMessageWriter::RememberStaged(const model::MessageMeta& meta, int64_t row, bool as_new) {
  if (!meta.message_id.empty()) expected_ids_[meta.message_id] = row;
  if (as_new) expected_fingerprints_[FingerprintHex(meta.fingerprint)] = row;
}

Result<std::vector<bool>> SqlMessageWriter::AlreadyIngestedFiles(
    std::span<const ingest::SourceFile> files) {
  if (!staged_) return MailboxSink::AlreadyIngestedFiles(files);
  // What is learnt of new files must hold until they are staged: so under the writer lock.
  RAPPORT_RETURN_IF_ERROR(EnsureTransaction());
  struct Stored {
    int64_t id, size, mtime_ns;
    bool finished;
  };
  std::unordered_map<std::string, Stored> stored;
  constexpr size_t kPerQuery = 5000;
  for (size_t from = 0; from < files.size(); from += kPerQuery) {
    std::vector<std::string> locations;
    for (size_t i = from; i < std::min(files.size(), from + kPerQuery); ++i) {
      locations.push_back(files[i].location);
    }
    Status st = ForEachRow(
        db_,
        "SELECT location, id, coalesce(size, -1), coalesce(mtime_ns, -1), "
        "finished_at IS NOT NULL FROM source_file WHERE tenant_id = ?1 AND "
        "location = ANY(?2::text[])",
        [&](SqlStatement& s) {
          stored[s.ColumnText(0)] = {s.ColumnInt(1), s.ColumnInt(2), s.ColumnInt(3),
                                     s.ColumnInt(4) != 0};
        },
        tenant_id_, ArrayLiteral(locations));
    if (!st.ok()) return st;
  }
  std::vector<bool> out;
  for (const ingest::SourceFile& f : files) {
    auto it = stored.find(f.location);
    known_sources_[f.location] = it == stored.end() ? 0 : it->second.id;
    out.push_back(it != stored.end() && it->second.finished && it->second.size == f.size &&
                  it->second.mtime_ns == f.mtime_ns);
  }
  return out;
}

Result<int64_t> SqlMessageWriter::StagedSourceId(std::string_view location, std::string_view kind,
                                                 const ingest::SourceFile* finished) {
  const std::string key(location);
  if (auto it = staged_sources_.find(key); it != staged_sources_.end()) {
    if (finished) it->second.finished = *finished;
    return it->second.id;
  }
  int64_t id = 0;
  if (auto it = known_sources_.find(key); it != known_sources_.end()) {
    id = it->second;
  } else {
    find_source_.Bind(1, tenant_id_).Bind(2, location);
    Status st;
    if (find_source_.Step(st)) id = find_source_.ColumnInt(0);
    find_source_.Reset();
    if (!st.ok()) return st;
  }
  if (id != 0 && finished == nullptr) return id;  // stored, and nothing to record
  if (id == 0) {
    auto new_id = staged_->NextId(StagedRows::Table::kSource);
    if (!new_id.ok()) return new_id.status();
    id = *new_id;
  }
  SourceRow row{id, std::string(kind), std::nullopt};
  if (finished) row.finished = *finished;
  staged_sources_[key] = std::move(row);
  known_sources_[key] = id;
  return id;
}

Status SqlMessageWriter::FlushStaged(bool with_names) {
  if (!staged_) return WriteParticipants();
  for (const auto& [location, row] : staged_sources_) {
    auto out = staged_->Append(StagedRows::Table::kSource);
    out.Int(row.id).Int(tenant_id_).Text(location).Text(row.kind);
    if (row.finished) {
      out.Int(row.finished->size).Int(row.finished->mtime_ns).Int(now_);
    } else {
      out.Null().Null().Null();
    }
    out.End();
  }
  staged_sources_.clear();
  // Names are counted in memory until the transaction ends, or something reads them: sent at
  // every flush, each would be upserted again and again (a 1M-message ingest flushes 30 times).
  if (with_names) RAPPORT_RETURN_IF_ERROR(FlushNames());  // staged too
  RAPPORT_RETURN_IF_ERROR(staged_->Flush());
  // Everything staged is in the tables now, where the usual look-ups find it; what Expect()
  // learnt would only grow with a long transaction.
  expected_ids_.clear();
  expected_fingerprints_.clear();
  return Status::Ok();
}

}  // namespace rapport::store
