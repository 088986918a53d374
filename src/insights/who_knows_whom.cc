#include "rapport/insights/who_knows_whom.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include "ingest/identity/mail_domains.h"
#include "insights/decide.h"
#include "insights/equal_scores.h"
#include "insights/wkw_history_cache.h"
#include "rapport/insights/tie_index.h"
#include "rapport/insights/wkw_ranker.h"

namespace rapport::insights {

bool StrongerTie(const TieStrength& a, const store::PersonSummary& a_person, const TieStrength& b,
                 const store::PersonSummary& b_person) {
  if (a.raw != b.raw) return a.raw > b.raw;
  if (a_person.address != b_person.address) return a_person.address < b_person.address;
  return a_person.id < b_person.id;
}

namespace {

constexpr auto kKind = consent::InsightKind::kWhoKnowsWhom;

// Colleagues strongest first. Only the first `ordered` are in their exact order (equal scores
// by address) and carry who they are: an answer shows a handful of the hundreds a contact may
// have, so the rest are ordered by score alone until OrderMore reaches them.
struct Ranking {
  std::vector<KnownColleague> colleagues;
  size_t ordered = 0;
};

// Puts at least `count` more of `r` (and every colleague whose score equals the last of them's)
// in their exact order.
Status OrderMore(store::Store& store, Ranking& r, size_t count) {
  auto& c = r.colleagues;
  const size_t from = r.ordered;
  if (from >= c.size()) return Status::Ok();
  size_t end = count >= c.size() - from ? c.size() : from + std::max<size_t>(count, 1);
  while (end < c.size() && c[end].tie.raw == c[end - 1].tie.raw) ++end;
  r.ordered = end;
  return BreakEqualScores(store, std::span(c).subspan(from, end - from),
                          &KnownColleague::colleague);
}

// Every colleague with a two-way tie to any of `contacts` in `ties` (one tie per colleague, over
// all of them), strongest first, skipping `skip`; the first `ordered` of them in exact order.
Result<Ranking> RankTies(store::Store& store, const std::vector<TieInteractions>& ties,
                         const std::set<int64_t>& contacts, const std::set<int64_t>& skip,
                         int64_t as_of, bool via_account, size_t ordered) {
  Ranking ranked;
  std::map<int64_t, std::vector<const TieInteractions*>> by_user;
  for (auto& tie : ties) {
    if (skip.count(tie.user) || !contacts.count(tie.contact)) continue;
    by_user[tie.user].push_back(&tie);
  }
  std::vector<Interaction> merged;
  for (const auto& [user, own] : by_user) {
    // One tie (always, for a contact) is scored where it is; several are scored together.
    std::span<const Interaction> interactions = own.front()->interactions;
    if (own.size() > 1) {
      merged.clear();
      for (const auto* t : own) {
        merged.insert(merged.end(), t->interactions.begin(), t->interactions.end());
      }
      interactions = merged;
    }
    TieStrength tie = ComputeTieStrength(interactions, as_of);
    if (tie.strength <= 0) continue;  // one-way traffic is no relationship
    ranked.colleagues.push_back({{}, tie, static_cast<int>(own.size()), via_account});
    ranked.colleagues.back().colleague.id = user;
  }
  // Who they are (for the order among equals, and the answer) is read only for those shown: in a
  // 5M-message store, 38 % of the colleagues in the rows only ever received mail from the
  // contact, and reading every one with a tie was an eighth of a request.
  std::sort(ranked.colleagues.begin(), ranked.colleagues.end(),
            [](const KnownColleague& a, const KnownColleague& b) { return a.tie.raw > b.tie.raw; });
  RAPPORT_RETURN_IF_ERROR(OrderMore(store, ranked, ordered));
  return ranked;
}

// The same, reading the ties of `contacts` first.
Result<Ranking> RankColleagues(store::Store& store, const std::set<int64_t>& contacts,
                               const std::set<int64_t>& skip, int64_t as_of, bool via_account,
                               size_t ordered) {
  if (contacts.empty()) return Ranking();
  const std::vector<int64_t> people(contacts.begin(), contacts.end());
  auto ties = ReadTies(store, people, as_of + 1);
  if (!ties.ok()) return ties.status();
  return RankTies(store, ties->ties, contacts, skip, as_of, via_account, ordered);
}

// The colleagues of a ranking: those a second group (via the account) leaves out.
std::set<int64_t> Listed(const Ranking& ranked) {
  std::set<int64_t> out;
  for (const auto& c : ranked.colleagues) out.insert(c.colleague.id);
  return out;
}

// Appends to `out` the colleagues the policy lets appear, in order, until it holds `top`.
Status AppendVisible(store::Store& store, consent::PolicyDecisionPoint& policy, Ranking& ranked,
                     size_t top, std::vector<KnownColleague>& out) {
  for (size_t i = 0; i < ranked.colleagues.size() && out.size() < top; ++i) {
    if (i == ranked.ordered) RAPPORT_RETURN_IF_ERROR(OrderMore(store, ranked, top - out.size()));
    KnownColleague& colleague = ranked.colleagues[i];
    auto may = policy.MayAppear(kKind, colleague.colleague.id);
    if (!may.ok()) return may.status();
    if (*may) out.push_back(std::move(colleague));
  }
  return Status::Ok();
}

Status DescribeColleagues(store::Store& store, WhoKnowsWhomAnswer& answer) {
  std::vector<store::PersonSummary*> people;
  for (auto& c : answer.colleagues) people.push_back(&c.colleague);
  return Describe(store, people);
}

// A contact's organisation when it forms an account (not free mail), and the other people there
// whom the policy lets count.
struct Organisation {
  std::string domain;
  std::set<int64_t> others;
};

Result<Organisation> OrganisationOf(store::Store& store, consent::PolicyDecisionPoint& policy,
                                    int64_t contact) {
  auto summary = store.SummarizePeople({contact});
  if (!summary.ok()) return summary.status();
  Organisation out;
  const std::string domain = summary->count(contact) ? summary->at(contact).org_domain : "";
  if (domain.empty() || ingest::IsFreeMailDomain(domain)) return out;
  auto people = store.PeopleAtDomains({domain});
  if (!people.ok()) return people.status();
  std::erase(*people, contact);
  auto others = Countable(policy, kKind, *people);
  if (!others.ok()) return others.status();
  out.domain = domain;
  out.others = std::move(*others);
  return out;
}

// Who knows a contact, ranked by the learned model (wkw_model.h): the formula's two groups (those
// who know the contact, then those who know only others at its organisation), each ordered by
// the model's chance, computed from the same ties -- the contact's and its organisation's, read
// once, or kept from an earlier request while the index has not changed -- as the model was
// trained on.
Status FindByModel(store::Store& store, consent::PolicyDecisionPoint& policy, const WkwModel& model,
                   const std::set<int64_t>& contacts, int64_t as_of, size_t top,
                   WhoKnowsWhomAnswer& answer) {
  const int64_t contact = answer.target.people.front();
  auto organisation = OrganisationOf(store, policy, contact);
  if (!organisation.ok()) return organisation.status();
  std::vector<int64_t> people(organisation->others.begin(), organisation->others.end());
  people.insert(people.end(), contacts.begin(), contacts.end());
  // A colleague's features read only their own ties, so one history of every tie read scores
  // both groups, as it would each alone; the organisation's other contacts share it.
  auto shared = OrganisationHistory(store, WkwHistoryCache::Shared(), std::move(people),
                                    organisation->domain, as_of + 1);
  if (!shared.ok()) return shared.status();
  const WkwHistory& history = **shared;
  // The model reorders each whole group (stably, so equal chances keep the formula's order).
  constexpr size_t kAll = std::numeric_limits<size_t>::max();
  auto direct = RankTies(store, history.ties(), contacts, {}, as_of, false, kAll);
  if (!direct.ok()) return direct.status();
  auto order = [&](Ranking& ranking) {
    auto& group = ranking.colleagues;
    for (auto& c : group) {
      c.chance = model.Probability(
          history.FeaturesAt(c.colleague.id, contact, organisation->domain, as_of + 1));
    }
    std::stable_sort(group.begin(), group.end(),
                     [](const auto& a, const auto& b) { return *a.chance > *b.chance; });
  };
  order(*direct);
  RAPPORT_RETURN_IF_ERROR(AppendVisible(store, policy, *direct, top, answer.colleagues));
  if (answer.colleagues.size() >= top) return Status::Ok();
  auto via =
      RankTies(store, history.ties(), organisation->others, Listed(*direct), as_of, true, kAll);
  if (!via.ok()) return via.status();
  order(*via);
  return AppendVisible(store, policy, *via, top, answer.colleagues);
}

// What the answer says of its ranking, and each shown colleague's chance under the formula.
void Explain(const std::optional<WkwRanker>& ranker, bool person, WhoKnowsWhomAnswer& answer) {
  if (!person) {
    answer.ranker_note =
        "ranked by the formula; chances are shown for a contact, not for an "
        "account or a domain";
    return;
  }
  if (!ranker) {
    answer.ranker_note =
        "ranked by the formula; no chance is shown until rapport train has "
        "learned from this organisation's history";
    return;
  }
  answer.ranked_by = ranker->learned_ranks ? "learned" : "formula";
  answer.chance_horizon_days = ranker->model.horizon_days;
  answer.ranker_note = ranker->why;
  if (ranker->learned_ranks) return;  // the model gave every chance
  for (auto& c : answer.colleagues) {
    const auto& curve =
        c.via_account ? ranker->model.via_account_chance : ranker->model.direct_chance;
    c.chance = curve.At(c.tie.raw);
  }
}

// The colleagues who know the target, strongest first, then (when fewer than `top` know a
// contact) those who know the contact's colleagues at the same organisation.
Status FindColleagues(store::Store& store, consent::PolicyDecisionPoint& policy, int64_t as_of,
                      size_t top, WhoKnowsWhomAnswer& answer) {
  auto contacts = Countable(policy, kKind, answer.target.people);
  if (!contacts.ok()) return contacts.status();
  const bool person = answer.target.kind == Target::Kind::kPerson;
  std::optional<WkwRanker> ranker;
  if (person) {
    auto loaded = LoadWkwRanker(store);
    if (!loaded.ok()) return loaded.status();
    ranker = std::move(*loaded);
  }
  if (ranker && ranker->learned_ranks) {
    RAPPORT_RETURN_IF_ERROR(
        FindByModel(store, policy, ranker->model, *contacts, as_of, top, answer));
  } else {
    auto direct = RankColleagues(store, *contacts, {}, as_of, false, top);
    if (!direct.ok()) return direct.status();
    RAPPORT_RETURN_IF_ERROR(AppendVisible(store, policy, *direct, top, answer.colleagues));
    if (person && answer.colleagues.size() < top) {
      auto organisation = OrganisationOf(store, policy, answer.target.people.front());
      if (!organisation.ok()) return organisation.status();
      auto via = RankColleagues(store, organisation->others, Listed(*direct), as_of, true, top);
      if (!via.ok()) return via.status();
      RAPPORT_RETURN_IF_ERROR(AppendVisible(store, policy, *via, top, answer.colleagues));
    }
  }
  Explain(ranker, person, answer);
  return DescribeColleagues(store, answer);
}

}  // namespace

Result<WhoKnowsWhomAnswer> WhoKnowsWhom(store::Store& store, consent::PolicyDecisionPoint& policy,
                                        const InsightRequest& request, std::string_view text,
                                        size_t top) {
  auto target = DecideOnTarget(store, policy, request, kKind, text);
  if (!target.ok()) return target.status();
  WhoKnowsWhomAnswer answer{std::move(*target), request.as_of, {}, request.data_up_to};
  RAPPORT_RETURN_IF_ERROR(store.ReadSnapshot(
      [&] { return FindColleagues(store, policy, request.as_of, top, answer); }));
  return answer;
}

}  // namespace rapport::insights
