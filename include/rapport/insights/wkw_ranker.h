// WkwRanker: what Who Knows Whom ranks and explains with in one tenant, learned by
// `rapport train` from the tenant's own history and kept in its store (issue 20).
//
// Contract:
// * TrainWkwRanker reads every tie through the tie index (brought up to date first), people
//   excluded from identifiable insights left out, and fits the learned model (wkw_model.h) with
//   labels ending at the data's end: that fit also calibrates the formula's raw score into the
//   chance of dealing with a contact within the horizon (WkwModel::direct_chance).
// * It then checks which ranker is better on the tenant's own newest mail: both fitted again
//   with labels ending one horizon before the data's end, then tested on that horizon as
//   `rapport eval wkw` tests (the colleagues in the ties are the ones ranked). The learned model
//   ranks only when its MRR is higher than the formula's on known contacts and, when there are
//   at least kMinNewQueries of them, on new contacts at known accounts. Otherwise the formula
//   ranks, and the model only gives the chance shown. The figures and a sentence saying why
//   are kept.
// * Too little history: FailedPrecondition saying what is missing; nothing is saved.
// * Kept as one tenant setting (JSON). Load gives nullopt when there is none, or when it was
//   written by a rapport with other features (train again).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rapport/consent/policy.h"
#include "rapport/insights/wkw_model.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::insights {

inline constexpr int kMinNewQueries = 20;
inline constexpr int kMinKnownQueries = 30;
// A ranker older than this, measured in data (not in wall time), is trained again after an
// ingest or a sync.
inline constexpr int64_t kRankerStaleSeconds = 30 * 86400;

struct WkwRankerCheck {
  int64_t split = 0;  // labels before it, tested on [split, split + horizon)
  int known_queries = 0, new_queries = 0;
  double known_formula = 0, known_learned = 0;  // MRR
  double new_formula = 0, new_learned = 0;
};

struct WkwRanker {
  int64_t trained_at = 0;  // UTC seconds
  int64_t data_up_to = 0;  // where its history ends (the 99.9th percentile of interaction times)
  WkwModel model;          // labels ending at data_up_to
  bool learned_ranks = false;
  std::string why;  // which ranker ranks, and why
  std::optional<WkwRankerCheck> check;
};

Result<WkwRanker> TrainWkwRanker(store::Store& store, consent::PolicyDecisionPoint& policy,
                                 int64_t now);

Result<std::optional<WkwRanker>> LoadWkwRanker(store::Store& store);
Status SaveWkwRanker(store::Store& store, const WkwRanker& ranker);

// Whether an ingest or a sync should train: there is no ranker (or one this build cannot read),
// or the store's latest activity (at or before `now`) is kRankerStaleSeconds past its data.
Result<bool> WkwRankerStale(store::Store& store, int64_t now);

// The ranker as JSON (what is saved; `rapport train --json` prints it).
std::string WkwRankerJson(const WkwRanker& ranker);

}  // namespace rapport::insights
