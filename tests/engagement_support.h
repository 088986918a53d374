// What the account engagement tests share: the bounded totals of a store, read in-process under
// the policy point as a release reads them, keyed by account name.
#pragma once

#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "insights/engagement_contributions.h"
#include "insights/engagement_periods.h"
#include "rapport/consent/policy.h"
#include "rapport/insights/insight_settings.h"
#include "rapport/store/store.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport::testing {

// "2026-03-01" as UTC seconds.
inline int64_t ParseDate(const std::string& date) {
  std::tm tm{};
  strptime(date.c_str(), "%Y-%m-%d", &tm);
  return static_cast<int64_t>(timegm(&tm));
}

// Totals of every row of [from, to) at the given level, by account name, or by "name@start" (the
// period's start in UTC seconds) when `by_period`. `skip`: a person left out, as a neighbouring
// dataset.
inline std::map<std::string, insights::RowTotals> TotalsByAccount(
    const std::string& db, const std::string& from, const std::string& to,
    insights::PeriodLevel level, bool by_period = false, int64_t skip = 0) {
  std::map<std::string, insights::RowTotals> out;
  auto store = OpenTestStore(db);
  EXPECT_TRUE(store.ok());
  if (!store.ok()) return out;
  consent::PolicyDecisionPoint policy(**store);
  auto f = ParseDate(from), t = ParseDate(to);
  const auto periods = insights::PeriodsCovering(level, f, t);
  const auto months = insights::PeriodsCovering(insights::PeriodLevel::kMonth, f, t);
  insights::ContributionBounds bounds;  // as the tenant set them
  if (auto settings = insights::LoadInsightSettings(**store); settings.ok()) {
    bounds.accounts_per_month = settings->accounts_per_user;
  }
  auto totals = insights::BoundedTotals(
      **store, periods, months, t, [](int64_t utc) { return utc; }, bounds,
      bounds.accounts_per_month * insights::PiecesPerMonth(level),
      [&](int64_t person) -> Result<bool> {
        if (person == skip) return false;
        return policy.MayAppear(consent::InsightKind::kEngagement, person);
      });
  EXPECT_TRUE(totals.ok()) << totals.status().message();
  if (!totals.ok()) return out;
  auto accounts = (*store)->ListAccounts();
  std::map<int64_t, std::string> names;
  for (const auto& a : *accounts) names[a.id] = a.name;
  for (const auto& row : *totals) {
    std::string key = names[row.account];
    if (by_period) {
      key += '@';
      key += std::to_string(periods[row.period].start);
    }
    out[key] = row;
  }
  return out;
}

inline std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
    start = end + 1;
  }
  return out;
}

}  // namespace rapport::testing
