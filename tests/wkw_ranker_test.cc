// Who Knows Whom's ranker learned from the tenant's own mail (wkw_ranker.h) as a user meets it:
// `rapport train` (and the ingest that trains it), the chance shown beside each colleague, the
// learned order used only when it did better on the tenant's newest mail, and what is said when
// there is too little history.
#include "rapport/insights/wkw_ranker.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "insights/wkw_history_cache.h"
#include "mail_fixtures.h"
#include "rapport/api/rounding.h"
#include "rapport/consent/policy.h"
#include "rapport/insights/who_knows_whom.h"
#include "rapport/store/store.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

constexpr int64_t kDay = 86400;
constexpr int64_t kStart = 1'704'067'200;  // 2024-01-01T00:00:00Z
constexpr int kContacts = 40;

// UTC time `t` as strftime's `format` writes it.
std::string Utc(int64_t t, const char* format) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string RfcDate(int64_t t) {
  return Utc(t, "%a, %d %b %Y %H:%M:%S +0000");
}

std::string IsoDay(int64_t t) {
  return Utc(t, "%Y-%m-%d");
}

// Forty contacts at fabrikam.example. Contact k's "old" colleague (old{k}) exchanged 90 mails
// with them in the first 60 days and never again; their "now" colleague (now{k}) exchanges a
// mail each way every 20, 25 or 30 days from day 100 to day 600. The formula (a two-year
// half-life) ranks the old colleague first on the last 90 days; the one who keeps dealing with
// the contact is the other, which a ranker learned from this history sees.
std::string Mbox() {
  std::string out;
  int id = 0;
  auto add = [&](const std::string& from, const std::string& to, int64_t at) {
    out += "From " + from + " Mon Jan  1 00:00:00 2024\n" +
           Mail("m" + std::to_string(++id) + "@test", RfcDate(at), from, to) + "\n";
  };
  for (int k = 0; k < kContacts; ++k) {
    const std::string contact = "c" + std::to_string(k) + "@fabrikam.example";
    const std::string old = "old" + std::to_string(k) + "@northwind.example";
    const std::string now = "now" + std::to_string(k) + "@northwind.example";
    for (int i = 0; i < 60; ++i) add(old, contact, kStart + i * kDay + k * 60);
    for (int i = 0; i < 30; ++i) add(contact, old, kStart + 2 * i * kDay + 3600 + k * 60);
    for (int day = 100 + k % 10; day <= 600; day += 20 + k % 3 * 5) {
      add(now, contact, kStart + day * kDay + k * 60);
      add(contact, now, kStart + (day + 1) * kDay + k * 60);
    }
  }
  return out;
}

TEST(WkwRanker, AChanceOrdersAsTheRawScoreAndNeverReachesCertainty) {
  const insights::ChanceCurve curve{0.8, -3.0};
  EXPECT_NEAR(curve.At(0), 1 / (1 + std::exp(3.0)), 1e-12);
  double last = 0;
  for (double raw : {0.0, 0.5, 1.0, 10.0, 100.0, 1000.0}) {
    const double p = curve.At(raw);
    EXPECT_GT(p, last) << raw;
    EXPECT_LT(p, 1.0) << raw;
    last = p;
  }
}

TEST(WkwRanker, AChanceIsShownInWholePercentsOfTheDocumentsValue) {
  EXPECT_EQ(api::ShownChance(0.6449), "64 %");
  EXPECT_EQ(api::ShownChance(0.645), "65 %");  // half away from zero, from 6450 ten-thousandths
  EXPECT_EQ(api::ShownChance(0.005), "1 %");
  EXPECT_EQ(api::ShownChance(0.0049), "<1 %");
  EXPECT_EQ(api::ShownChance(0.9949), "99 %");
  EXPECT_EQ(api::ShownChance(0.995), ">99 %");
  EXPECT_EQ(api::DocumentChance(0.123456), 0.1235);
}

// A new store at `db` (consented) holding Mbox(), ingested with `ingest_flags`.
CommandResult IngestHistory(const TempDir& dir, const std::string& db,
                            const std::string& ingest_flags) {
  CommandResult init = InitConsented(db, "--tenant N --domain northwind.example");
  if (init.exit_code != 0) return init;
  WriteFile(dir / "mail.mbox", Mbox());
  return RunRapport("--db " + db + " ingest " + ingest_flags + " " + ShellQuote(dir / "mail.mbox"));
}

