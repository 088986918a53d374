// AccountsOverview: every account the organisation deals with, as relationship analytics sees it
// (SPEC §4.3) -- health, trend, last interaction -- and how much of it is the caller's own. The
// dashboard's home page ("my accounts") and `rapport accounts overview`.
//
// Contract: one policy decision (relationship, about the accounts as a whole) for the list, so a
// caller who may not see relationship analytics sees no account. An account is listed when a
// colleague e-mailed or met its people in this window or the one before it; its figures are those
// AnalyseRelationship gives that account for the same as-of and window (the same people, the same
// exclusions, the same robots), so the two pages never disagree. Listed by last interaction,
// newest first, then by name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rapport/consent/policy.h"
#include "rapport/insights/health_score.h"
#include "rapport/insights/who_knows_whom.h"
#include "rapport/store/store.h"

namespace rapport::insights {

struct AccountStanding {
  int64_t account_id = 0;
  std::string name;
  int score = 0;
  std::string grade;
  int previous_score = 0;
  std::string trend;  // up, down or steady
  std::optional<int64_t> last_interaction;
  int emails_by_us = 0, emails_by_them = 0, meetings = 0;  // in the window
  int colleagues = 0;       // colleagues who e-mailed or met its people in the window
  int my_interactions = 0;  // of those interactions, the caller's own
};

struct AccountsOverview {
  int64_t as_of = 0;
  int days = 60;
  std::optional<int64_t> data_up_to;
  std::vector<AccountStanding> accounts;
};

Result<AccountsOverview> ReviewAccounts(store::Store& store, consent::PolicyDecisionPoint& policy,
                                        const InsightRequest& request, int days = 60);

}  // namespace rapport::insights
