#include "rapport/insights/tie_strength.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace rapport::insights {
namespace {

double WeightOf(InteractionKind kind, const TieParameters& p) {
  switch (kind) {
    case InteractionKind::kEmailToContact:
      return p.email_to;
    case InteractionKind::kEmailFromContact:
      return p.email_from;
    case InteractionKind::kReplyToContact:
      return p.reply_to;
    case InteractionKind::kReplyFromContact:
      return p.reply_from;
    case InteractionKind::kMeeting:
      return p.meeting;
  }
  return 0;
}

void Count(InteractionKind kind, TieExplanation& e) {
  switch (kind) {
    case InteractionKind::kEmailToContact:
      ++e.emails_to;
      break;
    case InteractionKind::kEmailFromContact:
      ++e.emails_from;
      break;
    case InteractionKind::kReplyToContact:
      ++e.replies_to;
      break;
    case InteractionKind::kReplyFromContact:
      ++e.replies_from;
      break;
    case InteractionKind::kMeeting:
      ++e.meetings;
      break;
  }
}

}  // namespace

// What one interaction adds to the raw score.
double TieTerm(const Interaction& i, int64_t as_of, const TieParameters& p) {
  const double age_days = static_cast<double>(as_of - i.at) / 86400.0;
  const double decay = std::exp2(-age_days / p.half_life_days);
  // A message to 10 people or a meeting of 10 says less about each pair than a one-to-one.
  // pow(1, x) is 1 exactly: a one-to-one skips it.
  const int others = std::max(1, i.participants - 1);
  const double crowd = others == 1 ? 1.0 : std::pow(others, p.participant_exponent);
  return WeightOf(i.kind, p) * decay / crowd;
}

std::string_view TieLabelName(TieLabel label) {
  switch (label) {
    case TieLabel::kStrong:
      return "strong";
    case TieLabel::kFamiliar:
      return "familiar";
    case TieLabel::kWeak:
      return "weak";
  }
  return "weak";
}

TieLabel LabelFor(double strength) {
  if (strength >= 0.7) return TieLabel::kStrong;
  if (strength >= 0.4) return TieLabel::kFamiliar;
  return TieLabel::kWeak;
}

TieStrength ComputeTieStrength(std::span<const Interaction> interactions, int64_t as_of,
                               const TieParameters& p) {
  TieStrength t;
  TieExplanation& e = t.explanation;
  std::vector<std::pair<double, size_t>> terms;  // (term, kind)
  terms.reserve(interactions.size());
  const Interaction* previous = nullptr;  // the tie index gives n equal interactions in a row
  double term = 0;
  for (const Interaction& i : interactions) {
    if (i.at > as_of) continue;  // the future is not evidence yet
    Count(i.kind, e);
    e.first = std::min(e.first.value_or(i.at), i.at);
    e.last = std::max(e.last.value_or(i.at), i.at);
    if (!previous || previous->at != i.at || previous->kind != i.kind ||
        previous->participants != i.participants) {
      term = TieTerm(i, as_of, p);
      previous = &i;
    }
    terms.emplace_back(term, static_cast<size_t>(i.kind));
  }
  // Summed in a fixed order (ascending), so the result is bit-for-bit the same whatever order
  // the mail was ingested in; small terms first also loses the least precision.
  std::sort(terms.begin(), terms.end());
  for (const auto& [term, kind] : terms) {
    t.raw += term;
    e.weight_by_kind[kind] += term;
  }
  // u must have taken part: written, answered or met. Mail only from c is not a relationship,
  // though its raw score still says who c turns to (the ranking uses it; see StrongerTie).
  const bool two_way = e.emails_to + e.replies_to + e.meetings > 0;
  t.strength = two_way ? 1.0 - std::exp(-t.raw / p.saturation) : 0.0;
  t.label = LabelFor(t.strength);
  return t;
}

// The same sum as ComputeTieStrength's: equal terms are interchangeable, so ordering the values
// alone gives the same ascending sum.
double TieRawScore(std::span<const Interaction> interactions, int64_t as_of,
                   const TieParameters& p) {
  std::vector<double> terms;
  terms.reserve(interactions.size());
  for (const Interaction& i : interactions) {
    if (i.at <= as_of) terms.push_back(TieTerm(i, as_of, p));
  }
  std::sort(terms.begin(), terms.end());
  double raw = 0;
  for (double term : terms) raw += term;
  return raw;
}

std::vector<std::string> TieReasons(const TieStrength& tie, size_t most) {
  const TieExplanation& e = tie.explanation;
  if (tie.raw <= 0) return {};
  const int counts[] = {e.emails_to, e.emails_from, e.replies_to, e.replies_from, e.meetings};
  constexpr const char* kPhrases[] = {"wrote to them", "heard from them", "answered them",
                                      "was answered", "met them"};
  std::vector<size_t> kinds;
  for (size_t k = 0; k < 5; ++k) {
    if (counts[k] > 0 && e.weight_by_kind[k] >= 0.05 * tie.raw) kinds.push_back(k);
  }
  std::stable_sort(kinds.begin(), kinds.end(),
                   [&](size_t a, size_t b) { return e.weight_by_kind[a] > e.weight_by_kind[b]; });
  if (kinds.size() > most) kinds.resize(most);
  std::vector<std::string> out;
  for (size_t k : kinds) {
    const int n = counts[k];
    const std::string times = n == 1 ? "once" : n == 2 ? "twice" : std::to_string(n) + " times";
    const long percent = std::lround(100.0 * e.weight_by_kind[k] / tie.raw);
    out.push_back(std::string(kPhrases[k]) + " " + times + " (" + std::to_string(percent) + " %)");
  }
  return out;
}

}  // namespace rapport::insights
