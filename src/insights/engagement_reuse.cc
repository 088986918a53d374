#include "insights/engagement_reuse.h"

#include "insights/engagement_budget.h"
#include "insights/engagement_rows.h"

namespace rapport::insights {
namespace {

bool SameParameters(const ReleaseParameters& a, const ReleaseParameters& b) {
  return a.level == b.level && a.time_zone == b.time_zone && a.epsilon.num == b.epsilon.num &&
         a.epsilon.den == b.epsilon.den && a.k == b.k &&
         a.accounts_per_month == b.accounts_per_month && a.delta == b.delta;
}

// Whether `r` read `period` whole: inside its range and before its cut-off.
bool ReadWhole(const ReleaseParameters& r, const Period& period) {
  return r.from <= period.start && period.end <= r.to && period.end <= r.cutoff;
}

}  // namespace

Result<ReusedPeriods> ReusablePeriods(store::Store& store, const ReleaseParameters& p,
                                      const std::vector<Period>& periods) {
  ReusedPeriods out;
  auto stored = store.ListReleases(0);
  if (!stored.ok()) return stored.status();
  std::vector<EngagementRelease> earlier;
  const int64_t epsilon_micro = Micro(p.epsilon);
  for (const auto& s : *stored) {
    // Only bodies of releases that asked for this epsilon can match: the others are not parsed.
    if (s.epsilon_micro != epsilon_micro) continue;
    auto release = ParseReleaseBody(s.body);
    if (release.ok() && SameParameters(release->parameters, p)) {
      earlier.push_back(std::move(*release));
    }
  }
  for (const Period& period : periods) {
    if (period.end > p.cutoff) break;
    const EngagementRelease* from = nullptr;
    for (const auto& r : earlier) {
      if (ReadWhole(r.parameters, period)) {
        from = &r;
        break;
      }
    }
    if (from == nullptr) break;
    for (const EngagementRow& row : from->rows) {
      if (row.period_start == period.start) out.rows.push_back(row);
    }
    for (const auto& [account, measures] : from->measured) {
      auto it = measures.find(period.start);
      if (it != measures.end()) out.measured[account][period.start] = it->second;
    }
    ++out.periods;
  }
  return out;
}

std::vector<std::vector<int64_t>> KeptMeasures(const ReusedPeriods& reused, int64_t account,
                                               size_t measures) {
  auto kept = reused.measured.find(account);
  if (kept == reused.measured.end() || kept->second.size() != reused.periods) return {};
  std::vector<std::vector<int64_t>> out;
  for (const auto& [start, values] : kept->second) {
    if (values.size() != measures) return {};
    out.push_back(values);
  }
  return out;
}

}  // namespace rapport::insights
