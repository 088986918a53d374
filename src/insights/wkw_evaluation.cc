#include "rapport/insights/wkw_evaluation.h"

#include <algorithm>
#include <map>
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
};

enum class Ranker { kRapport, kFrequency, kRecency };

// One group of users in rank order.
void RankGroup(const EvidenceByUser& evidence, const std::set<int64_t>& skip, int64_t split,
               Ranker ranker, const TieParameters& parameters, std::vector<int64_t>& out) {
  struct Scored {
    int64_t user;
    TieStrength tie;
    size_t count;
    int64_t latest;
  };
  std::vector<Scored> scored;
  for (const auto& [user, e] : evidence) {
    if (skip.count(user)) continue;
    scored.push_back({user,
                      ranker == Ranker::kRapport
                          ? ComputeTieStrength(e.interactions, split, parameters)
                          : TieStrength{},
                      e.interactions.size(), e.latest});
  }
  std::sort(scored.begin(), scored.end(), [&](const Scored& a, const Scored& b) {
    if (ranker == Ranker::kRapport && a.tie.raw != b.tie.raw) return a.tie.raw > b.tie.raw;
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

// Adds one query's reciprocal rank and recalls.
void Score(const Query& q, const std::vector<int64_t>& ranked, const std::vector<int64_t>& users,
           RankingScores& sum) {
  std::vector<int64_t> ranked_sorted = ranked;
  std::sort(ranked_sorted.begin(), ranked_sorted.end());
  size_t first = 0, in1 = 0, in5 = 0;
  for (int64_t u : q.after) {
    const size_t rank = RankOf(u, ranked, ranked_sorted, users);
    if (first == 0 || rank < first) first = rank;
    in1 += rank <= 1;
    in5 += rank <= 5;
  }
  if (first) sum.mrr += 1.0 / static_cast<double>(first);
  sum.recall_at_1 += static_cast<double>(in1) / static_cast<double>(q.after.size());
  sum.recall_at_5 += static_cast<double>(in5) / static_cast<double>(q.after.size());
}

QuerySetScores ScoreSet(const std::vector<Query>& queries, const std::vector<int64_t>& users,
                        int64_t split, const TieParameters& parameters) {
  QuerySetScores s;
  s.queries = static_cast<int>(queries.size());
  RankingScores* sums[] = {&s.rapport, &s.frequency, &s.recency};
  for (const auto& q : queries) {
    const Ranker rankers[] = {Ranker::kRapport, Ranker::kFrequency, Ranker::kRecency};
    for (int r = 0; r < 3; ++r) Score(q, Rank(q, split, rankers[r], parameters), users, *sums[r]);
  }
  if (s.queries > 0) {
    for (RankingScores* r : sums) {
      r->mrr /= s.queries;
      r->recall_at_1 /= s.queries;
      r->recall_at_5 /= s.queries;
    }
  }
  return s;
}

void Add(EvidenceByUser& evidence, int64_t user, const Interaction& i) {
  Evidence& e = evidence[user];
  e.interactions.push_back(i);
  e.latest = std::max(e.latest, i.at);
}

}  // namespace

WkwEvaluation EvaluateWhoKnowsWhom(const store::Activity& everything, int64_t split,
                                   int64_t horizon_seconds, const TieParameters& parameters) {
  const int64_t end = split + horizon_seconds;
  struct Contact {
    EvidenceByUser before;
    std::set<int64_t> after;
  };
  std::map<int64_t, Contact> by_contact;
  std::unordered_map<std::string, EvidenceByUser> by_domain;  // before the split only
  for (const auto& tie : CollectTies(everything, end)) {
    Contact& c = by_contact[tie.contact];
    const std::string& domain = everything.people.at(tie.contact).org_domain;
    for (const auto& i : tie.interactions) {
      if (i.at < split) {
        Add(c.before, tie.user, i);
        if (!domain.empty()) Add(by_domain[domain], tie.user, i);
      } else {
        c.after.insert(tie.user);
      }
    }
  }
  std::vector<Query> known, fresh;
  for (auto& [contact, c] : by_contact) {
    if (c.after.empty()) continue;
    const std::string& domain = everything.people.at(contact).org_domain;
    auto at = by_domain.find(domain);
    const EvidenceByUser* account =
        domain.empty() || ingest::IsFreeMailDomain(domain) || at == by_domain.end() ? nullptr
                                                                                    : &at->second;
    if (!c.before.empty()) {
      known.push_back({&c.before, account, std::move(c.after)});
    } else if (account) {
      fresh.push_back({&c.before, account, std::move(c.after)});
    }
  }
  std::vector<int64_t> users;
  for (const auto& [id, p] : everything.people) {
    if (p.kind == store::PersonKind::kInternal && !p.is_role) users.push_back(id);
  }
  std::sort(users.begin(), users.end());
  WkwEvaluation out;
  out.internal_users = static_cast<int>(users.size());
  out.known_contacts = ScoreSet(known, users, split, parameters);
  out.new_contacts_at_known_accounts = ScoreSet(fresh, users, split, parameters);
  return out;
}

}  // namespace rapport::insights
