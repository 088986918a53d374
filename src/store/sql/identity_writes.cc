// What the message writer learns about who an address is: the display names it is written with
// and mail's own links between two spellings of one mailbox (SPEC §3). ResolvePeople turns these
// into people after the ingest.
#include <algorithm>
#include <tuple>

#include "ingest/identity/address_identity.h"
#include "ingest/mail/header_block.h"
#include "store/sql/dialect.h"
#include "store/sql/message_writer.h"

namespace rapport::store {
namespace {

// Longer "names" are pasted text, not names; they would only bloat the store.
constexpr size_t kMaxNameBytes = 200;

}  // namespace

Status SqlMessageWriter::PrepareIdentityStatements() {
  auto link =
      db_.Prepare("INSERT INTO address_link (low, high) VALUES (?1, ?2) ON CONFLICT DO NOTHING");
  if (!link.ok()) return link.status();
  insert_link_ = std::move(*link);
  auto name = db_.Prepare(
      "INSERT INTO address_name (address, name, name_key, seen) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT " +
      TenantKey(db_.Dialect(), "address, name") +
      " DO UPDATE SET seen = address_name.seen + excluded.seen");
  if (!name.ok()) return name.status();
  upsert_name_ = std::move(*name);
  return Status::Ok();
}

Status SqlMessageWriter::NoteName(int64_t address, const std::string& name,
                                  const std::string& written_as) {
  std::string_view trimmed = ingest::TrimSpaces(name);
  // "alice@x.com <alice@x.com>" names nobody.
  if (trimmed.empty() || trimmed.size() > kMaxNameBytes ||
      (trimmed.find('@') != std::string_view::npos &&
       ingest::AddressKey(trimmed) == ingest::AddressKey(written_as))) {
    return Status::Ok();
  }
  ++pending_names_[{address, std::string(trimmed)}];
  return Status::Ok();
}

Status SqlMessageWriter::NoteMailboxName(const model::Mailbox& who) {
  if (who.name.empty() || who.address.empty()) return Status::Ok();
  auto id = AddressId(who);
  if (!id.ok()) return id.status();
  return NoteName(*id, who.name, who.address);
}

Status SqlMessageWriter::RecordIdentity(const model::MessageMeta& meta) {
  RAPPORT_RETURN_IF_ERROR(NoteMailboxName(meta.from));
  for (const auto* list : {&meta.to, &meta.cc, &meta.bcc}) {
    for (const auto& m : *list) RAPPORT_RETURN_IF_ERROR(NoteMailboxName(m));
  }
  for (const model::IdentityHint& hint : meta.identity_hints) {
    if (hint.address.empty()) continue;
    auto row = addresses_.Find(hint.address, "", 0);
    if (!row.ok()) return row.status();
    const int64_t id = row->address;
    if (!hint.name.empty()) RAPPORT_RETURN_IF_ERROR(NoteName(id, hint.name, hint.address));
    if (hint.alias.empty()) continue;
    auto alias_row = addresses_.Find(hint.alias, hint.name, row->person);
    if (!alias_row.ok()) return alias_row.status();
    const int64_t alias = alias_row->address;
    if (alias == id) continue;
    std::pair<int64_t, int64_t> link{std::min(id, alias), std::max(id, alias)};
    if (!links_written_.insert(link).second) continue;
    if (staged_) {
      staged_->Append(StagedRows::Table::kLink).Int(link.first).Int(link.second).End();
      continue;
    }
    insert_link_.Bind(1, link.first).Bind(2, link.second);
    RAPPORT_RETURN_IF_ERROR(insert_link_.Run());
  }
  return Status::Ok();
}

Status SqlMessageWriter::FlushNames() {
  std::vector<const std::pair<const AddressName, int64_t>*> names;
  names.reserve(pending_names_.size());
  for (const auto& entry : pending_names_) names.push_back(&entry);
  std::sort(names.begin(), names.end(), [](const auto* a, const auto* b) {  // the table's order
    return std::tie(a->first.address, a->first.name) < std::tie(b->first.address, b->first.name);
  });
  for (const auto* entry : names) {
    const std::string key = ingest::NameKey(entry->first.name);
    if (staged_) {
      staged_->Append(StagedRows::Table::kName)
          .Int(entry->first.address)
          .Text(entry->first.name)
          .Text(key)
          .Int(entry->second)
          .End();
      continue;
    }
    upsert_name_.Bind(1, entry->first.address)
        .Bind(2, entry->first.name)
        .Bind(3, key)
        .Bind(4, entry->second);
    RAPPORT_RETURN_IF_ERROR(upsert_name_.Run());
  }
  pending_names_.clear();
  return Status::Ok();
}

}  // namespace rapport::store
