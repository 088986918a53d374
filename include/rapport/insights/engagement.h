// Account engagement, "Office Enrichment" (SPEC §4.5): per account and period, how much the
// company deals with it, released under (epsilon, delta)-differential privacy with the internal
// user as the privacy unit, on top of a minimum group of k contributing users. docs/privacy.md
// states the guarantee, the mechanism, the bounds and the accounting.
//
// Contract: ReleaseEngagement asks the policy decision point first (insight kind engagement,
// aggregated consent). A request identical to one already released returns that release: no
// budget spent, no fresh noise. Otherwise the release is charged to the tenant's budget for the
// calendar quarter (of `request.now`) and refused with ResourceExhausted when it would exceed it,
// or, for a caller who is not an admin, when it would take what they asked for this quarter past
// their share of that budget (setting member_release_share).
// Every released number is computed from bounded contributions plus exact discrete Laplace noise,
// or from released numbers only (averages, days since, EngagementScore). No row is released with
// fewer than k true contributors. Nothing in a release names or counts an internal user alone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rapport/consent/policy.h"
#include "rapport/insights/discrete_laplace.h"
#include "rapport/insights/who_knows_whom.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::insights {

enum class PeriodLevel { kWeek, kMonth, kYear };
std::string_view PeriodLevelName(PeriodLevel level);          // "Week", "Month", "Year"
Result<PeriodLevel> ParsePeriodLevel(std::string_view text);  // "week", "month", "year"

struct EngagementRequest {
  PeriodLevel level = PeriodLevel::kMonth;
  // [from, to) in UTC seconds, widened to whole periods; unset: the DefaultPeriodCount periods
  // ending with the one holding request.as_of.
  std::optional<int64_t> from, to;
  Rational epsilon{1, 1};
  double delta = 1e-6;
  int k = 5;  // at least 2
};

// One row, with the anchor's column names in comments. Counts are noisy and never negative.
struct EngagementRow {
  int64_t account_id = 0;           // AccountId
  std::string account_name;         // AccountName
  int64_t period_start = 0;         // AggregationStartDate (UTC seconds)
  int64_t emails_to = 0;            // NoOfEmails_ToAccount: sent by us, once per e-mail
  int64_t emails_from = 0;          // NoOfEmails_FromAccount: once per colleague who received it
  int64_t meetings_to = 0;          // NoOfMeetings_ToAccount: organised by us
  int64_t meetings_from = 0;        // NoOfMeetings_FromAccount: once per colleague who attended
  int64_t colleagues_emails = 0;    // NoOfContactsInvolved_Emails
  int64_t colleagues_meetings = 0;  // NoOfContactsInvolved_Meetings
  int64_t contacts_emails = 0;      // NoOfAccountContactsInvolved_Emails
  int64_t contacts_meetings = 0;    // NoOfAccountContactsInvolved_Meetings
  std::optional<int64_t> days_since_email, days_since_meeting;  // DaysSinceLast{Email,Meeting}
  std::optional<int64_t> meeting_minutes;                       // AverageDuration_Of_Meetings
  std::optional<int64_t> reply_minutes;  // AverageDuration_Of_AccountEmailReplies
  int engagement_score = 0;              // EngagementScore, 0-100 within the period
};

// What a release was made with: enough to state its guarantee.
struct ReleaseParameters {
  PeriodLevel level = PeriodLevel::kMonth;
  int64_t from = 0, to = 0;  // whole periods
  int64_t as_of = 0;
  Rational epsilon;
  double delta = 0;
  int k = 0;
  int accounts_per_user = 0;        // per period: a user's other accounts are left out
  int64_t partitions_per_user = 0;  // accounts_per_user x periods: the L0 bound
  int64_t threshold = 0;            // the noisy contributor count a row needs
  // The discrete Laplace scale of each noisy measurement, by name.
  std::vector<std::pair<std::string, double>> noise_scales;
};

struct EngagementRelease {
  int64_t id = 0;
  bool repeated = false;  // an identical earlier request's release, returned as stored
  int64_t released_at = 0;
  ReleaseParameters parameters;
  std::vector<EngagementRow> rows;  // by period, then account name
  double budget = 0, spent = 0;     // epsilon this quarter, after this release
};

Result<EngagementRelease> ReleaseEngagement(store::Store& store,
                                            consent::PolicyDecisionPoint& policy,
                                            const InsightRequest& request,
                                            const EngagementRequest& what, RandomSource& random);

// The tenant's privacy budget per calendar quarter, and the start of the quarter holding `t`.
Result<Rational> PrivacyBudget(store::Store& store);
// What one member or guest may spend of it per quarter on new releases, in millionths of epsilon:
// privacy_budget_per_quarter x member_release_share, rounded down. Admins are not capped.
Result<int64_t> MemberBudgetMicro(store::Store& store);
int64_t QuarterStart(int64_t t);

}  // namespace rapport::insights
