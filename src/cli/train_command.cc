// `rapport train`: the Who Knows Whom ranker learned from the store's own history (issue 20), and
// the training an ingest or a sync runs when the ranker is stale.
#include <fmt/core.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/insight_runs.h"
#include "rapport/consent/consent_ledger.h"
#include "rapport/consent/policy.h"
#include "rapport/insights/tie_index.h"
#include "rapport/insights/wkw_ranker.h"

namespace rapport::cli {
namespace {

// Training reads everyone's ties, so it needs what Who Knows Whom needs; it keeps only aggregate
// weights and scores, which name no one.
Result<bool> IdentifiableInForce(store::Store& store) {
  auto state = consent::ConsentLedger(store).State();
  if (!state.ok()) return state.status();
  return state->of(consent::ConsentType::kIdentifiable).in_force;
}

struct Trained {
  insights::WkwRanker ranker;
  double seconds = 0;
};

Result<Trained> Train(store::Store& store) {
  const auto start = std::chrono::steady_clock::now();
  auto refreshed = insights::RefreshTieIndex(store);  // training reads the index
  if (!refreshed.ok()) return refreshed.status();
  consent::PolicyDecisionPoint policy(store);
  auto ranker = insights::TrainWkwRanker(store, policy, Now());
  if (!ranker.ok()) return ranker.status();
  RAPPORT_RETURN_IF_ERROR(insights::SaveWkwRanker(store, *ranker));
  const auto end = std::chrono::steady_clock::now();
  return Trained{std::move(*ranker), std::chrono::duration<double>(end - start).count()};
}

// Whether an ingest or a sync should train: identifiable consent in force (nothing is ranked
// without it) and the ranker missing or stale.
Result<bool> TrainingDue(store::Store& store) {
  auto in_force = IdentifiableInForce(store);
  if (!in_force.ok() || !*in_force) return in_force;
  return insights::WkwRankerStale(store, Now());
}

}  // namespace

int RunTrain(const std::string& db, bool json) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto in_force = IdentifiableInForce(**store);
  if (!in_force.ok()) return Fail(in_force.status().message());
  if (!*in_force) {
    return Fail(
        "consent identifiable not in force: training reads identifiable ties "
        "(an admin grants it with rapport consent grant identifiable --by ADMIN)");
  }
  auto trained = Train(**store);
  if (!trained.ok()) return Fail(trained.status().message());
  const auto& r = trained->ranker;
  if (json) {
    auto doc = nlohmann::ordered_json::parse(insights::WkwRankerJson(r));
    doc["seconds"] = trained->seconds;
    fmt::print("{}\n", doc.dump(2));
    return 0;
  }
  fmt::print("Who Knows Whom ranker trained in {:.1f} s, on data up to {}\n", trained->seconds,
             IsoDate(r.data_up_to));
  fmt::print("  {} examples ({} dealt with the contact within {} days) at {} cut-offs\n",
             r.model.examples, r.model.positives, r.model.horizon_days, r.model.cutoffs.size());
  fmt::print("  {}\n", r.why);
  fmt::print(
      "  Who Knows Whom now shows each colleague's chance of dealing with a contact "
      "within {} days\n",
      r.model.horizon_days);
  return 0;
}

std::optional<nlohmann::ordered_json> TrainIfStale(store::Store& store) {
  auto due = TrainingDue(store);
  if (due.ok() && !*due) return std::nullopt;
  auto trained = due.ok() ? Train(store) : Result<Trained>(due.status());
  if (!trained.ok()) {
    // The mail is stored either way: too little history is the usual reason, and the formula
    // ranks until there is enough.
    nlohmann::ordered_json out;
    out["trained"] = false;
    out["reason"] = std::string(trained.status().message());
    return out;
  }
  nlohmann::ordered_json out;
  out["trained"] = true;
  out["seconds"] = trained->seconds;
  out["learned_ranks"] = trained->ranker.learned_ranks;
  out["why"] = trained->ranker.why;
  return out;
}

void PrintTraining(const nlohmann::ordered_json& trained) {
  if (trained.at("trained").get<bool>()) {
    fmt::print("ranker trained      {:>10.1f}  s ({})\n", trained.at("seconds").get<double>(),
               trained.at("why").get<std::string>());
  } else {
    fmt::print("ranker not trained  {}\n", trained.at("reason").get<std::string>());
  }
}

}  // namespace rapport::cli
