#include "rapport/insights/wkw_evaluation.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <unordered_map>

#include "ingest/identity/mail_domains.h"
#include "rapport/insights/ties.h"

namespace rapport::insights {
namespace {

// One user's history with a query's contact (or domain) before the split.
struct Evidence {
  std::vector<Interaction> interactions;
  int64_t latest = 0;
};
using EvidenceByUser = std::map<int64_t, Evidence>;

struct Query {
  const EvidenceByUser* direct = nullptr;   // who had dealt with the contact before the split
  const EvidenceByUser* account = nullptr;  // ... with anyone at its organisation (not free mail)
  std::set<int64_t> after;  // who dealt with the contact within the horizon: the relevant users
  int64_t contact = 0;
  std::string organisation;  // "" when it forms no account
};

enum class Ranker { kRapport, kFrequency, kRecency };

// What the learned ranking needs: the model and the history it reads features from.
struct Learned {
  const WkwHistory& history;
  const WkwModel& model;
};

// One group of users in rank order.
void RankGroup(const EvidenceByUser& evidence, const std::set<int64_t>& skip, int64_t split,
               Ranker ranker, const TieParameters& parameters, std::vector<int64_t>& out) {
  struct Scored {
    int64_t user;
    double raw;  // the formula's raw score: what orders its ranking
    size_t count;
    int64_t latest;
  };
  std::vector<Scored> scored;
  for (const auto& [user, e] : evidence) {
    if (skip.count(user)) continue;
    scored.push_back(
        {user, ranker == Ranker::kRapport ? TieRawScore(e.interactions, split, parameters) : 0.0,
         e.interactions.size(), e.latest});
  }
  std::sort(scored.begin(), scored.end(), [&](const Scored& a, const Scored& b) {
    if (ranker == Ranker::kRapport && a.raw != b.raw) return a.raw > b.raw;
    if (ranker == Ranker::kFrequency && a.count != b.count) return a.count > b.count;
    if (ranker == Ranker::kRecency && a.latest != b.latest) return a.latest > b.latest;
    return a.user < b.user;
  });
  for (const auto& s : scored) out.push_back(s.user);
}

// The users a ranker scores, in rank order; everyone else follows in id order. The baselines
// use the contact's own history when there is one, else the organisation's; rapport uses the
// contact's, then the organisation's for those who never dealt with the contact.
std::vector<int64_t> Rank(const Query& q, int64_t split, Ranker ranker,
                          const TieParameters& parameters) {
  std::vector<int64_t> out;
  const std::set<int64_t> none;
  if (!q.direct->empty()) RankGroup(*q.direct, none, split, ranker, parameters, out);
  const bool account_too = ranker == Ranker::kRapport || q.direct->empty();
  if (q.account && account_too) {
    const std::set<int64_t> seen(out.begin(), out.end());
    RankGroup(*q.account, seen, split, ranker, parameters, out);
  }
  return out;
}

// 1-based rank of `user` in `ranked` followed by every other user in id order (`users`, sorted).
size_t RankOf(int64_t user, const std::vector<int64_t>& ranked,
              const std::vector<int64_t>& ranked_sorted, const std::vector<int64_t>& users) {
  auto in = std::lower_bound(ranked_sorted.begin(), ranked_sorted.end(), user);
  if (in != ranked_sorted.end() && *in == user) {
    return static_cast<size_t>(std::find(ranked.begin(), ranked.end(), user) - ranked.begin()) + 1;
  }
  const auto below =
      static_cast<size_t>(std::lower_bound(users.begin(), users.end(), user) - users.begin());
  const auto ranked_below = static_cast<size_t>(in - ranked_sorted.begin());
  return ranked.size() + below - ranked_below + 1;
}

// The colleagues the model can score, by probability (then id).
std::vector<int64_t> RankLearned(const Query& q, int64_t split, const Learned& learned) {
  struct Scored {
    bool direct;
    double probability;
    int64_t user;
  };
  std::vector<Scored> scored;
  for (int64_t user : learned.history.CandidatesAt(q.contact, q.organisation, split)) {
    const auto x = learned.history.FeaturesAt(user, q.contact, q.organisation, split);
    scored.push_back({DealtWithContact(x), learned.model.Probability(x), user});
  }
  std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    if (a.direct != b.direct) return a.direct;
    return a.probability != b.probability ? a.probability > b.probability : a.user < b.user;
  });
  std::vector<int64_t> out;
  for (const auto& s : scored) out.push_back(s.user);
  return out;
}

