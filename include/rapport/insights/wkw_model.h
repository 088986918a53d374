// WkwModel: Who Knows Whom's ranker learned from a tenant's own history (issue 20). For a
// colleague u and a contact c at time t it gives the chance that u deals with c (an e-mail either
// way or a meeting) within the next `horizon_days`, from what happened before t.
//
// Contract:
// * Features (WkwFeatureName) are computed from interactions strictly before t: u's with c at
//   three half-lives, each direction, replies, meetings, recency, the tie's age, crowding; u's
//   with the other people at c's organisation (account familiarity); and the formula's raw score
//   (tie_strength.h). Only the ties of c and of c's organisation, so that Who Knows Whom computes
//   them from what it reads anyway (u's overall activity was tried: within noise on Enron). A
//   colleague with none of them scores the model's floor, the same for all.
// * The score is linear in standardised features, its weights fitted to rank: L2-regularised
//   logistic regression (Newton's method) on the feature differences between a colleague who
//   dealt with a contact within the horizon and one who did not, at the same cut-off (each
//   contact's pairs weigh 1 in all). It is then calibrated into a probability (Platt scaling on
//   every example), which keeps the order. Deterministic (the same examples give the same
//   weights bit for bit), one dot product per colleague, and explainable: the log-odds are the
//   intercept plus one contribution per feature (Contributions).
// * Training examples (TrainWkwModel) come from cut-offs t whose labels, [t, t + horizon), end
//   no later than the `until` given: the period an evaluation tests is never seen. Every
//   colleague with an interaction with a contact, or with its organisation, before t is a
//   candidate; contacts someone dealt with in the year before t or the horizon after it are
//   used; negatives are sampled (and weighted) above `max_examples`, by a hash of (t, colleague,
//   contact), so the same history gives the same model bit for bit.
// * Ranking: colleagues who dealt with the contact itself come before those who only dealt with
//   its organisation (as with the formula: DealtWithContact), each group by probability.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rapport/insights/ties.h"

namespace rapport::insights {

inline constexpr size_t kWkwFeatures = 16;
using WkwFeatures = std::array<double, kWkwFeatures>;

// A short name (the eval's JSON, docs).
std::string_view WkwFeatureName(size_t feature);

// Whether the features show an interaction with the contact itself (not only its organisation).
bool DealtWithContact(const WkwFeatures& x);

// The formula's raw score (tie_strength.h), as log(1 + raw): of the colleague's tie to the
// contact, and of their ties to the rest of the contact's organisation together.
double DirectFormula(const WkwFeatures& x);
double AccountFormula(const WkwFeatures& x);

// What a raw score means: the chance of dealing with the contact within the horizon,
// sigmoid(intercept + slope x log(1 + raw)). The slope is positive, so the chance orders as the
// raw score does and never saturates while raw grows.
struct ChanceCurve {
  double slope = 0, intercept = 0;
  double At(double raw) const;
};

// What the features are computed from: the ties of every colleague with every external person
// (CollectTies) and each external person's organisation domain ("" when it forms no account:
// free mail, no domain). Indexes them once, so features at many times and for many pairs are
// cheap.
class WkwHistory {
 public:
  // With `prepared_at`, FeaturesAt(..., *prepared_at) computes what the account features need of
  // a colleague's interactions at an organisation (their decays and formula terms) once, the
  // first time it is asked (safely from many threads), so that later calls for other contacts
  // there -- a kept organisation's requests -- are a pass over numbers: the same features, bit
  // for bit. Other times are computed as without it.
  WkwHistory(std::vector<TieInteractions> ties,
             const std::unordered_map<int64_t, std::string>& organisation_of,
             std::optional<int64_t> prepared_at = std::nullopt);

  // The features of (user, contact) at `at`. `contact` may have no ties yet (a new contact at a
  // known account); `organisation` is the contact's.
  WkwFeatures FeaturesAt(int64_t user, int64_t contact, const std::string& organisation,
                         int64_t at) const;

