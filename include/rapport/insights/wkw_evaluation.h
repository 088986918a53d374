// WkwEvaluation: does Who Knows Whom's ranking find the colleagues who will actually deal with a
// contact? Measured on held-out future mail against two baselines (issue 6, `rapport eval wkw`).
//
// Contract: only interactions before `split` rank; those in [split, split + horizon) decide
// who was relevant. Two query sets, scored separately:
//   known contacts -- external people with an interaction before the split and one after;
//   new contacts at known accounts -- external people with none before and one after, at a
//     non-free-mail organisation domain that had interactions before.
// For each query every internal user is ranked by rapport (the raw tie score to the contact,
// then to the rest of its organisation for those who never dealt with the contact; for a new
// contact, to the whole organisation), by frequency (count of interactions with the contact, or
// the organisation for a new contact) and by recency (latest interaction first). Ties, and users
// with no interaction, follow in person-id order, the same for all three. Interactions are those of
// CollectTies (bulk mail and role addresses make none).
// With `learned`, a fourth ranking: the model of wkw_model.h trained on this same activity with
// labels ending at the split (its cut-offs are its own horizon and more before it), so the test
// period is never seen; every colleague the model can score (WkwHistory::CandidatesAt) in the
// model's order, then everyone else in id order. Each mean comes with a 95 % bootstrap interval
// over queries (1,000 resamples, a fixed seed: the same activity gives the same intervals).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "rapport/insights/tie_strength.h"
#include "rapport/insights/wkw_model.h"
#include "rapport/store/activity.h"

namespace rapport::insights {

struct Interval {
  double low = 0, high = 0;
};

struct RankingScores {
  double mrr = 0;          // mean over queries of 1 / rank of the first relevant user
  double recall_at_1 = 0;  // mean share of the relevant users ranked first
  double recall_at_5 = 0;  // ... in the top 5
  Interval mrr_ci, recall_at_1_ci, recall_at_5_ci;
};

struct QuerySetScores {
  int queries = 0;
  RankingScores rapport, frequency, recency;
  std::optional<RankingScores> learned;
};

struct WkwEvaluation {
  QuerySetScores known_contacts;
  QuerySetScores new_contacts_at_known_accounts;
  int internal_users = 0;         // how many were ranked for each query
  std::optional<WkwModel> model;  // with `learned`, when there was enough history
  std::string no_model;           // ... and why not, when there was not
};

WkwEvaluation EvaluateWhoKnowsWhom(const store::Activity& everything, int64_t split,
                                   int64_t horizon_seconds, const TieParameters& parameters = {},
                                   bool learned = false);

// The same from ties already collected (CollectTies, or the tie index; interactions from
// split + horizon on are ignored): `organisation_of` gives the organisation of each external
// person whose organisation forms an account (not free mail), `users` every colleague ranked.
WkwEvaluation EvaluateTies(std::vector<TieInteractions> ties,
                           const std::unordered_map<int64_t, std::string>& organisation_of,
                           std::vector<int64_t> users, int64_t split, int64_t horizon_seconds,
                           const TieParameters& parameters = {}, bool learned = false);

}  // namespace rapport::insights
