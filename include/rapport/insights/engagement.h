// Account engagement, "Office Enrichment" (SPEC §4.5): per account and period, how much the
// company deals with it, released under differential privacy with one colleague (a directory user,
// aliases merged) as the unit, per calendar month of data, for the data's whole life.
// docs/privacy.md states the guarantee, the mechanism, the bounds and the accounting.
//
// Contract: ReleaseEngagement asks the policy decision point first (insight kind engagement,
// aggregated consent). A request identical to one already released (every parameter, the
// effective cut-off included) returns that release: nothing spent, no fresh noise. Otherwise the
// release is charged its zCDP rho (and, for accounts not on the imported list, the delta of their
// partition selection) to every calendar month of data it reads, and refused with
// ResourceExhausted naming the month when any month's lifetime budget would be exceeded, or, for
// a caller who is not an admin, when they already made member_releases_per_month new releases
// this month. Budgets never reset. Every released number is a bounded total plus exact discrete
// Gaussian noise, or is computed from released numbers only (averages, days since,
// EngagementScore). Nothing in a release names or counts an internal user alone.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
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
  // [from, to) in UTC seconds, read as dates in the tenant's time zone and widened to whole
  // periods; unset: the DefaultPeriodCount periods ending with the last one complete before
  // request.as_of's day (12 months or weeks, 1 year).
  std::optional<int64_t> from, to;
  std::optional<Rational> epsilon;  // per month read; unset: the tenant's enrichment_epsilon
  int k = 5;                        // at least 2
};

// One row, with the anchor's column names in comments. Counts are noisy and never negative.
struct EngagementRow {
  int64_t account_id = 0;           // AccountId
  std::string account_name;         // AccountName
  bool listed = false;              // on the imported account list (else an account from a domain)
  int64_t period_start = 0;         // AggregationStartDate (civil seconds, tenant time zone)
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

// What a release was made with: enough to state its guarantee and to find it again.
struct ReleaseParameters {
  PeriodLevel level = PeriodLevel::kMonth;
  std::string time_zone;     // the tenant's, which periods and months are read in
  int64_t from = 0, to = 0;  // whole periods, civil seconds
  int64_t cutoff = 0;        // data before this (civil seconds, a day's start) is read: as-of's day
  Rational epsilon;          // per month read, at delta / 2
  double delta = 0;          // the tenant's delta per month
  double rho = 0;            // zCDP per month read: what epsilon stands for
  double selection_delta = 0;  // per month read, for rows of accounts not on the list
  int k = 0;
  int accounts_per_month = 0;  // a colleague's other accounts that month are left out
  int64_t rows_per_month = 0;  // rows one colleague-month reaches: the sensitivity's multiplier
  int64_t threshold = 0;       // the noisy colleague count an unlisted account's row needs
  std::vector<std::pair<std::string, double>> noise_sd;  // each measure's noise, by name
};

// What a release costs one month of data, as (epsilon, delta) of everything released about it.
struct MonthCost {
  int64_t month = 0;                             // civil seconds of its first day
  double epsilon_before = 0, epsilon_after = 0;  // spent, at delta / 2
  double delta_before = 0, delta_after = 0;      // delta / 2 + selection deltas spent
  double rho_after = 0, rho_budget = 0;
  int64_t releases = 0;  // releases that read the month (LoadBudget only)
};

struct EngagementRelease {
  int64_t id = 0;
  bool repeated = false;  // an identical earlier request's release, returned as stored
  int64_t released_at = 0;
  ReleaseParameters parameters;
  std::vector<EngagementRow> rows;  // by period, then account name
  std::vector<MonthCost> months;    // every month computed: spent before and after this release
  int64_t reused_periods = 0;       // leading periods whose rows earlier releases held (free)
  // Whole periods whose values listed accounts' rows were estimated from together (reused ones
  // included); 0 when too few to (docs/privacy.md, "Estimates across periods").
  int64_t estimated_periods = 0;
  double epsilon_budget = 0, delta_budget = 0;  // per month, for life
  // The listed accounts' noisy measures of each whole period read (by account id, then period
  // start), before the estimate across periods: kept in the ledger, never shown, so that a later
  // release reusing these periods estimates its new ones together with them (docs/privacy.md,
  // "Estimates across periods"). Noisy outputs already paid for: keeping them costs nothing.
  std::map<int64_t, std::map<int64_t, std::vector<int64_t>>> measured;
};

// The release this request would make, or the stored one it would return, and what it would
// cost each month, without reading mail or spending anything. Status: why it would be refused
// (ResourceExhausted), else Ok. Asks the policy decision point like a release.
struct EngagementPreview {
  EngagementRelease release;  // parameters and months; no rows
  Status verdict;
};
Result<EngagementPreview> PreviewEngagement(store::Store& store,
                                            consent::PolicyDecisionPoint& policy,
                                            const InsightRequest& request,
                                            const EngagementRequest& what);

Result<EngagementRelease> ReleaseEngagement(store::Store& store,
                                            consent::PolicyDecisionPoint& policy,
                                            const InsightRequest& request,
                                            const EngagementRequest& what, RandomSource& random);

// What has been released about one account, for its page: of every stored release, the rows of
// the account (named as FindAccount finds it), the latest release's row for each period and
// level. Reading what was released spends nothing; the policy decision point still decides
// (engagement, the account as subject), so a revoked consent hides it. By level (week, month,
// year), then period.
struct ReleasedRow {
  PeriodLevel level = PeriodLevel::kMonth;
  int64_t release_id = 0;
  int64_t released_at = 0;
  EngagementRow row;
};
Result<std::vector<ReleasedRow>> ReleasedEngagement(store::Store& store,
                                                    consent::PolicyDecisionPoint& policy,
                                                    const InsightRequest& request,
                                                    std::string_view account);

// Every month that has spent anything, with what it spent (as before == after), and the budget.
struct BudgetState {
  double epsilon_budget = 0, delta_budget = 0, rho_budget = 0;
  std::string release_epsilon;  // what a release asks for by default (a member's most)
  int member_releases_per_month = 0;
  std::vector<MonthCost> months;
};
Result<BudgetState> LoadBudget(store::Store& store);

// "2026-03": the month starting at civil second `month`.
std::string MonthName(int64_t month);

}  // namespace rapport::insights
