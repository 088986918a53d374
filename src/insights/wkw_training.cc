// Training the learned Who Knows Whom ranker (wkw_model.h): examples from past cut-offs, then
// L2-regularised logistic regression by Newton's method.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "rapport/insights/wkw_model.h"

namespace rapport::insights {
namespace {

constexpr int64_t kDay = 86400;
constexpr double kRidge = 1.0;  // on standardised features; the intercept is not penalised

struct Examples {
  std::vector<WkwFeatures> x;
  std::vector<double> y, w;
  std::vector<int64_t> group;  // one per (cut-off, contact)
};

// A number in [0, 1) fixed by (cut-off, user, contact): which negatives are kept does not depend
// on the order anything was read in.
double Uniform(int64_t cutoff, int64_t user, int64_t contact) {
  uint64_t z = static_cast<uint64_t>(cutoff) * 0x9e3779b97f4a7c15ULL ^
               static_cast<uint64_t>(user) * 0xbf58476d1ce4e5b9ULL ^
               static_cast<uint64_t>(contact) * 0x94d049bb133111ebULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) / 9007199254740992.0;
}

bool AnyIn(std::span<const Interaction> list, int64_t from, int64_t to) {
  auto it = std::lower_bound(list.begin(), list.end(), from,
                             [](const Interaction& i, int64_t t) { return i.at < t; });
  return it != list.end() && it->at < to;
}

// One (cut-off, contact, candidate) the model learns from.
struct Candidate {
  int64_t cutoff, contact, user;
  const std::string* organisation;
  bool label;  // dealt with the contact within the horizon after the cut-off
};

// Every candidate the model learns from: at each cut-off, the contacts someone dealt with in the
// year before it or within the horizon after it, and their candidates (WkwHistory).
std::vector<Candidate> Candidates(const WkwHistory& h,
                                  const std::unordered_map<int64_t, std::string>& org_of,
                                  const std::vector<int64_t>& cutoffs, int64_t horizon) {
  std::set<int64_t> contacts;
  for (const auto& t : h.ties()) contacts.insert(t.contact);
  static const std::string kNone;
  std::vector<Candidate> out;
  for (int64_t cutoff : cutoffs) {
    for (int64_t contact : contacts) {
      auto org = org_of.find(contact);
      const std::string& organisation = org == org_of.end() ? kNone : org->second;
      const auto users = h.CandidatesAt(contact, organisation, cutoff);
      const bool active = std::any_of(users.begin(), users.end(), [&](int64_t user) {
        return AnyIn(h.Pair(user, contact), cutoff - 365 * kDay, cutoff + horizon);
      });
      if (!active) continue;
      for (int64_t user : users) {
        const bool label = AnyIn(h.Pair(user, contact), cutoff, cutoff + horizon);
        out.push_back({cutoff, contact, user, &organisation, label});
      }
    }
  }
  return out;
}

// Solves A v = b for a symmetric positive definite A (Cholesky); false when A is not.
template <size_t N>
bool Solve(std::array<std::array<double, N>, N> a, std::array<double, N>& b) {
  for (size_t j = 0; j < N; ++j) {
    double d = a[j][j];
    for (size_t k = 0; k < j; ++k) d -= a[j][k] * a[j][k];
    if (d <= 0) return false;
    a[j][j] = std::sqrt(d);
    for (size_t i = j + 1; i < N; ++i) {
      double s = a[i][j];
      for (size_t k = 0; k < j; ++k) s -= a[i][k] * a[j][k];
      a[i][j] = s / a[j][j];
    }
  }
  for (size_t i = 0; i < N; ++i) {  // L y = b
    for (size_t k = 0; k < i; ++k) b[i] -= a[i][k] * b[k];
    b[i] /= a[i][i];
  }
  for (size_t i = N; i-- > 0;) {  // L^T v = y
    for (size_t k = i + 1; k < N; ++k) b[i] -= a[k][i] * b[k];
    b[i] /= a[i][i];
  }
  return true;
}

// Weighted logistic regression by Newton's method; `ridge[j]` penalises coefficient j.
// `for_each_row(visit)` calls visit(row, y, w) for every row, in the same order each time: rows
// may be made as they are visited (FitWeights' pairs would not fit in memory at 10M messages).
template <size_t N, typename ForEachRow>
std::array<double, N> Logistic(const ForEachRow& for_each_row, const std::array<double, N>& ridge) {
  std::array<double, N> beta{};
  for (int iteration = 0; iteration < 50; ++iteration) {
    std::array<std::array<double, N>, N> hessian{};
    std::array<double, N> gradient{};
    for (size_t j = 0; j < N; ++j) {
      hessian[j][j] = ridge[j];
      gradient[j] = -ridge[j] * beta[j];
    }
    for_each_row([&](const std::array<double, N>& row, double y, double w) {
      double eta = 0;
      for (size_t j = 0; j < N; ++j) eta += beta[j] * row[j];
      const double p = 1.0 / (1.0 + std::exp(-eta));
      const double r = w * (y - p), v = w * p * (1 - p);
      for (size_t j = 0; j < N; ++j) {
        gradient[j] += r * row[j];
        for (size_t k = 0; k <= j; ++k) hessian[j][k] += v * row[j] * row[k];
      }
    });
    for (size_t j = 0; j < N; ++j) {
      for (size_t k = j + 1; k < N; ++k) hessian[j][k] = hessian[k][j];
    }
    if (!Solve(hessian, gradient)) break;
    double step = 0;
    for (size_t j = 0; j < N; ++j) {
      beta[j] += gradient[j];
      step = std::max(step, std::fabs(gradient[j]));
    }
    if (step < 1e-9) break;
  }
  return beta;
}

// Logistic over rows held in vectors.
template <size_t N>
std::array<double, N> Logistic(const std::vector<std::array<double, N>>& rows,
                               const std::vector<double>& y, const std::vector<double>& w,
                               const std::array<double, N>& ridge) {
  return Logistic<N>(
      [&](const auto& visit) {
        for (size_t i = 0; i < rows.size(); ++i) visit(rows[i], y[i], w[i]);
      },
      ridge);
}

void Standardise(const Examples& e, WkwModel& m) {
  double total = 0;
  for (double w : e.w) total += w;
  for (size_t j = 0; j < kWkwFeatures; ++j) {
    double mean = 0, var = 0;
    for (size_t i = 0; i < e.x.size(); ++i) mean += e.w[i] * e.x[i][j];
    mean /= total;
    for (size_t i = 0; i < e.x.size(); ++i) var += e.w[i] * (e.x[i][j] - mean) * (e.x[i][j] - mean);
    const double sd = std::sqrt(var / total);
    m.mean[j] = mean;
    m.scale[j] = sd > 1e-12 ? sd : 1.0;  // a constant feature: weight 0 by the ridge
  }
}

WkwFeatures Standardised(const WkwModel& m, const WkwFeatures& x) {
  WkwFeatures z;
  for (size_t j = 0; j < kWkwFeatures; ++j) z[j] = (x[j] - m.mean[j]) / m.scale[j];
  return z;
}

// The weights order colleagues within one contact's candidates: logistic regression on the
// differences between a colleague who dealt with the contact and one who did not, at the same
// cut-off (RankNet with a linear score). Each contact's pairs weigh 1 in all, so a contact with
// many candidates does not drown the others; a pair's orientation is fixed by a hash. The pairs
// are made afresh at each Newton step, not kept: at 10M messages there were tens of millions
// (128 bytes each: most of `rapport train`'s 6.7 GB).
void FitWeights(const Examples& e, WkwModel& m) {
  std::map<int64_t, std::pair<std::vector<size_t>, std::vector<size_t>>> groups;
  for (size_t i = 0; i < e.x.size(); ++i) {
    (e.y[i] > 0 ? groups[e.group[i]].first : groups[e.group[i]].second).push_back(i);
  }
  std::vector<WkwFeatures> z;
  z.reserve(e.x.size());
  for (const auto& x : e.x) z.push_back(Standardised(m, x));
  const auto pairs = [&](const auto& visit) {
    for (const auto& [group, members] : groups) {
      const auto& [pos, neg] = members;
      if (pos.empty() || neg.empty()) continue;
      const double weight = 1.0 / static_cast<double>(pos.size() * neg.size());
      for (size_t i : pos) {
        for (size_t k : neg) {
          const bool flip = Uniform(group, static_cast<int64_t>(i), static_cast<int64_t>(k)) < 0.5;
          WkwFeatures d;
          for (size_t j = 0; j < kWkwFeatures; ++j) {
            d[j] = flip ? z[k][j] - z[i][j] : z[i][j] - z[k][j];
          }
          visit(d, flip ? 0.0 : 1.0, weight);
        }
      }
    }
  };
  WkwFeatures ridge;
  ridge.fill(kRidge);
  m.weights = Logistic<kWkwFeatures>(pairs, ridge);
}

// The score's meaning: the chance of dealing with the contact, fitted on every example (Platt
// scaling: a logistic regression of the label on the score). A positive slope keeps the order.
void Calibrate(const Examples& e, WkwModel& m) {
  std::vector<std::array<double, 2>> rows;
  for (const auto& x : e.x) {
    const WkwFeatures z = Standardised(m, x);
    double score = 0;
    for (size_t j = 0; j < kWkwFeatures; ++j) score += m.weights[j] * z[j];
    rows.push_back({score, 1.0});
  }
  const auto ab = Logistic<2>(rows, e.y, e.w, {1e-6, 0.0});
  m.slope = ab[0] > 1e-9 ? ab[0] : 1e-9;
  m.intercept = ab[1];
}

// The formula's raw score, calibrated the same way: one curve per group the formula ranks.
ChanceCurve FitChance(const Examples& e, bool direct) {
  std::vector<std::array<double, 2>> rows;
  std::vector<double> y, w;
  for (size_t i = 0; i < e.x.size(); ++i) {
    if (DealtWithContact(e.x[i]) != direct) continue;
    rows.push_back({direct ? DirectFormula(e.x[i]) : AccountFormula(e.x[i]), 1.0});
    y.push_back(e.y[i]);
    w.push_back(e.w[i]);
  }
  if (rows.empty()) return {};
  const auto ab = Logistic<2>(rows, y, w, {1e-6, 0.0});
  return {ab[0] > 1e-9 ? ab[0] : 1e-9, ab[1]};
}

}  // namespace

