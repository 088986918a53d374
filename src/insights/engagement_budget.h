// The lifetime privacy budget of each calendar month of data (SPEC §4.5, docs/privacy.md,
// "Accounting"): (epsilon, delta) per month as tenant settings, kept in zCDP as rho plus the delta
// spent on partition selection, and what a release costs a month as (epsilon, delta) before and
// after it. Internal to src/insights.
#pragma once

#include <cstdint>
#include <string>

#include "rapport/insights/engagement.h"
#include "rapport/insights/insight_settings.h"
#include "rapport/status.h"
#include "rapport/store/engagement.h"

namespace rapport::insights {

// Per month, for life. Half of delta is for turning rho into (epsilon, delta); the other half is
// what the partition selections of all releases reading the month may spend together.
struct MonthlyBudget {
  double epsilon = 0, delta = 0;
  double rho = 0;                        // the largest rho that is (epsilon, delta / 2)-DP
  int64_t rho_nano = 0, delta_atto = 0;  // rho and delta / 2, rounded down
};
Result<MonthlyBudget> MonthlyBudgetOf(const InsightSettings& settings);

// What a month has spent, then with this release's charge (0 for none), as (epsilon, delta).
MonthCost CostOf(const MonthlyBudget& budget, const store::MonthSpent& spent,
                 const store::MonthCharge& charge);

// Epsilon in millionths, as the ledger keeps it (ParsePositiveDecimal keeps at most 6 decimals,
// so den divides 10^6).
int64_t Micro(Rational r);

// "2026-04-01": the day holding civil second `t`.
std::string DayName(int64_t t);

// ResourceExhausted: this month cannot pay for the release; what it spent, what is left, and what
// would fit.
Status MonthExhausted(const MonthlyBudget& budget, const store::MonthSpent& spent, double asked);

}  // namespace rapport::insights
