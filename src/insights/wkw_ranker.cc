#include "rapport/insights/wkw_ranker.h"

#include <fmt/core.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "ingest/identity/mail_domains.h"
#include "insights/decide.h"
#include "rapport/insights/tie_index.h"
#include "rapport/insights/wkw_evaluation.h"

namespace rapport::insights {
namespace {

using nlohmann::json;

constexpr std::string_view kSetting = "wkw_ranker";
constexpr int64_t kDay = 86400;

// Every tie in the store, without the people excluded from identifiable insights.
Result<std::vector<TieInteractions>> EveryTie(store::Store& store,
                                              consent::PolicyDecisionPoint& policy) {
  auto contacts = store.Ties().Contacts();
  if (!contacts.ok()) return contacts.status();
  auto set = ReadTies(store, *contacts, std::numeric_limits<int64_t>::max());
  if (!set.ok()) return set.status();
  std::set<int64_t> people(contacts->begin(), contacts->end());
  for (const auto& t : set->ties) people.insert(t.user);
  auto countable = Countable(policy, consent::InsightKind::kWhoKnowsWhom,
                             std::vector<int64_t>(people.begin(), people.end()));
  if (!countable.ok()) return countable.status();
  std::erase_if(set->ties, [&](const TieInteractions& t) {
    return !countable->count(t.user) || !countable->count(t.contact);
  });
  return std::move(set->ties);
}

// The organisation of each contact whose organisation forms an account (not free mail).
Result<std::unordered_map<int64_t, std::string>> Organisations(
    store::Store& store, const std::vector<TieInteractions>& ties) {
  std::set<int64_t> contacts;
  for (const auto& t : ties) contacts.insert(t.contact);
  auto basics = store.Ties().Basics(std::vector<int64_t>(contacts.begin(), contacts.end()));
  if (!basics.ok()) return basics.status();
  std::unordered_map<int64_t, std::string> out;
  for (const auto& [id, p] : *basics) {
    if (!p.org_domain.empty() && !ingest::IsFreeMailDomain(p.org_domain)) {
      out.emplace(id, p.org_domain);
    }
  }
  return out;
}

// Where the history ends: the newest interaction with at least 1 % of all interactions in the
// 30 days up to it, so that a few stray dates (Enron's mail holds 34 interactions from 2004, two
// years after the rest) do not leave every cut-off with an empty horizon.
int64_t DataEnd(const std::vector<TieInteractions>& ties) {
  std::vector<int64_t> times;
  for (const auto& t : ties) {
    for (const auto& i : t.interactions) times.push_back(i.at);
  }
  std::sort(times.begin(), times.end());
  const size_t enough = std::max<size_t>(1, times.size() / 100);
  size_t first = times.size();  // times[first, last] lie within 30 days of times[last]
  for (size_t last = times.size(); last-- > 0;) {
    first = std::min(first, last);
    while (first > 0 && times[first - 1] > times[last] - 30 * kDay) --first;
    if (last - first + 1 >= enough) return times[last];
  }
  return 0;
}

std::string Mrr(double formula, double learned) {
  return fmt::format("MRR {:.3f} against the formula's {:.3f}", learned, formula);
}

// Tests both rankers on the last horizon of the data, and says which ranks.
void Check(const std::vector<TieInteractions>& ties,
           const std::unordered_map<int64_t, std::string>& organisation_of, WkwRanker& ranker) {
  const int64_t horizon = int64_t{ranker.model.horizon_days} * kDay;
  const int64_t split = ranker.data_up_to + 1 - horizon;
  std::vector<int64_t> users;
  for (const auto& t : ties) users.push_back(t.user);
  const auto e = EvaluateTies(ties, organisation_of, users, split, horizon, {}, true);
  const auto& known = e.known_contacts;
  const auto& fresh = e.new_contacts_at_known_accounts;
  const std::string days = std::to_string(ranker.model.horizon_days);
  if (!e.model || !known.learned || known.queries < kMinKnownQueries) {
    ranker.why = "the formula ranks: too little history to test a learned ranker on the last " +
                 days + " days (" +
                 (e.model ? std::to_string(known.queries) + " known contacts to test on, " +
                                std::to_string(kMinKnownQueries) + " needed"
                          : e.no_model) +
                 ")";
    return;
  }
  WkwRankerCheck c;
  c.split = split;
  c.known_queries = known.queries;
  c.new_queries = fresh.queries;
  c.known_formula = known.rapport.mrr;
  c.known_learned = known.learned->mrr;
  if (fresh.learned) {
    c.new_formula = fresh.rapport.mrr;
    c.new_learned = fresh.learned->mrr;
  }
  ranker.check = c;
  const bool known_better = c.known_learned > c.known_formula;
  const bool new_counts = c.new_queries >= kMinNewQueries;
  const bool new_better = !new_counts || c.new_learned > c.new_formula;
  ranker.learned_ranks = known_better && new_better;
  const std::string on_known = Mrr(c.known_formula, c.known_learned) + " on " +
                               std::to_string(c.known_queries) + " known contacts";
  const std::string on_new = new_counts ? ", " + Mrr(c.new_formula, c.new_learned) + " on " +
                                              std::to_string(c.new_queries) +
                                              " new contacts at known accounts"
                                        : "";
  ranker.why = (ranker.learned_ranks ? "the learned ranker ranks: on the last " + days +
                                           " days it did better than the formula ("
                                     : "the formula ranks: on the last " + days +
                                           " days the learned ranker did not do better (") +
               on_known + on_new + ")";
}

json CurveJson(const ChanceCurve& c) {
  return {{"slope", c.slope}, {"intercept", c.intercept}};
}

ChanceCurve CurveFrom(const json& j) {
  return {j.at("slope").get<double>(), j.at("intercept").get<double>()};
}

json ModelJson(const WkwModel& m) {
  json features = json::object();
  for (size_t f = 0; f < kWkwFeatures; ++f) {
    features[std::string(WkwFeatureName(f))] = {
        {"mean", m.mean[f]}, {"scale", m.scale[f]}, {"weight", m.weights[f]}};
  }
  return {{"horizon_days", m.horizon_days},
          {"cutoffs", m.cutoffs},
          {"examples", m.examples},
          {"positives", m.positives},
          {"features", features},
          {"slope", m.slope},
          {"intercept", m.intercept},
          {"direct_chance", CurveJson(m.direct_chance)},
          {"via_account_chance", CurveJson(m.via_account_chance)}};
}

// nullopt when the features are not this build's.
std::optional<WkwModel> ModelFrom(const json& j) {
  WkwModel m;
  const json& features = j.at("features");
  if (features.size() != kWkwFeatures) return std::nullopt;
  for (size_t f = 0; f < kWkwFeatures; ++f) {
    auto it = features.find(std::string(WkwFeatureName(f)));
    if (it == features.end()) return std::nullopt;
    m.mean[f] = it->at("mean").get<double>();
    m.scale[f] = it->at("scale").get<double>();
    m.weights[f] = it->at("weight").get<double>();
  }
  m.horizon_days = j.at("horizon_days").get<int>();
  m.cutoffs = j.at("cutoffs").get<std::vector<int64_t>>();
  m.examples = j.at("examples").get<int64_t>();
  m.positives = j.at("positives").get<int64_t>();
  m.slope = j.at("slope").get<double>();
  m.intercept = j.at("intercept").get<double>();
  m.direct_chance = CurveFrom(j.at("direct_chance"));
  m.via_account_chance = CurveFrom(j.at("via_account_chance"));
  return m;
}

Result<std::optional<WkwRanker>> ParseWkwRanker(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Corruption("the stored Who Knows Whom ranker is not JSON (run rapport train)");
  }
  try {
    WkwRanker r;
    auto model = ModelFrom(j.at("model"));
    if (!model) return std::optional<WkwRanker>();
    r.model = std::move(*model);
    r.trained_at = j.at("trained_at").get<int64_t>();
    r.data_up_to = j.at("data_up_to").get<int64_t>();
    r.learned_ranks = j.at("learned_ranks").get<bool>();
    r.why = j.at("why").get<std::string>();
    if (j.contains("check")) {
      const json& c = j.at("check");
      r.check = WkwRankerCheck{c.at("split").get<int64_t>(),
                               c.at("known_queries").get<int>(),
                               c.at("new_queries").get<int>(),
                               c.at("known_mrr").at("formula").get<double>(),
                               c.at("known_mrr").at("learned").get<double>(),
                               c.at("new_mrr").at("formula").get<double>(),
                               c.at("new_mrr").at("learned").get<double>()};
    }
    return std::optional<WkwRanker>(std::move(r));
  } catch (const json::exception& e) {
    return Status::Corruption(std::string("the stored Who Knows Whom ranker is incomplete (") +
                              e.what() + "): run rapport train");
  }
}

}  // namespace

