#include "insights/engagement_budget.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "rapport/insights/discrete_laplace.h"
#include "rapport/insights/zcdp.h"

namespace rapport::insights {
namespace {

std::chrono::year_month_day CivilDay(int64_t t) {
  using namespace std::chrono;
  return year_month_day{sys_days{days{(t >= 0 ? t : t - 86399) / 86400}}};
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

}  // namespace

Result<MonthlyBudget> MonthlyBudgetOf(const InsightSettings& settings) {
  auto epsilon = ParsePositiveDecimal(settings.epsilon_per_month);
  if (!epsilon.ok()) return epsilon.status();
  MonthlyBudget b;
  b.epsilon = static_cast<double>(epsilon->num) / static_cast<double>(epsilon->den);
  b.delta = std::strtod(settings.delta_per_month.c_str(), nullptr);  // checked when set
  b.rho = RhoForEpsilon(b.epsilon, b.delta / 2);
  b.rho_nano = static_cast<int64_t>(std::floor(b.rho * 1e9));
  b.delta_atto = static_cast<int64_t>(std::floor(b.delta / 2 * 1e18));
  return b;
}

MonthCost CostOf(const MonthlyBudget& budget, const store::MonthSpent& spent,
                 const store::MonthCharge& charge) {
  auto epsilon = [&](int64_t rho_nano) {
    return rho_nano <= 0 ? 0.0
                         : EpsilonForRho(static_cast<double>(rho_nano) / 1e9, budget.delta / 2);
  };
  auto delta = [&](int64_t rho_nano, int64_t delta_atto) {
    return rho_nano <= 0 ? 0.0 : budget.delta / 2 + static_cast<double>(delta_atto) / 1e18;
  };
  MonthCost c;
  c.month = spent.month;
  c.epsilon_before = epsilon(spent.rho_nano);
  c.delta_before = delta(spent.rho_nano, spent.delta_atto);
  const int64_t rho_after = spent.rho_nano + charge.rho_nano;
  c.epsilon_after = epsilon(rho_after);
  c.delta_after = delta(rho_after, spent.delta_atto + charge.delta_atto);
  c.rho_after = static_cast<double>(rho_after) / 1e9;
  c.rho_budget = budget.rho;
  return c;
}

std::string MonthName(int64_t month) {
  return DayName(month).substr(0, 7);
}

std::string DayName(int64_t t) {
  const auto ymd = CivilDay(t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

int64_t Micro(Rational r) {
  return static_cast<int64_t>(r.num) * (1'000'000 / static_cast<int64_t>(r.den));
}

Status MonthExhausted(const MonthlyBudget& budget, const store::MonthSpent& spent, double asked) {
  const double rho_left = std::max(0.0, budget.rho - static_cast<double>(spent.rho_nano) / 1e9);
  const double spent_epsilon = CostOf(budget, spent, {spent.month, 0, 0}).epsilon_before;
  std::string msg = "the lifetime privacy budget of " + MonthName(spent.month) +
                    "'s data would be exceeded: its releases have spent epsilon " +
                    Number(spent_epsilon) + " of " + Number(budget.epsilon) + " (delta " +
                    Number(budget.delta) + "), and this release asks for epsilon " + Number(asked);
  if (rho_left > 0) {
    msg += " where at most " + Number(EpsilonForRho(rho_left, budget.delta / 2) * 0.999) +
           " would fit";
  }
  msg +=
      "; budgets never reset (docs/privacy.md): ask again for a release already made (that is "
      "free), lower --epsilon, or leave that month out with --from/--to";
  return Status::ResourceExhausted(msg);
}

}  // namespace rapport::insights
