// People in the SQLite store: which person each address belongs to (SPEC §3).
//
// Contract: an address's person is a pure function of the evidence stored -- a directory user's
// addresses are one person; an address_link (mail's own word that an X.500 DN is an SMTP
// address) joins two addresses unless it would join two directory users; so do two addresses of
// one company domain written with one name that each is built from (phillip.allen@ and k..allen@
// as "Phillip K Allen"); with the tenant's fold_plus_addresses, alice+tag@x joins alice@x.
// Nothing joins two directory users. ResolvePeople recomputes that function over
// all addresses (no mail is read) and writes only what changed. Each resulting person keeps the
// lowest person id among its addresses, so ids are stable and a re-run changes nothing.
#pragma once

#include <string_view>
#include <vector>

#include "rapport/store/store.h"
#include "store/sql/connection.h"

namespace rapport::store {

// True when the address key is at one of the tenant's domains or a subdomain of one.
bool IsInternalAddress(std::string_view key, const std::vector<std::string>& domains);

// Expects an open write transaction.
Result<PeopleResolution> ResolvePeople(SqlConnection& db, int64_t tenant,
                                       const TenantConfig& config);

}  // namespace rapport::store
