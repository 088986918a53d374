// What every insight does: ask the policy decision point first, keep out the people it may not
// show, and describe (name, address, account) the people it does show. Internal to src/insights.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "rapport/consent/policy.h"
#include "rapport/insights/target.h"
#include "rapport/insights/who_knows_whom.h"

namespace rapport::insights {

// Decides for the caller; a denial becomes PermissionDenied with the policy's reason. `account`:
// the account or domain asked about, when the subject is not a person (for the audit).
Status Decide(consent::PolicyDecisionPoint& policy, const InsightRequest& request,
              consent::InsightKind kind, const std::string& subject,
              const std::string& account = "");

// The target `text` names, once the policy allows the caller to ask about it. When nothing
// matches, the decision is still made (and audited) on the text as asked, then NotFound.
Result<Target> DecideOnTarget(store::Store& store, consent::PolicyDecisionPoint& policy,
                              const InsightRequest& request, consent::InsightKind kind,
                              std::string_view text);

// Of `people`, those who may appear in (or be counted by) an insight of `kind`.
Result<std::set<int64_t>> Countable(consent::PolicyDecisionPoint& policy, consent::InsightKind kind,
                                    const std::vector<int64_t>& people);

// The people of an activity excluded from insights of `kind`: absent, never shown or counted.
Result<std::unordered_set<int64_t>> Excluded(consent::PolicyDecisionPoint& policy,
                                             consent::InsightKind kind,
                                             const store::Activity& activity);

// What `read()` (a Result) returns, read in one snapshot of the store: its queries agree with
// each other, and `serve --db-read` answers them from the standby when it may. Call it after
// the decision, which writes the audit.
template <typename Read>
auto InOneSnapshot(store::Store& store, Read read) -> decltype(read()) {
  std::optional<decltype(read())> out;
  Status st = store.ReadSnapshot([&] {
    out.emplace(read());
    return out->ok() ? Status::Ok() : out->status();
  });
  if (!out) return st;
  return std::move(*out);
}

// Fills in the name, shown address and account of each person (a ranking reads only ids, and
// addresses where scores are equal). Corruption when one has no person row.
Status Describe(store::Store& store, const std::vector<store::PersonSummary*>& people);

}  // namespace rapport::insights