Result<WkwRanker> TrainWkwRanker(store::Store& store, consent::PolicyDecisionPoint& policy,
                                 int64_t now) {
  auto ties = EveryTie(store, policy);
  if (!ties.ok()) return ties.status();
  auto organisation_of = Organisations(store, *ties);
  if (!organisation_of.ok()) return organisation_of.status();
  WkwRanker ranker;
  ranker.trained_at = now;
  ranker.data_up_to = DataEnd(*ties);
  ranker.model.horizon_days = WkwTrainingOptions{}.horizon_days;
  // The check first: it copies the ties for its own fit, and the final fit can then take them.
  Check(*ties, *organisation_of, ranker);
  const WkwHistory history(std::move(*ties), *organisation_of);
  std::string reason;
  auto model = TrainWkwModel(history, *organisation_of, ranker.data_up_to + 1, {}, &reason);
  if (!model) {
    return Status::FailedPrecondition(
        "too little history to train Who Knows Whom: " + reason +
        " (ingest older mail or wait for more; until then the formula ranks and no chance is "
        "shown)");
  }
  ranker.model = std::move(*model);
  return ranker;
}

Result<bool> WkwRankerStale(store::Store& store, int64_t now) {
  auto ranker = LoadWkwRanker(store);
  if (!ranker.ok()) return ranker.status();
  if (!*ranker) return true;
  auto last = store.LastActivity(now);
  if (!last.ok()) return last.status();
  return *last && **last >= (*ranker)->data_up_to + kRankerStaleSeconds;
}