double ChanceCurve::At(double raw) const {
  return 1.0 / (1.0 + std::exp(-(intercept + slope * std::log1p(raw))));
}

WkwFeatures WkwModel::Contributions(const WkwFeatures& x) const {
  WkwFeatures c{};
  for (size_t j = 0; j < kWkwFeatures; ++j) c[j] = slope * weights[j] * (x[j] - mean[j]) / scale[j];
  return c;
}

double WkwModel::Probability(const WkwFeatures& x) const {
  double eta = intercept;
  for (double c : Contributions(x)) eta += c;
  return 1.0 / (1.0 + std::exp(-eta));
}

std::optional<WkwModel> TrainWkwModel(const WkwHistory& history,
                                      const std::unordered_map<int64_t, std::string>& org_of,
                                      int64_t until, const WkwTrainingOptions& options,
                                      std::string* reason) {
  const int64_t horizon = int64_t{options.horizon_days} * kDay;
  int64_t earliest = until;
  for (const auto& t : history.ties()) {
    if (!t.interactions.empty()) earliest = std::min(earliest, t.interactions.front().at);
  }
  WkwModel model;
  model.horizon_days = options.horizon_days;
  // A cut-off needs some history before it (a month) and its whole horizon before `until`.
  for (int k = 0; k < options.cutoffs; ++k) {
    const int64_t cutoff = until - horizon - int64_t{k} * options.step_days * kDay;
    if (cutoff - 30 * kDay < earliest) break;
    model.cutoffs.push_back(cutoff);
  }
  auto candidates = Candidates(history, org_of, model.cutoffs, horizon);
  const auto positives = static_cast<int64_t>(std::count_if(
      candidates.begin(), candidates.end(), [](const Candidate& c) { return c.label; }));
  if (positives < options.min_positives) {
    if (reason) {
      *reason = std::to_string(positives) + " colleague-contact pairs to learn from (" +
                std::to_string(options.min_positives) + " needed): less than " +
                std::to_string(options.horizon_days) + " days of mail after a month of history";
    }
    return std::nullopt;
  }
  // Above max_examples, whole (cut-off, contact) groups are kept at random (by a hash, so the
  // same history gives the same model): a group's positives and negatives stay together, which
  // the pairwise fit needs. Without it a 5M-message store trained on 2.7M examples (98 s, 4.4 GB).
  const double group_rate =
      candidates.size() <= options.max_examples
          ? 1.0
          : static_cast<double>(options.max_examples) / static_cast<double>(candidates.size());
  std::erase_if(candidates, [&](const Candidate& c) {
    return group_rate < 1.0 && Uniform(c.cutoff, 0, c.contact) >= group_rate;
  });
  const auto kept_positives = static_cast<int64_t>(std::count_if(
      candidates.begin(), candidates.end(), [](const Candidate& c) { return c.label; }));
  const auto kept_negatives = static_cast<int64_t>(candidates.size()) - kept_positives;
  const auto room = static_cast<double>(options.max_examples) - static_cast<double>(kept_positives);
  const double rate =
      kept_negatives == 0 ? 1.0 : std::clamp(room / static_cast<double>(kept_negatives), 0.01, 1.0);
  Examples e;
  std::map<std::pair<int64_t, int64_t>, int64_t> groups;
  for (const Candidate& c : candidates) {
    if (!c.label && Uniform(c.cutoff, c.user, c.contact) >= rate) continue;
    e.x.push_back(history.FeaturesAt(c.user, c.contact, *c.organisation, c.cutoff));
    e.y.push_back(c.label ? 1.0 : 0.0);
    e.w.push_back(c.label ? 1.0 : 1.0 / rate);
    auto [at, added] =
        groups.emplace(std::make_pair(c.cutoff, c.contact), static_cast<int64_t>(groups.size()));
    e.group.push_back(at->second);
  }
  model.examples = static_cast<int64_t>(e.x.size());
  model.positives = positives;
  Standardise(e, model);
  FitWeights(e, model);
  Calibrate(e, model);
  model.direct_chance = FitChance(e, true);
  model.via_account_chance = FitChance(e, false);
  return model;
}

}  // namespace rapport::insights