// One query's reciprocal rank and recalls.
struct QueryScores {
  double rr = 0, r1 = 0, r5 = 0;
};

QueryScores Score(const Query& q, const std::vector<int64_t>& ranked,
                  const std::vector<int64_t>& users) {
  std::vector<int64_t> ranked_sorted = ranked;
  std::sort(ranked_sorted.begin(), ranked_sorted.end());
  size_t first = 0, in1 = 0, in5 = 0;
  for (int64_t u : q.after) {
    const size_t rank = RankOf(u, ranked, ranked_sorted, users);
    if (first == 0 || rank < first) first = rank;
    in1 += rank <= 1;
    in5 += rank <= 5;
  }
  QueryScores out;
  if (first) out.rr = 1.0 / static_cast<double>(first);
  out.r1 = static_cast<double>(in1) / static_cast<double>(q.after.size());
  out.r5 = static_cast<double>(in5) / static_cast<double>(q.after.size());
  return out;
}

// Means and their 95 % bootstrap intervals (percentiles of 1,000 resampled means).
RankingScores Summarise(const std::vector<QueryScores>& per_query) {
  RankingScores out;
  const size_t n = per_query.size();
  if (n == 0) return out;
  auto mean = [&](auto pick, const std::vector<size_t>* sample) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += pick(per_query[sample ? (*sample)[i] : i]);
    return sum / static_cast<double>(n);
  };
  const auto rr = [](const QueryScores& s) { return s.rr; };
  const auto r1 = [](const QueryScores& s) { return s.r1; };
  const auto r5 = [](const QueryScores& s) { return s.r5; };
  out.mrr = mean(rr, nullptr);
  out.recall_at_1 = mean(r1, nullptr);
  out.recall_at_5 = mean(r5, nullptr);
  constexpr int kResamples = 1000;
  std::mt19937_64 random(20);  // fixed: the same queries give the same intervals
  std::uniform_int_distribution<size_t> pick(0, n - 1);
  std::vector<double> means[3];
  std::vector<size_t> sample(n);
  for (int b = 0; b < kResamples; ++b) {
    for (auto& i : sample) i = pick(random);
    means[0].push_back(mean(rr, &sample));
    means[1].push_back(mean(r1, &sample));
    means[2].push_back(mean(r5, &sample));
  }
  Interval* intervals[] = {&out.mrr_ci, &out.recall_at_1_ci, &out.recall_at_5_ci};
  for (int m = 0; m < 3; ++m) {
    std::sort(means[m].begin(), means[m].end());
    intervals[m]->low = means[m][kResamples * 25 / 1000];
    intervals[m]->high = means[m][kResamples * 975 / 1000 - 1];
  }
  return out;
}

QuerySetScores ScoreSet(const std::vector<Query>& queries, const std::vector<int64_t>& users,
                        int64_t split, const TieParameters& parameters, const Learned* learned) {
  QuerySetScores s;
  s.queries = static_cast<int>(queries.size());
  const Ranker rankers[] = {Ranker::kRapport, Ranker::kFrequency, Ranker::kRecency};
  std::vector<QueryScores> per_query[4];  // the three rankers, then the learned one
  for (const auto& q : queries) {
    for (int r = 0; r < 3; ++r) {
      per_query[r].push_back(Score(q, Rank(q, split, rankers[r], parameters), users));
    }
    if (learned) per_query[3].push_back(Score(q, RankLearned(q, split, *learned), users));
  }
  s.rapport = Summarise(per_query[0]);
  s.frequency = Summarise(per_query[1]);
  s.recency = Summarise(per_query[2]);
  if (learned) s.learned = Summarise(per_query[3]);
  return s;
}

