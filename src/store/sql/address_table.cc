#include "store/sql/address_table.h"
#include "store/sql/array_columns.h"
#include "store/sql/dialect.h"

#include "ingest/identity/address_identity.h"
#include "ingest/identity/mail_domains.h"
#include "store/sql/people.h"

namespace rapport::store {

Result<AddressTable> AddressTable::Create(SqlConnection& db, int64_t tenant,
                                          std::vector<std::string> internal_domains) {
  AddressTable t;
  t.db_ = &db;
  t.tenant_ = tenant;
  t.internal_domains_ = std::move(internal_domains);
  struct {
    SqlStatement* stmt;
    std::string sql;
  } statements[] = {
      {&t.find_, "SELECT id, person_id FROM address WHERE tenant_id = ?1 AND address = ?2"},
      {&t.insert_person_,
       std::string("INSERT INTO person (tenant_id, kind, display_name) VALUES (?1, ?2, ?3)") +
           ReturningId(db.Dialect())},
      {&t.insert_address_,
       "INSERT INTO address (tenant_id, address, person_id, org_domain, is_role) "
       "VALUES (?1, ?2, ?3, ?4, ?5)" +
           std::string(ReturningId(db.Dialect()))},
  };
  for (auto& s : statements) {
    auto prepared = db.Prepare(s.sql);
    if (!prepared.ok()) return prepared.status();
    *s.stmt = std::move(*prepared);
  }
  return t;
}

Result<AddressTable::Row> AddressTable::Find(std::string_view address, std::string_view name,
                                             int64_t person) {
  // Most addresses recur exactly as written, so the spelling seen is looked up before the key is
  // computed.
  if (auto it = as_written_.find(address); it != as_written_.end()) return it->second;
  std::string key = ingest::AddressKey(address);
  if (auto it = ids_.find(key); it != ids_.end()) {
    as_written_.emplace(std::string(address), it->second);
    return it->second;
  }
  Row row;
  if (!absent_.contains(key)) {
    find_.Bind(1, tenant_).Bind(2, key);
    Status st;
    if (find_.Step(st)) row = {find_.ColumnInt(0), find_.ColumnInt(1)};
    find_.Reset();
    if (!st.ok()) return st;
  }
  if (row.address == 0) {
    auto made = Create(key, name, person);
    if (!made.ok()) return made.status();
    row = *made;
    absent_.erase(key);
  }
  ids_.emplace(std::move(key), row);
  as_written_.emplace(std::string(address), row);
  return row;
}

Result<AddressTable::Row> AddressTable::Create(const std::string& key, std::string_view name,
                                               int64_t person) {
  Row row{0, person};
  const char* kind = IsInternalAddress(key, internal_domains_) ? "internal" : "external";
  size_t at = key.rfind('@');
  const std::string org = ingest::OrganisationDomain(
      at == std::string::npos ? std::string_view() : std::string_view(key).substr(at + 1));
  const int64_t is_role = ingest::IsRoleAddress(key);
  if (staged_ != nullptr) {
    if (row.person == 0) {
      auto id = staged_->NextId(StagedRows::Table::kPerson);
      if (!id.ok()) return id.status();
      row.person = *id;
      staged_->Append(StagedRows::Table::kPerson)
          .Int(row.person)
          .Int(tenant_)
          .Text(kind)
          .Text(name)
          .End();
    }
    auto id = staged_->NextId(StagedRows::Table::kAddress);
    if (!id.ok()) return id.status();
    row.address = *id;
    staged_->Append(StagedRows::Table::kAddress)
        .Int(row.address)
        .Int(tenant_)
        .Text(key)
        .Int(row.person)
        .Text(org)
        .Int(is_role)
        .End();
    return row;
  }
  if (row.person == 0) {
    insert_person_.Bind(1, tenant_).Bind(2, kind).Bind(3, name);
    auto new_id = insert_person_.RunForId();
    if (!new_id.ok()) return new_id.status();
    row.person = *new_id;
  }
  insert_address_.Bind(1, tenant_).Bind(2, key).Bind(3, row.person).Bind(4, org).Bind(5, is_role);
  auto new_id = insert_address_.RunForId();
  if (!new_id.ok()) return new_id.status();
  row.address = *new_id;
  return row;
}

Status AddressTable::Expect(const std::vector<std::string_view>& addresses) {
  std::vector<std::string> keys;
  std::unordered_set<std::string> asked;
  for (std::string_view address : addresses) {
    if (address.empty() || as_written_.contains(address)) continue;
    std::string key = ingest::AddressKey(address);
    if (ids_.contains(key) || absent_.contains(key) || !asked.insert(key).second) continue;
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return Status::Ok();
  const std::string array = ArrayLiteral(keys);
  Status st = ForEachRow(
      *db_,
      "SELECT address, id, person_id FROM address WHERE tenant_id = ?1 AND "
      "address = ANY(?2::text[])",
      [&](SqlStatement& s) {
        std::string key = s.ColumnText(0);
        asked.erase(key);
        ids_.emplace(std::move(key), Row{s.ColumnInt(1), s.ColumnInt(2)});
      },
      tenant_, array);
  if (!st.ok()) return st;
  absent_.insert(asked.begin(), asked.end());
  return Status::Ok();
}

}  // namespace rapport::store
