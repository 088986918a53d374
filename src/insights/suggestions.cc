#include "rapport/insights/suggestions.h"

#include <algorithm>

#include "rapport/insights/target.h"

namespace rapport::insights {
namespace {

constexpr auto kKind = consent::InsightKind::kPerson;

std::string PeopleCount(uint64_t n) {
  return std::to_string(n) + (n == 1 ? " person" : " people");
}

// Accounts by name: {starting with the text, holding it}.
std::pair<std::vector<Suggestion>, std::vector<Suggestion>> Accounts(
    const std::vector<store::Account>& accounts, const std::string& want) {
  std::vector<const store::Account*> starts, holds;
  for (const auto& a : accounts) {
    const size_t at = FoldedName(a.name).find(want);
    if (at != std::string::npos) (at == 0 ? starts : holds).push_back(&a);
  }
  auto listed = [](std::vector<const store::Account*> found) {
    std::stable_sort(found.begin(), found.end(),
                     [](const auto* x, const auto* y) { return x->people > y->people; });
    std::vector<Suggestion> out;
    for (const auto* a : found)
      out.push_back({"account", a->name, a->name, PeopleCount(a->people)});
    return out;
  };
  return {listed(std::move(starts)), listed(std::move(holds))};
}

std::vector<Suggestion> Domains(const std::vector<store::Account>& accounts,
                                const std::string& prefix) {
  std::vector<std::pair<const store::Account*, std::string>> found;
  for (const auto& a : accounts) {
    for (const auto& d : a.domains) {
      if (d.rfind(prefix, 0) == 0) found.emplace_back(&a, d);
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& x, const auto& y) { return x.first->people > y.first->people; });
  std::vector<Suggestion> out;
  for (const auto& [a, d] : found) out.push_back({"domain", "@" + d, "@" + d, a->name});
  return out;
}

// External people the caller may see, when the policy allows identifiable data about people.
Result<std::vector<Suggestion>> People(store::Store& store, consent::PolicyDecisionPoint& policy,
                                       const InsightRequest& request, const std::string& text,
                                       size_t limit) {
  std::vector<Suggestion> out;
  auto decision = policy.Decide(request.caller, kKind, {"", "search: " + text}, request.now);
  if (!decision.ok()) return decision.status();
  if (!decision->allow) return out;
  auto ids = store.PeopleMatching(text, limit + 10);  // room for those who may not appear
  if (!ids.ok()) return ids.status();
  std::vector<int64_t> shown;
  for (int64_t id : *ids) {
    auto may = policy.MayAppear(kKind, id);
    if (!may.ok()) return may.status();
    if (*may && shown.size() < limit) shown.push_back(id);
  }
  auto people = store.SummarizePeople(shown);
  if (!people.ok()) return people.status();
  for (int64_t id : shown) {
    auto it = people->find(id);
    if (it == people->end()) continue;
    const store::PersonSummary& p = it->second;
    const std::string label = p.name.empty() ? p.address : p.name + " <" + p.address + ">";
    out.push_back({"person", label, p.address, p.account.empty() ? p.org_domain : p.account});
  }
  return out;
}

}  // namespace

Result<std::vector<Suggestion>> Suggest(store::Store& store, consent::PolicyDecisionPoint& policy,
                                        const InsightRequest& request, std::string_view text,
                                        size_t limit) {
  std::string trimmed(text);
  while (!trimmed.empty() && (trimmed.front() == '@' || trimmed.front() == ' '))
    trimmed.erase(0, 1);
  while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
  std::string prefix = trimmed;
  for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string want = FoldedName(text);
  std::vector<Suggestion> out;
  if (want.empty()) return out;
  auto accounts = store.ListAccounts();
  if (!accounts.ok()) return accounts.status();
  auto [starts, holds] = Accounts(*accounts, want);
  auto people = People(store, policy, request, trimmed, limit);
  if (!people.ok()) return people.status();
  for (auto* list : {&starts, &*people, &holds}) {
    for (auto& s : *list) out.push_back(std::move(s));
  }
  for (auto& s : Domains(*accounts, prefix)) out.push_back(std::move(s));
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace rapport::insights
