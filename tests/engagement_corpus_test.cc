// Account engagement on real mail (Enron) and on the sample organisation (SPEC §4.5, issue 7):
// the Office Enrichment CSV comes out; no released row has fewer than k true contributors; no
// internal address or user id appears in it; and removing one colleague moves every row's true
// totals by no more than the bounds the noise is calibrated to (the neighbouring dataset).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <set>

#include "engagement_support.h"
#include "insights/engagement_mechanism.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

const std::string kAdmin = "admin@rapport-tests.example";

// Every address of the store's internal people (lower-case keys as stored).
std::vector<std::string> InternalAddresses(const std::string& db) {
  std::vector<std::string> out;
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(h,
                     "SELECT a.address FROM address a JOIN person p ON p.id = a.person_id "
                     "WHERE p.kind = 'internal'",
                     -1, &s, nullptr);
  while (sqlite3_step(s) == SQLITE_ROW) {
    out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
}

// The internal person who sent the most mail to external people: surely a contributor.
int64_t BusiestColleague(const std::string& db) {
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(h,
                     "SELECT a.person_id FROM message m JOIN address a ON a.id = m.sender_id "
                     "JOIN person p ON p.id = a.person_id AND p.kind = 'internal' "
                     "JOIN participant t ON t.message = m.id JOIN address r ON r.id = t.address "
                     "JOIN person q ON q.id = r.person_id AND q.kind = 'external' "
                     "GROUP BY a.person_id ORDER BY count(*) DESC LIMIT 1",
                     -1, &s, nullptr);
  int64_t id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
  sqlite3_finalize(s);
  sqlite3_close(h);
  return id;
}

// Runs a release as the admin and checks what every release must hold.
json CheckRelease(const std::string& db, const std::string& args, const std::string& from,
                  const std::string& to, int k) {
  auto csv = RunRapport("--db " + db + " enrichment --as " + kAdmin + " " + args);
  EXPECT_EQ(csv.exit_code, 0) << csv.err;
  const auto lines = Lines(csv.out);
  EXPECT_FALSE(lines.empty());
  if (!lines.empty()) {
    EXPECT_EQ(lines[0].rfind("AccountId,AccountName,AggregationLevel,", 0), 0u);
  }
  // No internal address, and no user id: the only numbers are counts, dates and account ids.
  for (const auto& address : InternalAddresses(db)) {
    EXPECT_EQ(csv.out.find(address), std::string::npos) << address;
  }
  EXPECT_EQ(csv.out.find('@'), std::string::npos);
  // The same request as JSON is the stored release: same rows, nothing spent.
  auto stored = RunRapport("--db " + db + " enrichment --as " + kAdmin + " " + args + " --json");
  EXPECT_EQ(stored.exit_code, 0) << stored.err;
  json release = json::parse(stored.out);
  EXPECT_TRUE(release["privacy"]["repeated"].get<bool>());
  EXPECT_EQ(release["rows"].size() + 1, lines.size());
  // Every released row had at least k true contributors.
  auto truth = TotalsByAccount(db, from, to, insights::PeriodLevel::kYear, true);
  for (const auto& row : release["rows"]) {
    std::string key = row["AccountName"];
    key += '@';
    key += std::to_string(ParseDate(row["AggregationStartDate"]));
    EXPECT_TRUE(truth.count(key)) << key;
    EXPECT_GE(truth[key].users, k) << key;
  }
  return release;
}

// Removing one colleague changes each row's true totals by at most the per-row bound, in at
// most accounts_per_user rows per period: what the noise scales are computed from.
void CheckNeighbour(const std::string& db, const std::string& from, const std::string& to,
                    int accounts_per_user) {
  const int64_t colleague = BusiestColleague(db);
  ASSERT_NE(colleague, 0);
  auto with = TotalsByAccount(db, from, to, insights::PeriodLevel::kYear, true);
  auto without = TotalsByAccount(db, from, to, insights::PeriodLevel::kYear, true, colleague);
  const insights::ContributionBounds b;
  const std::vector<int64_t> bound = {
      1,          1,          1,          b.emails,          b.emails, b.meetings,
      b.meetings, b.contacts, b.contacts, b.meeting_minutes, 1,        b.reply_minutes};
  std::map<size_t, int> changed_per_period;
  for (const auto& [key, row] : with) {
    const auto it = without.find(key);
    const insights::RowTotals other = it == without.end() ? insights::RowTotals{} : it->second;
    const auto a = insights::Values(row), c = insights::Values(other);
    bool changed = false;
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_LE(std::abs(a[i] - c[i]), bound[i]) << key << " measurement " << i;
      changed = changed || a[i] != c[i];
    }
    if (changed) ++changed_per_period[row.period];
  }
  ASSERT_FALSE(changed_per_period.empty()) << "the busiest colleague contributed nothing";
  for (const auto& [period, n] : changed_per_period) EXPECT_LE(n, accounts_per_user);
  for (const auto& [key, row] : without) EXPECT_TRUE(with.count(key)) << key;
}

