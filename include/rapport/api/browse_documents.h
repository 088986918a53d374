// The documents of browsing: the accounts overview (the dashboard's home), search suggestions and
// what has been released about one account. Pure functions of the insights' answers, shared by
// the CLI's --json and the HTTP API.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "rapport/api/insight_documents.h"
#include "rapport/insights/accounts_overview.h"
#include "rapport/insights/engagement.h"
#include "rapport/insights/suggestions.h"
#include "rapport/status.h"

namespace rapport::api {

// How the overview's accounts are listed: newest last interaction first (the overview's own
// order); lowest or highest health first; falling first (trend down, then the biggest drop); by
// name, ASCII case ignored. Equals keep the overview's order.
enum class AccountOrder { kRecent, kHealth, kHealthDesc, kFalling, kName };
// "recent", "health", "health-desc", "falling", "name"; InvalidArgument naming them otherwise.
Result<AccountOrder> ParseAccountOrder(std::string_view text);

// {"as_of", "data_up_to", "days", "sort", "total", "mine", "shown", "accounts": [...],
// "empty_reason"}: the accounts the overview lists (only the caller's own when `mine_only`) in
// `order`, the first `limit` of them; "total" and "mine" count every account listed and those
// with the caller's own interactions, whatever the limit. "empty_reason" (only when nothing is
// listed) says why and what would fill the list.
Document AccountsOverviewDocument(const insights::AccountsOverview& overview, bool mine_only,
                                  size_t limit, AccountOrder order = AccountOrder::kRecent);

// [{"kind": "account"|"person"|"domain", "label", "target", "detail"}].
Document SuggestionsDocument(const std::vector<insights::Suggestion>& suggestions);

// {"rows": [{"level": "Month", "release_id", "released_at", "row": {Office Enrichment columns}}],
//  "empty_reason"}.
Document ReleasedEngagementDocument(const std::vector<insights::ReleasedRow>& rows);

}  // namespace rapport::api
