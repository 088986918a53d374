// Many tenants in one PostgreSQL database (issue 21). Every table but `schema_version` carries
// `tenant_id`, every key leads with it, and row-level security lets a session see and write
// only the rows of the tenant it has chosen: a query that forgot its tenant finds nothing of
// another's. A session chooses by the setting `rapport.tenant` (a tenant's name, given in the
// URL as ?options=-c%20rapport.tenant%3DNAME or set on a role), or, without it, takes the
// database's only tenant. Internal to src/store.
#pragma once

#include <string>

#include "rapport/status.h"
#include "store/sql/connection.h"

namespace rapport::store {

// Migration 3: the tenant column where it was missing, the keys led by it, the policies.
extern const char* const kTenantRows;

// FailedPrecondition when the session's role bypasses row-level security (a superuser, or a
// role with BYPASSRLS): it would see every tenant's rows, and the tenant-led keys would not
// serve its look-ups. `where` names the database in the message.
Status CheckSubjectToRowSecurity(SqlConnection& db, const std::string& where);

// Chooses the session's tenant (see above); none yet when the named tenant, or any tenant,
// does not exist (rapport init makes it). FailedPrecondition when the database holds several
// tenants and none is named.
Status ChooseTenant(SqlConnection& db, const std::string& where);

// Before rapport init makes tenant `name`: InvalidArgument when the session names another.
Status CheckNewTenant(SqlConnection& db, const std::string& name);
// Right after the tenant's row is made, inside init's transaction: the session chooses it, and
// its own tie-index watermark starts at 0.
Status TenantMade(SqlConnection& db, int64_t tenant);

}  // namespace rapport::store