TEST(EngagementEnron, TheCsvComesOutAndHoldsItsPromises) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  TempDir dir;
  const std::string db = dir / "enron.db";
  ASSERT_EQ(InitConsented(db, "--tenant Enron --domain enron.com").exit_code, 0);
  auto ingest =
      RunRapport("--db " + db + " ingest " + corpus + "/jpvance123_Amdocs_ML_Email_Analytics");
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  // Two years of Enron, by year, at epsilon 4 (within the default budget of 10): accounts many
  // Enron people wrote to, such as azurix.com, clear the threshold of about 50.
  json release = CheckRelease(db,
                              "--period year --from 2000-01-01 --to 2002-01-01 "
                              "--as-of 2002-01-01 --epsilon 4",
                              "2000-01-01", "2002-01-01", 5);
  EXPECT_GE(release["rows"].size(), 5u);
  EXPECT_EQ(release["privacy"]["partitions_per_user"], 6);
  CheckNeighbour(db, "2000-01-01", "2002-01-01", 3);
}

TEST(EngagementSample, TheCsvComesOutAndHoldsItsPromises) {
  TempDir dir;
  const std::string db = dir / "sample.db";
  ASSERT_EQ(RunRapport("sample --out " + (dir / "org") + " --messages 20000 --seed 7").exit_code,
            0);
  ASSERT_EQ(InitConsented(db, "--tenant Northwind --domain northwind.example").exit_code, 0);
  ASSERT_EQ(RunRapport("--db " + db + " ingest " + (dir / "org")).exit_code, 0);
  // A twelve-person company whose accounts are each served by a few of them: no row of five
  // survives a useful epsilon (docs/privacy.md, "Accounting"). Nearly without noise (epsilon 100,
  // room made in the budget) and with each colleague counted for up to 6 accounts a year, the
  // accounts most of them serve come out -- and still only those with at least k = 5.
  for (const char* setting :
       {"privacy_budget_per_quarter 1000", "enrichment_accounts_per_user 6"}) {
    ASSERT_EQ(RunRapport("--db " + db + " settings set " + setting + " --by " + kAdmin).exit_code,
              0);
  }
  json release = CheckRelease(db,
                              "--period year --from 2026-01-01 --to 2027-01-01 "
                              "--as-of 2026-06-28 --epsilon 100",
                              "2026-01-01", "2027-01-01", 5);
  EXPECT_GE(release["rows"].size(), 1u);
  // b = 2 x 6 / 100 = 0.12, and e^(-s/0.12) / (1 + e^(-1/0.12)) <= 1e-6 / 6 from s = 2.
  EXPECT_EQ(release["privacy"]["threshold"].get<int>(), 5 + 2);
  CheckNeighbour(db, "2026-01-01", "2027-01-01", 6);
}

}  // namespace
}  // namespace rapport::testing
