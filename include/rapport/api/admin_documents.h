// The tenant's consent, audit and store state as the JSON documents that both `--json` and the
// HTTP API return. These read the store but decide nothing: whoever calls them has already
// checked that the caller may see them (the CLI: whoever holds the store file; the server: an
// admin, or a user of the tenant for the consent status).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rapport/api/insight_documents.h"
#include "rapport/consent/consent_ledger.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::api {

// {"personal": {"in_force", "since", "by", "grant_id", "terms_version", "excluded_groups"}, ...}
Result<Document> ConsentStatusDocument(store::Store& store);
// Every grant and revoke, oldest first.
Result<Document> ConsentHistoryDocument(store::Store& store);
Document ConsentEventDocument(const consent::ConsentEvent& event);
// A grant's consent receipt (Kantara Consent Receipt v1.1 / ISO/IEC TS 27560 fields);
// NotFound when no grant has that id.
Result<Document> ConsentReceiptDocument(store::Store& store, std::string_view grant_id);
// {"event": ConsentEventDocument, "purged": {"messages", "meetings", "addresses"}}
Document ConsentChangeDocument(const consent::ConsentChange& change);

// {"entries", "intact", "first_broken", "problem"}
Result<Document> AuditVerifyDocument(store::Store& store);

Result<Document> OptOutsDocument(store::Store& store);  // [{"address_hash", "scope"}]
// The quarter starting before `now`: budget, spent, and every release ever made.
Result<Document> BudgetDocument(store::Store& store);
Result<Document> StatsDocument(store::Store& store);
Result<Document> AccountsDocument(store::Store& store);
Result<Document> DirectoryDocument(store::Store& store);  // [{"address", "display_name", ...}]

}  // namespace rapport::api
