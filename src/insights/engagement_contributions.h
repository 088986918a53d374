// Bounded contributions (docs/privacy.md, "Bounds"): every internal user's part in each row of
// account engagement is clamped before it is summed, so that removing one user changes each
// total by at most a known amount. Internal to src/insights.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "insights/engagement_periods.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::insights {

// Per user and row, unless said otherwise. A row is one account in one period.
struct ContributionBounds {
  int accounts_per_period = 3;  // a user counts for their busiest accounts of each period only
  int emails = 10;              // e-mails each way
  int meetings = 4;             // meetings each way
  int contacts = 5;             // the account's people, for e-mail and for meetings
  int meeting_minutes = 240;    // the user's mean meeting length
  int reply_minutes = 4320;     // the user's mean wait for the account's replies (3 days)
};

// One row's true totals of the bounded contributions: what noise is added to.
struct RowTotals {
  int64_t account = 0;
  size_t period = 0;  // index into the periods read
  int64_t users = 0;  // contributing users: the partition-selection count
  int64_t email_users = 0, meeting_users = 0, reply_users = 0;
  int64_t emails_to = 0, emails_from = 0;  // each user's clamped count, summed
  int64_t meetings_to = 0, meetings_from = 0;
  int64_t contacts_emails = 0, contacts_meetings = 0;  // the union of users' clamped sets
  int64_t meeting_minutes = 0, reply_minutes = 0;      // users' clamped means, summed
};

// Whether an internal person may be counted (not opted out, not in an excluded group).
using MayCount = std::function<Result<bool>(int64_t person)>;

// Reads the account activity of `periods` (contiguous, in order) before `until` and returns the
// totals of every row at least one countable user contributed to, by period, then account.
Result<std::vector<RowTotals>> BoundedTotals(store::Store& store,
                                             const std::vector<Period>& periods, int64_t until,
                                             const ContributionBounds& bounds,
                                             const MayCount& countable);

}  // namespace rapport::insights