std::string WkwRankerJson(const WkwRanker& r) {
  json out{{"trained_at", r.trained_at},
           {"data_up_to", r.data_up_to},
           {"learned_ranks", r.learned_ranks},
           {"why", r.why},
           {"model", ModelJson(r.model)}};
  if (r.check) {
    const auto& c = *r.check;
    out["check"] = {{"split", c.split},
                    {"known_queries", c.known_queries},
                    {"new_queries", c.new_queries},
                    {"known_mrr", {{"formula", c.known_formula}, {"learned", c.known_learned}}},
                    {"new_mrr", {{"formula", c.new_formula}, {"learned", c.new_learned}}}};
  }
  return out.dump();
}

Status SaveWkwRanker(store::Store& store, const WkwRanker& ranker) {
  return store.SetSetting(kSetting, WkwRankerJson(ranker));
}

Result<std::optional<WkwRanker>> LoadWkwRanker(store::Store& store) {
  auto text = store.Setting(kSetting);
  if (!text.ok()) return text.status();
  if (!*text) return std::optional<WkwRanker>();
  // Every Who Knows Whom request loads it: each thread keeps the last one parsed, keyed by its
  // text, so that a request costs one read of the setting, not a parse.
  thread_local std::string parsed_text;
  thread_local std::optional<WkwRanker> parsed;
  if (**text != parsed_text || parsed_text.empty()) {
    auto fresh = ParseWkwRanker(**text);
    if (!fresh.ok()) return fresh.status();
    parsed = std::move(*fresh);
    parsed_text = std::move(**text);
  }
  return parsed;
}

}  // namespace rapport::insights
