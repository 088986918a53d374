// The lifetime budget of each month of data against thousands of requests (issue 16): varied
// epsilon, k, as-of, period level and boundaries, callers, in random order; whatever is asked,
// no month ever spends more than its (epsilon, delta), a refusal stores nothing, and what each
// month spent -- delta included -- is there to see.
#include <gtest/gtest.h>

#include <map>

#include "engagement_support.h"
#include "mail_fixtures.h"
#include "rapport/insights/engagement.h"
#include "rapport/insights/zcdp.h"
#include "seeded_random.h"
#include "test_store.h"

namespace rapport::testing {
namespace {

const std::string kAdmin = "admin@rapport-tests.example", kAlice = "alice@northwind.example";

std::vector<std::pair<std::string, std::string>> Files() {
  std::vector<std::pair<std::string, std::string>> f;
  const char* people[] = {"alice", "bob", "cy", "dee", "eve", "fay"};
  for (int i = 0; i < 60; ++i) {
    const std::string date = std::to_string(1 + i % 27) + (i % 2 ? " Mar" : " Apr") +
                             " 2026 09:" + std::to_string(10 + i % 50) + ":00 +0000";
    f.push_back(
        {"mail/cur/" + std::to_string(i),
         Mail("m" + std::to_string(i) + "@n", date,
              std::string(people[i % 6]) + "@northwind.example",
              "c" + std::to_string(i % 3) + (i % 4 ? "@contoso.example" : "@fabrikam.example"))});
  }
  f.push_back({"cal/m.ics", Event("m", "20260310T100000Z", "20260310T110000Z", kAlice,
                                  Attendee("c1@contoso.example"))});
  return f;
}

class EngagementBudget : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "store.db";
    auto r = IngestFiles(dir_, db_, Files());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(
        RunRapport("--db " + db_ + " settings set member_releases_per_month 1000 --by " + kAdmin)
            .exit_code,
        0);
    auto store = testing::OpenTestStore(db_);
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    policy_ = std::make_unique<consent::PolicyDecisionPoint>(*store_);
  }
  Result<insights::EngagementRelease> Release(const insights::EngagementRequest& what,
                                              const std::string& caller, int64_t as_of) {
    insights::InsightRequest request{{caller, "N"}, as_of, ParseDate("2026-12-02")};
    return insights::ReleaseEngagement(*store_, *policy_, request, what, random_);
  }
  std::map<int64_t, store::MonthSpent> Spent() {
    std::map<int64_t, store::MonthSpent> out;
    auto spent = store_->PrivacySpent(INT64_MIN, INT64_MAX);
    EXPECT_TRUE(spent.ok());
    if (spent.ok()) {
      for (const auto& m : *spent) out[m.month] = m;
    }
    return out;
  }
  TempDir dir_;
  std::string db_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<consent::PolicyDecisionPoint> policy_;
  SeededRandom random_{16};
};

