// `rapport eval wkw`: Who Knows Whom against frequency and recency on held-out mail (issue 6), the
// formula and the ranker learned from the store's own history (issue 20).
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

ordered_json IntervalJson(const insights::Interval& i) {
  return ordered_json::array({i.low, i.high});
}

ordered_json ScoresJson(const insights::RankingScores& r) {
  return {{"mrr", r.mrr},
          {"recall_at_1", r.recall_at_1},
          {"recall_at_5", r.recall_at_5},
          {"mrr_ci95", IntervalJson(r.mrr_ci)},
          {"recall_at_1_ci95", IntervalJson(r.recall_at_1_ci)},
          {"recall_at_5_ci95", IntervalJson(r.recall_at_5_ci)}};
}

ordered_json SetJson(const insights::QuerySetScores& s) {
  ordered_json out{{"queries", s.queries},
                   {"rapport", ScoresJson(s.rapport)},
                   {"frequency", ScoresJson(s.frequency)},
                   {"recency", ScoresJson(s.recency)}};
  if (s.learned) out["learned"] = ScoresJson(*s.learned);
  return out;
}

ordered_json ModelJson(const insights::WkwEvaluation& e) {
  if (!e.model) return {{"trained", false}, {"reason", e.no_model}};
  ordered_json weights = ordered_json::object();
  for (size_t j = 0; j < insights::kWkwFeatures; ++j) {
    weights[std::string(insights::WkwFeatureName(j))] = e.model->weights[j];
  }
  ordered_json cutoffs = ordered_json::array();
  for (int64_t c : e.model->cutoffs) cutoffs.push_back(IsoDate(c));
  return {{"trained", true},
          {"horizon_days", e.model->horizon_days},
          {"cutoffs", cutoffs},
          {"examples", e.model->examples},
          {"positives", e.model->positives},
          {"weights", weights}};
}

void PrintRow(const char* name, const insights::RankingScores& r) {
  fmt::print("  {:<10} {:>7.4f} [{:.4f}, {:.4f}] {:>9.4f} {:>9.4f}\n", name, r.mrr, r.mrr_ci.low,
             r.mrr_ci.high, r.recall_at_1, r.recall_at_5);
}

void PrintSet(const char* title, const insights::QuerySetScores& s) {
  fmt::print("{} ({} queries)\n", title, s.queries);
  fmt::print("  {:<10} {:>7} {:<18} {:>9} {:>9}\n", "ranking", "MRR", " (95 % interval)",
             "Recall@1", "Recall@5");
  PrintRow("rapport", s.rapport);
  if (s.learned) PrintRow("learned", *s.learned);
  PrintRow("frequency", s.frequency);
  PrintRow("recency", s.recency);
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
  std::vector<int64_t> splits;
  for (const auto& text : args.splits) {
    auto split = ParseUtc("--split", text);
    if (!split.ok()) return Usage(split.status().message());
    splits.push_back(*split);
  }
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  // The evaluation reads everyone's ties, so it needs what Who Knows Whom needs; it prints only
  // aggregate scores (and the learned model's weights, which name no one).
  auto state = consent::ConsentLedger(**store).State();
  if (!state.ok()) return Fail(state.status().message());
  if (!state->of(consent::ConsentType::kIdentifiable).in_force) {
    return Fail(
        "consent identifiable not in force: the evaluation reads identifiable ties "
        "(an admin grants it with rapport consent grant identifiable --by ADMIN)");
  }
  const int64_t horizon = int64_t{args.horizon} * 86400;
  const bool learned = args.model != "formula";
  ordered_json all = ordered_json::array();
  for (int64_t split : splits) {
    store::ActivityQuery query;
    query.everyone = true;
    query.to = split + horizon;
    auto activity = (*store)->ReadActivity(query);
    if (!activity.ok()) return Fail(activity.status().message());
    if (Status st = DropExcluded(**store, *activity); !st.ok()) return Fail(st.message());
    const auto result = insights::EvaluateWhoKnowsWhom(*activity, split, horizon, {}, learned);
    if (args.json) {
      ordered_json out{
          {"known_contacts", SetJson(result.known_contacts)},
          {"new_contacts_at_known_accounts", SetJson(result.new_contacts_at_known_accounts)},
          {"split", IsoDate(split)},
          {"horizon_days", args.horizon}};
      if (learned) out["model"] = ModelJson(result);
      all.push_back(std::move(out));
      continue;
    }
    fmt::print(
        "Who Knows Whom, learnt before {}, tested on the {} days after; {} colleagues "
        "ranked per query, from {} messages and {} meetings\n",
        IsoDate(split), args.horizon, result.internal_users, activity->mail.size(),
        activity->meetings.size());
    if (learned && result.model) {
      fmt::print("learned: from {} examples ({} dealt with) at {} cut-offs, the last {}\n",
                 result.model->examples, result.model->positives, result.model->cutoffs.size(),
                 IsoDate(result.model->cutoffs.front()));
    } else if (learned) {
      fmt::print("learned: none, {}; the formula ranks alone\n", result.no_model);
    }
    PrintSet("known contacts", result.known_contacts);
    PrintSet("new contacts at known accounts", result.new_contacts_at_known_accounts);
  }
  // One split: the object itself, as before; several: one object each.
  if (args.json) fmt::print("{}\n", (all.size() == 1 ? all.front() : all).dump(2));
  return 0;
}

}  // namespace rapport::cli
