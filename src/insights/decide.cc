#include "insights/decide.h"

namespace rapport::insights {

Status Decide(consent::PolicyDecisionPoint& policy, const InsightRequest& request,
              consent::InsightKind kind, const std::string& subject, const std::string& account) {
  auto decision = policy.Decide(request.caller, kind, {subject, account}, request.now);
  if (!decision.ok()) return decision.status();
  if (!decision->allow) return Status::PermissionDenied(decision->reason);
  return Status::Ok();
}

Result<Target> DecideOnTarget(store::Store& store, consent::PolicyDecisionPoint& policy,
                              const InsightRequest& request, consent::InsightKind kind,
                              std::string_view text) {
  auto target = ResolveTarget(store, text);
  if (!target.ok()) {
    RAPPORT_RETURN_IF_ERROR(Decide(policy, request, kind, std::string(text)));
    return target.status();
  }
  RAPPORT_RETURN_IF_ERROR(Decide(policy, request, kind, target->address,
                                 target->address.empty() ? target->label : std::string()));
  return target;
}

Result<std::set<int64_t>> Countable(consent::PolicyDecisionPoint& policy, consent::InsightKind kind,
                                    const std::vector<int64_t>& people) {
  std::set<int64_t> out;
  for (int64_t person : people) {
    auto may = policy.MayAppear(kind, person);
    if (!may.ok()) return may.status();
    if (*may) out.insert(person);
  }
  return out;
}

Result<std::unordered_set<int64_t>> Excluded(consent::PolicyDecisionPoint& policy,
                                             consent::InsightKind kind,
                                             const store::Activity& activity) {
  std::unordered_set<int64_t> out;
  for (const auto& [id, person] : activity.people) {
    auto may = policy.MayAppear(kind, id);
    if (!may.ok()) return may.status();
    if (!*may) out.insert(id);
  }
  return out;
}

Status Describe(store::Store& store, const std::vector<store::PersonSummary*>& people) {
  std::vector<int64_t> ids;
  for (const auto* p : people) ids.push_back(p->id);
  auto full = store.SummarizePeople(ids);
  if (!full.ok()) return full.status();
  for (auto* p : people) {
    auto it = full->find(p->id);
    if (it == full->end()) {
      return Status::Corruption("person " + std::to_string(p->id) +
                                " is in the answer but has no person row (run rapport ingest to "
                                "refresh the tie index)");
    }
    *p = it->second;
  }
  return Status::Ok();
}

}  // namespace rapport::insights
