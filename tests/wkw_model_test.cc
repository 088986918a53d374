// The learned Who Knows Whom ranker (wkw_model.h) on hand-made histories: its features read only
// the past, it learns a pattern the formula misses, and it is deterministic.
#include "rapport/insights/wkw_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <random>

namespace rapport::insights {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kT0 = 1'700'000'000;

Interaction Mail(int64_t day, InteractionKind kind = InteractionKind::kEmailToContact) {
  return {kind, kT0 + day * kDay, 2};
}

// Sixty contacts at fabrikam.example. For contact k, colleague 1 + k % 3 wrote to them 20 times
// in days 0..99 and never again; colleague 4 + k % 3 writes every 10 days from day 100 + k % 10
// to day 600. A colleague who wrote recently keeps dealing with the contact; one with many old
// mails does not -- which the formula (two-year half-life) gets wrong early on.
struct Sample {
  std::vector<TieInteractions> ties;
  std::unordered_map<int64_t, std::string> organisation_of;
};

Sample MakeSample() {
  Sample s;
  for (int64_t k = 0; k < 60; ++k) {
    const int64_t contact = 100 + k;
    s.organisation_of[contact] = "fabrikam.example";
    TieInteractions old{1 + k % 3, contact, {}};
    for (int i = 0; i < 20; ++i) old.interactions.push_back(Mail(i * 5));
    TieInteractions ongoing{4 + k % 3, contact, {}};
    for (int64_t day = 100 + k % 10; day < 600; day += 10) {
      ongoing.interactions.push_back(Mail(day));
      ongoing.interactions.push_back(Mail(day + 1, InteractionKind::kEmailFromContact));
    }
    s.ties.push_back(old);
    s.ties.push_back(ongoing);
  }
  return s;
}

TEST(WkwHistory, FeaturesReadOnlyWhatHappenedBefore) {
  Sample s = MakeSample();
  const WkwHistory before(s.ties, s.organisation_of);
  const int64_t at = kT0 + 300 * kDay;
  const auto x = before.FeaturesAt(4, 100, "fabrikam.example", at);
  for (auto& t : s.ties) {
    t.interactions.push_back(Mail(300));  // at the cut-off itself, and later
    t.interactions.push_back(Mail(400, InteractionKind::kMeeting));
  }
  const WkwHistory after(s.ties, s.organisation_of);
  EXPECT_EQ(after.FeaturesAt(4, 100, "fabrikam.example", at), x);
  EXPECT_TRUE(DealtWithContact(x));
  // Colleague 2 never wrote to contact 100, only to others at fabrikam.example: a candidate with
  // account features only.
  const auto y = before.FeaturesAt(2, 100, "fabrikam.example", at);
  EXPECT_FALSE(DealtWithContact(y));
  EXPECT_EQ(before.CandidatesAt(100, "fabrikam.example", at),
            (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(before.CandidatesAt(100, "", kT0 + 50 * kDay), (std::vector<int64_t>{1}));
}

// A history prepared at a time (what a kept organisation's history is) gives, at that time, the
// features computed from the interactions themselves, bit for bit, and at any other time too.
TEST(WkwHistory, PreparedFeaturesAreTheComputedOnesBitForBit) {
  std::mt19937_64 random(11);
  for (int round = 0; round < 20; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::vector<TieInteractions> ties;
    std::unordered_map<int64_t, std::string> organisation_of;
    for (int64_t contact = 100; contact < 112; ++contact) {
      organisation_of[contact] = contact % 3 == 0   ? ""
                                 : contact % 3 == 1 ? "a.example"
                                                    : "b.example";
      for (int64_t user = 1; user <= 6; ++user) {
        if (random() % 3 == 0) continue;
        TieInteractions tie{user, contact, {}};
        for (int n = static_cast<int>(random() % 12); n > 0; --n) {
          // Whole days and repeated times, so that equal terms and equal times occur.
          tie.interactions.push_back({static_cast<InteractionKind>(random() % 5),
                                      kT0 + static_cast<int64_t>(random() % 900) * kDay / 2,
                                      2 + static_cast<int>(random() % 4)});
        }
        ties.push_back(std::move(tie));
      }
    }
    const WkwHistory computed(ties, organisation_of);
    const int64_t at = kT0 + static_cast<int64_t>(random() % 500) * kDay;
    const WkwHistory prepared(ties, organisation_of, at);
    for (int64_t user = 1; user <= 6; ++user) {
      for (int64_t contact = 99; contact < 112; ++contact) {  // 99: a contact with no ties
        const std::string organisation = contact == 99 ? "a.example" : organisation_of[contact];
        for (int64_t when : {at, at + 40 * kDay}) {
          const WkwFeatures a = computed.FeaturesAt(user, contact, organisation, when);
          const WkwFeatures b = prepared.FeaturesAt(user, contact, organisation, when);
          for (size_t f = 0; f < kWkwFeatures; ++f) {
            EXPECT_EQ(std::bit_cast<uint64_t>(a[f]), std::bit_cast<uint64_t>(b[f]))
                << WkwFeatureName(f) << " of user " << user << ", contact " << contact;
          }
        }
      }
    }
  }
}

TEST(WkwModel, LearnsThatWhoWroteRecentlyKeepsDealingWithAContact) {
  const Sample s = MakeSample();
  const WkwHistory history(s.ties, s.organisation_of);
  std::string why;
  const auto model =
      TrainWkwModel(history, s.organisation_of, kT0 + 700 * kDay, WkwTrainingOptions{}, &why);
  ASSERT_TRUE(model.has_value()) << why;
  EXPECT_EQ(model->horizon_days, 90);
  EXPECT_EQ(model->cutoffs.size(), 30u);
  EXPECT_EQ(model->cutoffs.front(), kT0 + (700 - 90) * kDay);
  EXPECT_GT(model->positives, 0);

  // Day 150 for contact 100: colleague 1 has 20 old mails, colleague 4 five recent ones. The
  // formula prefers colleague 1; the model colleague 4, with a chance well apart.
  const int64_t at = kT0 + 150 * kDay;
  const auto old = history.FeaturesAt(1, 100, "fabrikam.example", at);
  const auto ongoing = history.FeaturesAt(4, 100, "fabrikam.example", at);
  EXPECT_GT(ComputeTieStrength(history.Pair(1, 100), at).raw,
            ComputeTieStrength(history.Pair(4, 100), at).raw);
  const double p_old = model->Probability(old), p_ongoing = model->Probability(ongoing);
  EXPECT_GT(p_ongoing, 0.5);
  EXPECT_LT(p_old, 0.5);
  EXPECT_GT(p_old, 0.0);
  // The contributions add up to the log-odds.
  double eta = model->intercept;
  for (double c : model->Contributions(ongoing)) eta += c;
  EXPECT_NEAR(1.0 / (1.0 + std::exp(-eta)), p_ongoing, 1e-12);
}

// Negatives sampled too (fewer examples allowed than there are): by a hash, not by order.
TEST(WkwModel, TheSameHistoryInAnyOrderGivesTheSameModel) {
  Sample s = MakeSample();
  WkwTrainingOptions sampled;
  sampled.max_examples = 1500;
  const auto first = TrainWkwModel(WkwHistory(s.ties, s.organisation_of), s.organisation_of,
                                   kT0 + 700 * kDay, sampled, nullptr);
  std::mt19937 random(7);
  std::shuffle(s.ties.begin(), s.ties.end(), random);
  for (auto& t : s.ties) std::shuffle(t.interactions.begin(), t.interactions.end(), random);
  const auto second = TrainWkwModel(WkwHistory(s.ties, s.organisation_of), s.organisation_of,
                                    kT0 + 700 * kDay, sampled, nullptr);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->weights, second->weights);
  EXPECT_EQ(first->intercept, second->intercept);
  EXPECT_EQ(first->examples, second->examples);
  const auto all = TrainWkwModel(WkwHistory(s.ties, s.organisation_of), s.organisation_of,
                                 kT0 + 700 * kDay, {}, nullptr);
  ASSERT_TRUE(all);
  EXPECT_GT(all->examples, first->examples);  // some negatives were left out
  EXPECT_EQ(all->positives, first->positives);
}

TEST(WkwModel, TooLittleHistoryTrainsNothingAndSaysWhy) {
  Sample s = MakeSample();
  s.ties.resize(4);  // two contacts, at four cut-offs: at most 8 colleagues dealt with them
  WkwTrainingOptions options;
  options.cutoffs = 4;
  std::string why;
  EXPECT_FALSE(TrainWkwModel(WkwHistory(s.ties, s.organisation_of), s.organisation_of,
                             kT0 + 700 * kDay, options, &why));
  EXPECT_NE(why.find("needed"), std::string::npos) << why;
  // Nothing before the first cut-off's month of history: no cut-off at all.
  EXPECT_FALSE(TrainWkwModel(WkwHistory(MakeSample().ties, s.organisation_of), s.organisation_of,
                             kT0 + 100 * kDay, {}, &why));
}

}  // namespace
}  // namespace rapport::insights
