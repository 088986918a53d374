// AddressTable: finds or creates the row of an address (SPEC §3).
//
// Contract: an address is filed under its ingest::AddressKey, so every spelling of one mailbox
// (case, IDN, IMCEAEX, X.500) shares one row. A new row gets a person of its own, internal when
// the address is at one of the tenant's domains; ResolvePeople joins people afterwards. Ids are
// cached for the table's life, which must not outlive a rolled-back transaction that created them.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/sql/connection.h"
#include "store/sql/staged_rows.h"

namespace rapport::store {

class AddressTable {
 public:
  static Result<AddressTable> Create(SqlConnection& db, int64_t tenant,
                                     std::vector<std::string> internal_domains);
  AddressTable() = default;

  struct Row {
    int64_t address = 0;
    int64_t person = 0;
  };
  // `name` is the display name the new person starts with; unused when the address is known.
  Result<int64_t> Id(std::string_view address, std::string_view name) {
    auto row = Find(address, name, 0);
    if (!row.ok()) return row.status();
    return row->address;
  }
  // The address's row. A new address joins `person` when it is not 0 (mail says the address is
  // another spelling of that person's), so that people resolution has nothing to merge.
  Result<Row> Find(std::string_view address, std::string_view name, int64_t person);

  // The server store's bulk path (sql/staged_rows.h). While `staged` is set, new rows are staged
  // there instead of inserted; nullptr: inserted at once.
  void StageInto(StagedRows* staged) { staged_ = staged; }
  // Looks up, in one query, every address of `addresses` not known yet, remembering which are not
  // stored: what is learnt holds while the caller keeps the write transaction open, until
  // ForgetAbsent().
  Status Expect(const std::vector<std::string_view>& addresses);
  void ForgetAbsent() { absent_.clear(); }

 private:
  Result<Row> Create(const std::string& key, std::string_view name, int64_t person);
  SqlConnection* db_ = nullptr;
  int64_t tenant_ = 0;
  std::vector<std::string> internal_domains_;
  SqlStatement find_, insert_person_, insert_address_;
  // By key, and by the spelling it was asked for (heterogeneous look-up by string_view).
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Row> ids_;
  std::unordered_map<std::string, Row, Hash, std::equal_to<>> as_written_;
  std::unordered_set<std::string> absent_;  // keys Expect() found not stored
  StagedRows* staged_ = nullptr;
};

}  // namespace rapport::store
