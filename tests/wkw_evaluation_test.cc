// The Who Knows Whom evaluation's arithmetic on a hand-made activity: which contacts become
// queries, how each ranking orders the colleagues, and the MRR and recalls that follow.
#include "rapport/insights/wkw_evaluation.h"

#include <gtest/gtest.h>

namespace rapport::insights {
namespace {

constexpr int64_t kSplit = 1'000'000'000;
constexpr int64_t kDay = 86400;

class WkwEvaluationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int64_t id : {1, 2, 3}) Person(id, store::PersonKind::kInternal, "");
    for (int64_t id : {10, 11, 12}) Person(id, store::PersonKind::kExternal, "x.com");
    Person(13, store::PersonKind::kExternal, "gmail.com");
  }
  void Person(int64_t id, store::PersonKind kind, const std::string& domain) {
    store::PersonSummary p;
    p.id = id;
    p.kind = kind;
    p.org_domain = domain;
    activity_.people[id] = p;
  }
  void Mail(int64_t from, int64_t to, int64_t day) {
    store::MailItem m;
    m.id = static_cast<int64_t>(activity_.mail.size()) + 1;
    m.message_id = "m";
    m.message_id += std::to_string(m.id);
    m.sent_at = kSplit + day * kDay;
    m.sender = from;
    m.recipients = {to};
    activity_.mail.push_back(m);
  }
  store::Activity activity_;
};

// Users 1, 2, 3; contacts 10 and 11 at x.com known before the split; 12 new at x.com after it;
// 13 new at gmail.com (free mail: no query).
TEST_F(WkwEvaluationTest, ScoresEachRankingByHand) {
  Mail(1, 10, -100);  // user 1 wrote to contact 10 once, 100 days before
  for (int i = 0; i < 3; ++i) Mail(2, 10, -700);  // user 2 three times, long ago
  Mail(10, 3, -1);                                // contact 10 wrote to user 3 yesterday (one-way)
  Mail(2, 11, -10);
  Mail(2, 10, 5);   // after the split: user 2 deals with contact 10 ...
  Mail(1, 12, 10);  // ... user 1 with the new contact 12
  Mail(3, 13, 10);
  Mail(3, 10, 400);  // beyond the 180-day horizon: not relevant
  const auto r = EvaluateWhoKnowsWhom(activity_, kSplit, 180 * kDay);
  EXPECT_EQ(r.internal_users, 3);

  // Contact 10, relevant {2}. Frequency: 2 (3), 1 (1), 3 (1) -> rank 1. Recency: 3 (day -1),
  // 1 (-100), 2 (-700) -> rank 3. Rapport: raw 2 = 3 * 2^(-700/730) = 1.543, 3 = 1.25 *
  // 2^(-1/730) = 1.249, 1 = 2^(-100/730) = 0.909 -> rank 1.
  const auto& known = r.known_contacts;
  EXPECT_EQ(known.queries, 1);
  EXPECT_DOUBLE_EQ(known.frequency.mrr, 1.0);
  EXPECT_DOUBLE_EQ(known.recency.mrr, 1.0 / 3);
  EXPECT_DOUBLE_EQ(known.recency.recall_at_1, 0.0);
  EXPECT_DOUBLE_EQ(known.recency.recall_at_5, 1.0);
  EXPECT_DOUBLE_EQ(known.rapport.mrr, 1.0);
  EXPECT_DOUBLE_EQ(known.rapport.recall_at_1, 1.0);
  // One query: every resample is that query, so the interval is the value itself.
  EXPECT_DOUBLE_EQ(known.recency.mrr_ci.low, 1.0 / 3);
  EXPECT_DOUBLE_EQ(known.recency.mrr_ci.high, 1.0 / 3);
  EXPECT_FALSE(known.learned.has_value());  // not asked for

  // Contact 12, relevant {1}, ranked on x.com before the split. Frequency: 2 (4), 1 (1),
  // 3 (1) -> rank 2. Recency: 3 (-1), 2 (-10), 1 (-100) -> rank 3. Rapport: 2 (1.543 + 0.991),
  // 3 (1.249), 1 (0.909) -> rank 3.
  const auto& fresh = r.new_contacts_at_known_accounts;
  EXPECT_EQ(fresh.queries, 1);
  EXPECT_DOUBLE_EQ(fresh.frequency.mrr, 0.5);
  EXPECT_DOUBLE_EQ(fresh.frequency.recall_at_1, 0.0);
  EXPECT_DOUBLE_EQ(fresh.recency.mrr, 1.0 / 3);
  EXPECT_DOUBLE_EQ(fresh.rapport.mrr, 1.0 / 3);
}

TEST_F(WkwEvaluationTest, UsersWithNoHistoryFollowInIdOrderForEveryRanking) {
  Mail(3, 10, -5);
  Mail(1, 10, 5);  // relevant: user 1, who never dealt with contact 10 before
  const auto r = EvaluateWhoKnowsWhom(activity_, kSplit, 180 * kDay);
  // Ranked: 3, then 1 and 2 in id order: user 1 is second for all three.
  EXPECT_DOUBLE_EQ(r.known_contacts.rapport.mrr, 0.5);
  EXPECT_DOUBLE_EQ(r.known_contacts.frequency.mrr, 0.5);
  EXPECT_DOUBLE_EQ(r.known_contacts.recency.mrr, 0.5);
}

// Two queries with reciprocal ranks 1 and 1/2: resampled means are 1, 3/4 or 1/2, so the 95 %
// interval runs from 1/2 to 1 (each extreme has a chance of 1/4 per resample).
TEST_F(WkwEvaluationTest, IntervalsComeFromResamplingTheQueries) {
  Mail(1, 10, -5);
  Mail(1, 10, 5);  // contact 10: user 1 first, and relevant
  Mail(3, 11, -5);
  Mail(2, 11, -50);
  Mail(2, 11, 5);  // contact 11: user 3 (more recent, one mail each) first, user 2 relevant
  const auto r = EvaluateWhoKnowsWhom(activity_, kSplit, 180 * kDay);
  const auto& s = r.known_contacts.rapport;
  EXPECT_DOUBLE_EQ(s.mrr, 0.75);
  EXPECT_DOUBLE_EQ(s.mrr_ci.low, 0.5);
  EXPECT_DOUBLE_EQ(s.mrr_ci.high, 1.0);
  EXPECT_LE(s.recall_at_1_ci.low, s.recall_at_1);
  EXPECT_GE(s.recall_at_1_ci.high, s.recall_at_1);
}

// Asked for the learned ranker with a week of history: no model, a reason, and no `learned` row.
TEST_F(WkwEvaluationTest, TooLittleHistoryForALearnedModelSaysSo) {
  Mail(1, 10, -5);
  Mail(1, 10, 5);
  const auto r = EvaluateWhoKnowsWhom(activity_, kSplit, 180 * kDay, {}, true);
  EXPECT_FALSE(r.model.has_value());
  EXPECT_FALSE(r.no_model.empty());
  EXPECT_FALSE(r.known_contacts.learned.has_value());
  EXPECT_EQ(r.known_contacts.queries, 1);
}

TEST_F(WkwEvaluationTest, BulkMailIsNoInteraction) {
  Mail(1, 10, -5);
  Mail(2, 10, 5);
  activity_.mail.back().bulk = true;  // after the split, but a newsletter: nobody is relevant
  EXPECT_EQ(EvaluateWhoKnowsWhom(activity_, kSplit, 180 * kDay).known_contacts.queries, 0);
}

}  // namespace
}  // namespace rapport::insights