TEST(WkwRanker, LearnsFromTheTenantsMailAndRanksByItOnlyWhenItDidBetter) {
  TempDir dir;
  const std::string db = dir / "store.db";
  // The ingest trains the ranker: there was none.
  auto ingest = IngestHistory(dir, db, "--json");
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  const json ranker = json::parse(ingest.out)["ranker"];
  ASSERT_EQ(ranker["trained"], true) << ranker.dump(2);
  EXPECT_EQ(ranker["learned_ranks"], true) << ranker.dump(2);

  // `rapport train` says why: the learned ranker found the colleague who keeps dealing with the
  // contact on the last 90 days; the formula put the old one first (reciprocal rank 1/2).
  auto train = RunRapport("--db " + db + " train --json");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const json trained = json::parse(train.out);
  EXPECT_EQ(trained["check"]["known_queries"], kContacts);
  EXPECT_NEAR(trained["check"]["known_mrr"]["formula"].get<double>(), 0.5, 1e-9);
  EXPECT_GT(trained["check"]["known_mrr"]["learned"].get<double>(), 0.9);
  EXPECT_EQ(trained["why"].get<std::string>().rfind("the learned ranker ranks", 0), 0u)
      << trained["why"];

  const std::string as_of = IsoDay(kStart + 602 * kDay);
  auto who = RunRapport("--db " + db +
                        " who-knows c0@fabrikam.example --as admin@rapport-tests.example "
                        "--as-of " +
                        as_of + " --json");
  ASSERT_EQ(who.exit_code, 0) << who.err;
  const json answer = json::parse(who.out);
  EXPECT_EQ(answer["ranked_by"], "learned");
  EXPECT_EQ(answer["chance_horizon_days"], 90);
  const json& c = answer["colleagues"];
  ASSERT_GE(c.size(), 2u) << answer.dump(2);
  EXPECT_EQ(c[0]["address"], "now0@northwind.example");
  EXPECT_EQ(c[1]["address"], "old0@northwind.example");
  // Both show strength 1.00 (the formula ranked the old colleague first); the chance tells them
  // apart and orders the list.
  EXPECT_GT(c[0]["chance"].get<double>(), c[1]["chance"].get<double>());
  EXPECT_GT(c[0]["chance"].get<double>(), 0.5);
  EXPECT_LT(c[1]["chance"].get<double>(), 0.5);

  // The text form shows the chance and says which ranker ranked, and why.
  auto text = RunRapport("--db " + db +
                         " who-knows c0@fabrikam.example --as admin@rapport-tests.example "
                         "--as-of " +
                         as_of);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find(api::ShownChance(c[0]["chance"].get<double>())), std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("the learned ranker ranks"), std::string::npos) << text.out;

  // A second ingest of nothing new does not train again: the ranker is not stale.
  auto again = RunRapport("--db " + db + " ingest --json " + ShellQuote(dir / "mail.mbox"));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_FALSE(json::parse(again.out).contains("ranker")) << again.out;
}

// What the learned ranker answers for `contact`, to the last bit of each chance.
std::string LearnedAnswer(store::Store& store, const std::string& contact) {
  consent::PolicyDecisionPoint policy(store);
  const insights::InsightRequest request{
      {"admin@rapport-tests.example", "N"}, kStart + 602 * kDay, std::time(nullptr)};
  auto answer = insights::WhoKnowsWhom(store, policy, request, contact);
  if (!answer.ok()) return "error: " + answer.status().message();
  std::string out = answer->ranked_by;
  for (const auto& c : answer->colleagues) {
    char chance[32];
    std::snprintf(chance, sizeof chance, "%a", c.chance.value_or(-1));
    out += " " + c.colleague.address + "=" + chance;
  }
  return out;
}

// A server keeps each organisation's history between requests (wkw_history_cache.h): the
// contacts at one account share it, it answers as a history built afresh would, and an ingest
// that changes the ties is seen by the next request.
TEST(WkwRanker, AKeptHistoryAnswersAsANewOneAndNeverOutlivesTheIndex) {
  TempDir dir;
  const std::string db = dir / "store.db";
  auto ingest = IngestHistory(dir, db, "");
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  auto store = OpenTestStore(db);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto& kept = insights::WkwHistoryCache::Shared();
  kept.Clear();

  const std::string c0 = LearnedAnswer(**store, "c0@fabrikam.example");
  ASSERT_EQ(c0.rfind("learned now0@northwind.example=", 0), 0u) << c0;
  EXPECT_EQ(kept.size(), 1u);
  const std::string c1 = LearnedAnswer(**store, "c1@fabrikam.example");
  EXPECT_EQ(kept.size(), 1u);  // fabrikam.example's history, shared
  kept.Clear();
  EXPECT_EQ(LearnedAnswer(**store, "c1@fabrikam.example"), c1);
  EXPECT_EQ(LearnedAnswer(**store, "c0@fabrikam.example"), c0);

  // c0's old colleague writes again, and is answered, in the last ten days.
  auto version = (*store)->Ties().Version();
  ASSERT_TRUE(version.ok());
  std::string more;
  for (int day = 590; day < 600; ++day) {
    for (auto [from, to] : {std::pair{"old0@northwind.example", "c0@fabrikam.example"},
                            std::pair{"c0@fabrikam.example", "old0@northwind.example"}}) {
      const int64_t at = kStart + day * kDay + (from[0] == 'c' ? 3600 : 0);
      more += std::string("From ") + from + " Mon Jan  1 00:00:00 2024\n" +
              Mail("late" + std::to_string(day) + from + "@test", RfcDate(at), from, to) + "\n";
    }
  }
  WriteFile(dir / "more.mbox", more);
  ingest = RunRapport("--db " + db + " ingest --no-train " + ShellQuote(dir / "more.mbox"));
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  auto changed = (*store)->Ties().Version();
  ASSERT_TRUE(changed.ok());
  EXPECT_NE(*changed, *version);
  const std::string after = LearnedAnswer(**store, "c0@fabrikam.example");
  EXPECT_NE(after, c0);
  kept.Clear();
  EXPECT_EQ(LearnedAnswer(**store, "c0@fabrikam.example"), after);
  // Answering changes no tie: the version holds.
  EXPECT_EQ(*(*store)->Ties().Version(), *changed);
}

