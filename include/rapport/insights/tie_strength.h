// TieStrength: how strong the tie between an internal user u and an external person c is, from
// their interactions (SPEC §4.1). docs/strength.md gives the formula and why each term is there.
//
// Contract: a pure function of the interactions and the "as of" time. Interactions after as_of
// are ignored. Every interaction's weight is positive and decays with age, so more interactions,
// or more recent ones, never lower the strength; the result does not depend on the order of the
// interactions. One-way traffic -- c wrote to u, and u never wrote to c, answered, or met c -- is
// no relationship: strength 0 (its raw score is kept: it still ranks u above someone c never
// wrote to). The defaults are the ones `rapport eval wkw` chose on Enron (docs/strength.md).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rapport::insights {

enum class InteractionKind {
  kEmailToContact,    // u -> c
  kEmailFromContact,  // c -> u
  kReplyToContact,    // u -> c, in reply to a message of c's
  kReplyFromContact,  // c -> u, in reply to a message of u's
  kMeeting,           // both attended (not cancelled, neither declined)
};

struct Interaction {
  InteractionKind kind = InteractionKind::kEmailToContact;
  int64_t at = 0;        // UTC seconds
  int participants = 2;  // everyone in it: sender and recipients, or attendees (>= 2)
};

struct TieParameters {
  double email_to = 1.0;     // u wrote: u invested in the tie
  double email_from = 1.25;  // c wrote: c chose u, and whom c writes to is whom c will write to
  double reply_to = 1.5;     // a reply shows a conversation, not a broadcast (1.5 x email)
  double reply_from = 1.9;
  double meeting = 2.0;         // time spent together
  double half_life_days = 730;  // an interaction counts half after two years
  // A term is divided by (other participants)^exponent: a message to many says less per pair.
  double participant_exponent = 0.1;
  double saturation = 8.0;  // raw score at which strength is 1 - 1/e (0.63)
};

enum class TieLabel { kStrong, kFamiliar, kWeak };
std::string_view TieLabelName(TieLabel label);  // "strong", "familiar", "weak"
TieLabel LabelFor(double strength);             // >= 0.7, 0.4 .. 0.7, < 0.4

// The explanation shown with a strength: counts by kind, first and last interaction, and what
// each kind (InteractionKind's order) added to the raw score (the five add up to it).
struct TieExplanation {
  int emails_to = 0, emails_from = 0, replies_to = 0, replies_from = 0, meetings = 0;
  std::optional<int64_t> first, last;
  std::array<double, 5> weight_by_kind{};
};

struct TieStrength {
  double strength = 0;  // 0..1
  double raw = 0;       // sum of decayed, participant-divided weights (one-way traffic too)
  TieLabel label = TieLabel::kWeak;
  TieExplanation explanation;
};

TieStrength ComputeTieStrength(std::span<const Interaction> interactions, int64_t as_of,
                               const TieParameters& parameters = {});

// What one interaction (at or before `as_of`) adds to the raw score: the raw score is the sum of
// its interactions' terms, smallest first.
double TieTerm(const Interaction& interaction, int64_t as_of, const TieParameters& parameters = {});

// ComputeTieStrength(...).raw alone, bit for bit, without the explanation: the learned ranker's
// features need only the score, for every candidate of a request (wkw_history.cc).
double TieRawScore(std::span<const Interaction> interactions, int64_t as_of,
                   const TieParameters& parameters = {});

// Why a tie is as strong as it is: the kinds of interaction that weighed most, largest first (at
// most `most`, each at least 5 % of the raw score), as phrases with their count and share:
// "wrote to them 43 times (81 %)", "met them once (19 %)". Shares are rounded half away from
// zero to whole percents. Empty for a tie with no interaction.
std::vector<std::string> TieReasons(const TieStrength& tie, size_t most = 3);

}  // namespace rapport::insights
