#include "store/sql/address_table.h"
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
  find_.Bind(1, tenant_).Bind(2, key);
  Status st;
  Row row;
  if (find_.Step(st)) row = {find_.ColumnInt(0), find_.ColumnInt(1)};
  find_.Reset();
  if (!st.ok()) return st;
  if (row.address == 0) {
    row.person = person;
    if (row.person == 0) {
      insert_person_.Bind(1, tenant_)
          .Bind(2, IsInternalAddress(key, internal_domains_) ? "internal" : "external")
          .Bind(3, name);
      auto new_id = insert_person_.RunForId();
      if (!new_id.ok()) return new_id.status();
      row.person = *new_id;
    }
    size_t at = key.rfind('@');
    const std::string org = ingest::OrganisationDomain(
        at == std::string::npos ? std::string_view() : std::string_view(key).substr(at + 1));
    insert_address_.Bind(1, tenant_)
        .Bind(2, key)
        .Bind(3, row.person)
        .Bind(4, org)
        .Bind(5, int64_t{ingest::IsRoleAddress(key)});
    auto new_id = insert_address_.RunForId();
    if (!new_id.ok()) return new_id.status();
    row.address = *new_id;
  }
  ids_.emplace(std::move(key), row);
  as_written_.emplace(std::string(address), row);
  return row;
}

}  // namespace rapport::store