TEST(WkwRanker, TooLittleHistorySaysSoAndTheFormulaRanksWithoutAChance) {
  TempDir dir;
  const std::string db = dir / "store.db";
  auto ingest = IngestOneExchange(dir, db);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_NE(ingest.out.find("ranker not trained"), std::string::npos) << ingest.out;
  auto train = RunRapport("--db " + db + " train");
  EXPECT_EQ(train.exit_code, 1);
  EXPECT_NE(train.err.find("too little history to train Who Knows Whom"), std::string::npos)
      << train.err;
  auto who = RunRapport("--db " + db +
                        " who-knows carol@fabrikam.example --as alice@northwind.example "
                        "--as-of 2026-03-10 --json");
  ASSERT_EQ(who.exit_code, 0) << who.err;
  const json answer = json::parse(who.out);
  EXPECT_EQ(answer["ranked_by"], "formula");
  EXPECT_TRUE(answer["chance_horizon_days"].is_null());
  EXPECT_NE(answer["ranker_note"].get<std::string>().find("no chance is shown until rapport train"),
            std::string::npos);
  ASSERT_EQ(answer["colleagues"].size(), 1u);
  EXPECT_TRUE(answer["colleagues"][0]["chance"].is_null());
}

TEST(WkwRanker, IsKeptInTheStoreBitForBitAndARankerFromAnotherBuildIsStale) {
  TempDir dir;
  const std::string db = dir / "store.db";
  ASSERT_EQ(InitConsented(db, "--tenant N --domain northwind.example").exit_code, 0);
  auto store = testing::OpenTestStore(db);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto none = insights::LoadWkwRanker(**store);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto stale = insights::WkwRankerStale(**store, kStart);
  ASSERT_TRUE(stale.ok());
  EXPECT_TRUE(*stale);  // no ranker yet

  insights::WkwRanker r;
  r.trained_at = kStart;
  r.data_up_to = kStart - kDay;
  r.learned_ranks = true;
  r.why = "because";
  r.model.cutoffs = {kStart - 91 * kDay, kStart - 105 * kDay};
  r.model.examples = 12;
  r.model.positives = 5;
  for (size_t f = 0; f < insights::kWkwFeatures; ++f) {
    r.model.mean[f] = 0.1 * static_cast<double>(f) + 1.0 / 3;
    r.model.scale[f] = 1.0 + 1.0 / 7 * static_cast<double>(f);
    r.model.weights[f] = -0.2 + 1e-17 * static_cast<double>(f);
  }
  r.model.slope = 2.0 / 3;
  r.model.intercept = -1.0 / 9;
  r.model.direct_chance = {0.7071067811865476, -2.302585092994046};
  r.model.via_account_chance = {0.1, -4.0};
  r.check = insights::WkwRankerCheck{kStart - 91 * kDay, 31, 20, 0.5, 0.75, 0.25, 1.0 / 3};
  ASSERT_TRUE(insights::SaveWkwRanker(**store, r).ok());
  auto loaded = insights::LoadWkwRanker(**store);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ(insights::WkwRankerJson(**loaded), insights::WkwRankerJson(r));
  EXPECT_EQ((*loaded)->model.weights, r.model.weights);
  EXPECT_EQ((*loaded)->model.direct_chance.slope, r.model.direct_chance.slope);

  // A ranker whose features are not this build's is as good as none: train again.
  json other = json::parse(insights::WkwRankerJson(r));
  other["model"]["features"].erase("recency");
  ASSERT_TRUE((*store)->SetSetting("wkw_ranker", other.dump()).ok());
  auto foreign = insights::LoadWkwRanker(**store);
  ASSERT_TRUE(foreign.ok());
  EXPECT_FALSE(foreign->has_value());
  ASSERT_TRUE((*store)->SetSetting("wkw_ranker", "{not json").ok());
  auto broken = insights::LoadWkwRanker(**store);
  EXPECT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("run rapport train"), std::string::npos);
}

}  // namespace
}  // namespace rapport::testing
