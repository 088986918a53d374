// `rapport eval wkw`: Who Knows Whom against frequency and recency on held-out mail (issue 6).
#include <fmt/core.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/insight_runs.h"
#include "insights/decide.h"
#include "rapport/consent/consent_ledger.h"
#include "rapport/consent/policy.h"
#include "rapport/insights/wkw_evaluation.h"

namespace rapport::cli {
namespace {

using nlohmann::ordered_json;

ordered_json ScoresJson(const insights::RankingScores& r) {
  return {{"mrr", r.mrr}, {"recall_at_1", r.recall_at_1}, {"recall_at_5", r.recall_at_5}};
}

ordered_json SetJson(const insights::QuerySetScores& s) {
  return {{"queries", s.queries},
          {"rapport", ScoresJson(s.rapport)},
          {"frequency", ScoresJson(s.frequency)},
          {"recency", ScoresJson(s.recency)}};
}

void PrintSet(const char* title, const insights::QuerySetScores& s) {
  fmt::print("{} ({} queries)\n", title, s.queries);
  fmt::print("  {:<10} {:>7} {:>9} {:>9}\n", "ranking", "MRR", "Recall@1", "Recall@5");
  const std::pair<const char*, const insights::RankingScores*> rows[] = {
      {"rapport", &s.rapport}, {"frequency", &s.frequency}, {"recency", &s.recency}};
  for (const auto& [name, r] : rows) {
    fmt::print("  {:<10} {:>7.4f} {:>9.4f} {:>9.4f}\n", name, r->mrr, r->recall_at_1,
               r->recall_at_5);
  }
}

// People excluded from identifiable insights take no part: their ties are not read.
Status DropExcluded(store::Store& store, store::Activity& activity) {
  consent::PolicyDecisionPoint policy(store);
  auto excluded = insights::Excluded(policy, consent::InsightKind::kWhoKnowsWhom, activity);
  if (!excluded.ok()) return excluded.status();
  for (int64_t id : *excluded) activity.people.erase(id);
  return Status::Ok();
}

}  // namespace

int RunEvalWkw(const std::string& db, const InsightArgs& args) {
  auto split = ParseUtc("--split", args.split);
  if (!split.ok()) return Usage(split.status().message());
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  // The evaluation reads everyone's ties, so it needs what Who Knows Whom needs; it prints only
  // aggregate scores.
  auto state = consent::ConsentLedger(**store).State();
  if (!state.ok()) return Fail(state.status().message());
  if (!state->of(consent::ConsentType::kIdentifiable).in_force) {
    return Fail(
        "consent identifiable not in force: the evaluation reads identifiable ties "
        "(an admin grants it with rapport consent grant identifiable --by ADMIN)");
  }
  const int64_t horizon = int64_t{args.horizon} * 86400;
  store::ActivityQuery query;
  query.everyone = true;
  query.to = *split + horizon;
  auto activity = (*store)->ReadActivity(query);
  if (!activity.ok()) return Fail(activity.status().message());
  if (Status st = DropExcluded(**store, *activity); !st.ok()) return Fail(st.message());
  const auto result = insights::EvaluateWhoKnowsWhom(*activity, *split, horizon);
  if (args.json) {
    ordered_json out{
        {"known_contacts", SetJson(result.known_contacts)},
        {"new_contacts_at_known_accounts", SetJson(result.new_contacts_at_known_accounts)}};
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print(
      "Who Knows Whom, learnt before {}, tested on the {} days after; {} colleagues "
      "ranked per query, from {} messages and {} meetings\n",
      IsoDate(*split), args.horizon, result.internal_users, activity->mail.size(),
      activity->meetings.size());
  PrintSet("known contacts", result.known_contacts);
  PrintSet("new contacts at known accounts", result.new_contacts_at_known_accounts);
  return 0;
}

}  // namespace rapport::cli
