// Admin actions that the CLI and the HTTP API both offer, checked the same way in both.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/consent/consent_ledger.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::api {

// Grants `type` (ConsentLedger::Grant), after checking that every excluded group is in the
// directory: excluding a group nobody is in would exclude nobody, silently. InvalidArgument then.
Result<consent::ConsentChange> GrantConsent(store::Store& store, consent::ConsentType type,
                                            std::string_view admin, std::string_view terms_version,
                                            const std::vector<std::string>& excluded_groups,
                                            int64_t now);

}  // namespace rapport::api
