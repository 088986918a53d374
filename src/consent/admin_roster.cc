#include "rapport/consent/admin_roster.h"

#include <nlohmann/json.hpp>

#include "consent/hash_chain.h"
#include "ingest/identity/address_identity.h"
#include "rapport/consent/consent_ledger.h"

namespace rapport::consent {

Result<std::vector<std::string>> AdminRoster::List() {
  auto tenant = store_.Tenant();
  if (!tenant.ok()) return tenant.status();
  return tenant->admins;
}

Status AdminRoster::Add(std::string_view by, std::string_view address, int64_t now) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(store_, by, "add an admin"));
  return Change(by, address, true, "made an admin", now);
}

Status AdminRoster::Remove(std::string_view by, std::string_view address, int64_t now) {
  RAPPORT_RETURN_IF_ERROR(RequireAdmin(store_, by, "remove an admin"));
  return Change(by, address, false, "no longer an admin", now);
}

Status AdminRoster::AddFirst(std::string_view address, int64_t now) {
  auto admins = List();
  if (!admins.ok()) return admins.status();
  if (!admins->empty()) {
    return Status::FailedPrecondition(
        "the tenant has admins already; an admin adds more (rapport "
        "admin add EMAIL --by ADMIN)");
  }
  return Change(address, address, true, "the first admin (the tenant had none)", now);
}

Status AdminRoster::Change(std::string_view by, std::string_view address, bool add,
                           std::string reason, int64_t now) {
  const std::string who = ingest::AddressKey(address);
  if (who.find('@') == std::string::npos || who.front() == '@' || who.back() == '@') {
    return Status::InvalidArgument(SingleQuoted(address) +
                                   " is not an address (write the admin like alice@example.com)");
  }
  auto tenant = store_.Tenant();
  if (!tenant.ok()) return tenant.status();
  auto chain = ChainKeyOf(store_, store::Ledger::kAudit);
  if (!chain.ok()) return chain.status();
  Status st;
  for (int attempt = 0; attempt < 3; ++attempt) {  // another process may append an audit first
    auto last = store_.LastLedgerRow(store::Ledger::kAudit);
    if (!last.ok()) return last.status();
    nlohmann::ordered_json entry{{"seq", *last ? (*last)->seq + 1 : 1},
                                 {"at", now},
                                 {"principal", ingest::AddressKey(by)},
                                 {"tenant", tenant->name},
                                 {"role", "admin"},
                                 {"insight", add ? "admin-add" : "admin-remove"},
                                 {"subject", who},
                                 {"decision", "allow"},
                                 {"reason", reason}};
    store::LedgerRow row = NextRow(*chain, *last ? &**last : nullptr, entry.dump());
    st = store_.ChangeAdmin(who, add, row);
    if (st.ok() || st.message().find("ledger changed meanwhile") == std::string::npos) return st;
  }
  return st;
}

}  // namespace rapport::consent