  // Colleagues with an interaction before `at` with the contact or anyone else at its
  // organisation: the ones the model can tell apart from the floor. Sorted by id.
  std::vector<int64_t> CandidatesAt(int64_t contact, const std::string& organisation,
                                    int64_t at) const;

  const std::vector<TieInteractions>& ties() const { return ties_; }
  // The interactions of (user, contact), empty when none.
  std::span<const Interaction> Pair(int64_t user, int64_t contact) const;

 private:
  struct Touch {
    int64_t at;
    int64_t contact;
    Interaction interaction;
  };
  // One colleague's interactions at one organisation before the prepared time, filled once by
  // the first reader.
  struct Prepared {
    struct Step {
      int64_t at, contact;
      double year;  // the decay over a year's half-life
    };
    std::once_flag filled;
    std::vector<Step> steps;                        // by time, as the touches
    std::vector<std::pair<double, int64_t>> terms;  // (formula term, contact), smallest first
    std::vector<int64_t> year_people;               // contacts within a year, sorted
  };
  static void AccountFeatures(const std::vector<Touch>& touches, int64_t contact, int64_t at,
                              WkwFeatures& x);
  static void Fill(const std::vector<Touch>& touches, int64_t at, Prepared& prepared);
  static void PreparedFeatures(const Prepared& prepared, int64_t contact, int64_t at,
                               WkwFeatures& x);

  std::vector<TieInteractions> ties_;                                  // by (user, contact)
  std::unordered_map<int64_t, std::vector<size_t>> users_of_contact_;  // contact -> ties_ indices
  // organisation -> (user, their first interaction with anyone there), by user.
  std::unordered_map<std::string, std::vector<std::pair<int64_t, int64_t>>> users_of_organisation_;
  // (user, organisation) -> every interaction with anyone there, by time; what of it the prepared
  // time needs.
  struct Account {
    std::vector<Touch> touches;
    mutable Prepared prepared;
  };
  std::map<std::pair<int64_t, std::string>, Account> account_;
  std::optional<int64_t> prepared_at_;
};

struct WkwModel {
  int horizon_days = 90;
  std::vector<int64_t> cutoffs;  // the training cut-offs, newest first
  int64_t examples = 0, positives = 0;
  WkwFeatures mean{}, scale{};      // standardisation
  WkwFeatures weights{};            // the ranking score: weights . standardised features
  double slope = 1, intercept = 0;  // the score's calibration into a probability
  // The formula's raw score calibrated on the same examples: for colleagues who dealt with the
  // contact (the raw score of that tie), and for those who only dealt with others at its
  // organisation (the raw score of those ties).
  ChanceCurve direct_chance, via_account_chance;

  // The chance u deals with c within the horizon: sigmoid(intercept + sum of Contributions).
  double Probability(const WkwFeatures& x) const;
  // Each feature's contribution to the log-odds: slope x weight x standardised value.
  WkwFeatures Contributions(const WkwFeatures& x) const;
};

// The defaults were chosen on Enron (docs/strength.md): a 90-day horizon, cut-offs two weeks
// apart over 14 months; a 180-day horizon or cut-offs 30 or 90 days apart ranked no better.
struct WkwTrainingOptions {
  int horizon_days = 90;
  int cutoffs = 30;  // at most this many, `step_days` apart, newest first
  int step_days = 14;
  size_t max_examples = 200000;  // negatives are sampled (and weighted) above this
  int min_positives = 30;        // fewer: no model (the formula is used, and says so)
};

// The model learned from `history` with labels ending no later than `until`; nullopt (and why
// in `reason`) when there is too little history.
std::optional<WkwModel> TrainWkwModel(
    const WkwHistory& history, const std::unordered_map<int64_t, std::string>& organisation_of,
    int64_t until, const WkwTrainingOptions& options, std::string* reason);

}  // namespace rapport::insights