void Add(EvidenceByUser& evidence, int64_t user, const Interaction& i) {
  Evidence& e = evidence[user];
  e.interactions.push_back(i);
  e.latest = std::max(e.latest, i.at);
}

}  // namespace

WkwEvaluation EvaluateWhoKnowsWhom(const store::Activity& everything, int64_t split,
                                   int64_t horizon_seconds, const TieParameters& parameters,
                                   bool learned) {
  std::unordered_map<int64_t, std::string> organisation_of;
  std::vector<int64_t> users;
  for (const auto& [id, p] : everything.people) {
    if (p.kind == store::PersonKind::kInternal && !p.is_role) users.push_back(id);
    if (!p.org_domain.empty() && !ingest::IsFreeMailDomain(p.org_domain)) {
      organisation_of.emplace(id, p.org_domain);
    }
  }
  return EvaluateTies(CollectTies(everything, split + horizon_seconds), organisation_of,
                      std::move(users), split, horizon_seconds, parameters, learned);
}

WkwEvaluation EvaluateTies(std::vector<TieInteractions> ties,
                           const std::unordered_map<int64_t, std::string>& organisation_of,
                           std::vector<int64_t> users, int64_t split, int64_t horizon_seconds,
                           const TieParameters& parameters, bool learned) {
  const int64_t end = split + horizon_seconds;
  for (auto& tie : ties) {
    std::erase_if(tie.interactions, [&](const Interaction& i) { return i.at >= end; });
  }
  std::erase_if(ties, [](const TieInteractions& t) { return t.interactions.empty(); });
  struct Contact {
    EvidenceByUser before;
    std::set<int64_t> after;
  };
  static const std::string kNone;
  auto organisation = [&](int64_t contact) -> const std::string& {
    auto it = organisation_of.find(contact);
    return it == organisation_of.end() ? kNone : it->second;
  };
  std::map<int64_t, Contact> by_contact;
  std::unordered_map<std::string, EvidenceByUser> by_organisation;  // before the split only
  for (const auto& tie : ties) {
    Contact& c = by_contact[tie.contact];
    const std::string& org = organisation(tie.contact);
    for (const auto& i : tie.interactions) {
      if (i.at < split) {
        Add(c.before, tie.user, i);
        if (!org.empty()) Add(by_organisation[org], tie.user, i);
      } else {
        c.after.insert(tie.user);
      }
    }
  }
  std::vector<Query> known, fresh;
  for (auto& [contact, c] : by_contact) {
    if (c.after.empty()) continue;
    const std::string& org = organisation(contact);
    auto at = org.empty() ? by_organisation.end() : by_organisation.find(org);
    const EvidenceByUser* account = at == by_organisation.end() ? nullptr : &at->second;
    const std::string shown = account ? org : std::string();
    if (!c.before.empty()) {
      known.push_back({&c.before, account, std::move(c.after), contact, shown});
    } else if (account) {
      fresh.push_back({&c.before, account, std::move(c.after), contact, shown});
    }
  }
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  WkwEvaluation out;
  out.internal_users = static_cast<int>(users.size());
  std::optional<WkwHistory> history;
  if (learned) {
    history.emplace(std::move(ties), organisation_of);
    out.model = TrainWkwModel(*history, organisation_of, split, {}, &out.no_model);
  }
  std::optional<Learned> with;
  if (out.model) with.emplace(Learned{*history, *out.model});
  const Learned* model = with ? &*with : nullptr;
  out.known_contacts = ScoreSet(known, users, split, parameters, model);
  out.new_contacts_at_known_accounts = ScoreSet(fresh, users, split, parameters, model);
  return out;
}

}  // namespace rapport::insights