TEST_F(EngagementBudget, ThousandsOfRandomRequestsNeverOverspendAnyMonth) {
  SeededRandom pick(2026);
  auto below = [&](uint64_t n) { return static_cast<int64_t>(pick.Next64() % n); };
  const double epsilon_month = 4, delta_month = 1e-7;
  const double rho_max = insights::RhoForEpsilon(epsilon_month, delta_month / 2);
  int released = 0, repeated = 0, refused = 0;
  std::map<std::string, std::string> answers;  // request -> its rows, as first released
  for (int i = 0; i < 2000; ++i) {
    insights::EngagementRequest what;
    what.level = static_cast<insights::PeriodLevel>(below(3));
    // Tiny to whole-month epsilons, as decimals (the attack used 0.000133 varied slightly).
    const int64_t micro = below(4) == 0 ? 133 + below(50) : 1 + below(4'000'000);
    what.epsilon = insights::Rational{static_cast<uint64_t>(micro), 1'000'000};
    what.k = static_cast<int>(2 + below(20));
    const int64_t month = ParseDate("2025-06-01") + below(20) * 31 * 86400;
    if (below(2)) {
      what.from = month - below(40) * 86400;
      what.to = *what.from + (1 + below(200)) * 86400;
    }
    const int64_t as_of = ParseDate("2025-09-01") + below(500) * 86400;
    const std::string caller = below(3) == 0 ? kAlice : kAdmin;
    const auto before = Spent();
    auto r = Release(what, caller, as_of);
    if (!r.ok()) {
      ASSERT_TRUE(r.status().code() == Status::Code::kResourceExhausted ||
                  r.status().code() == Status::Code::kInvalidArgument)
          << r.status().message();
      ++refused;
      const auto after = Spent();
      ASSERT_EQ(after.size(), before.size()) << "a refusal stored nothing";
      continue;
    }
    r->repeated ? ++repeated : ++released;
    // Same request, same answer.
    const std::string key = std::to_string(r->id);
    std::string rows;
    for (const auto& row : r->rows) rows += row.account_name + std::to_string(row.emails_to);
    if (answers.count(key)) {
      EXPECT_EQ(answers[key], rows);
    } else {
      answers[key] = rows;
    }
    for (const auto& [m, s] : Spent()) {
      ASSERT_LE(static_cast<double>(s.rho_nano) / 1e9, rho_max) << insights::MonthName(m);
      ASSERT_LE(static_cast<double>(s.delta_atto) / 1e18, delta_month / 2)
          << insights::MonthName(m);
      ASSERT_LE(insights::EpsilonForRho(static_cast<double>(s.rho_nano) / 1e9, delta_month / 2),
                epsilon_month * (1 + 1e-6));
    }
  }
  // The sequence exercised every outcome; many months ran out.
  EXPECT_GT(released, 20);
  EXPECT_GT(refused, 1000);
  int full = 0;
  for (const auto& [m, s] : Spent()) full += static_cast<double>(s.rho_nano) / 1e9 > 0.9 * rho_max;
  EXPECT_GT(full, 5);
  // What each month spent, delta included, is in the budget document.
  auto budget = insights::LoadBudget(*store_);
  ASSERT_TRUE(budget.ok());
  ASSERT_FALSE(budget->months.empty());
  for (const auto& m : budget->months) {
    EXPECT_LE(m.epsilon_after, epsilon_month * (1 + 1e-6));
    EXPECT_GT(m.delta_after, 0);
    EXPECT_LE(m.delta_after, delta_month * (1 + 1e-9));
  }
}

// The attack of the review: thousands of tiny releases, each a new request, learned one month's
// data at a total cost that was never counted. Each is now charged to the month; once the month
// is spent, nothing more is released about it, by anyone. Epsilons so small that the noise would
// leave the sampler's range are refused outright.
TEST_F(EngagementBudget, ManyTinyReleasesRunTheMonthOutAndStop) {
  insights::EngagementRequest what;
  what.level = insights::PeriodLevel::kMonth;
  what.from = ParseDate("2026-03-01");
  what.to = ParseDate("2026-04-01");
  what.epsilon = insights::Rational{133, 1'000'000};
  auto tiny = Release(what, kAdmin, ParseDate("2026-04-01"));
  EXPECT_EQ(tiny.status().code(), Status::Code::kInvalidArgument);
  int released = 0, refused = 0;
  for (int k = 2; k < 400; ++k) {
    what.epsilon = insights::Rational{static_cast<uint64_t>(300'000 + k), 1'000'000};
    what.k = k % 50 + 2;
    auto r = Release(what, kAdmin, ParseDate("2026-04-01"));
    if (r.ok()) {
      ++released;
    } else {
      EXPECT_EQ(r.status().code(), Status::Code::kResourceExhausted) << r.status().message();
      EXPECT_NE(r.status().message().find("2026-03"), std::string::npos);
      ++refused;
    }
  }
  // rho(0.3) at delta 5e-8 is about 0.0019 of a budget of 0.255: some 130 fit, then none.
  EXPECT_GT(released, 100);
  EXPECT_LT(released, 250);
  EXPECT_GT(refused, 100);
  auto spent = Spent();
  ASSERT_EQ(spent.size(), 1u);
  const auto& march = spent.begin()->second;
  EXPECT_EQ(march.releases, released);
  EXPECT_LE(insights::EpsilonForRho(static_cast<double>(march.rho_nano) / 1e9, 5e-8),
            4.0 * (1 + 1e-6));
}

}  // namespace
}  // namespace rapport::testing
