// ReleasedEngagement (engagement.h): what earlier releases said about one account.
#include <algorithm>
#include <map>

#include "insights/decide.h"
#include "insights/engagement_rows.h"
#include "rapport/insights/engagement.h"

namespace rapport::insights {

Result<std::vector<ReleasedRow>> ReleasedEngagement(store::Store& store,
                                                    consent::PolicyDecisionPoint& policy,
                                                    const InsightRequest& request,
                                                    std::string_view account) {
  auto found = store.FindAccount(account);
  if (!found.ok()) return found.status();
  RAPPORT_RETURN_IF_ERROR(Decide(policy, request, consent::InsightKind::kEngagement, "",
                                 *found ? (*found)->name : std::string(account)));
  std::vector<ReleasedRow> out;
  if (!*found) return out;
  auto stored = store.ListReleases(0);  // oldest first: a later release's row replaces
  if (!stored.ok()) return stored.status();
  std::map<std::pair<PeriodLevel, int64_t>, ReleasedRow> latest;
  for (const auto& s : *stored) {
    auto release = ParseReleaseBody(s.body);
    if (!release.ok()) continue;  // a body from an older version
    for (const auto& row : release->rows) {
      if (row.account_id != (*found)->id) continue;
      latest[{release->parameters.level, row.period_start}] =
          ReleasedRow{release->parameters.level, s.id, s.released_at, row};
    }
  }
  for (auto& [key, row] : latest) out.push_back(std::move(row));
  return out;
}

}  // namespace rapport::insights
