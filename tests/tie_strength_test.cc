// Tie strength (SPEC §4.1, docs/strength.md): every expected value is worked out by hand from
// the default parameters (weights to 1.0, from 1.25, reply to 1.5, reply from 1.9, meeting 2.0;
// half-life 730 days; a term divided by (other participants)^0.1; saturation 8), as
// strength = 1 - exp(-raw / 8).
#include "rapport/insights/tie_strength.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace rapport::insights {
namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr int64_t kDay = 86400;

Interaction At(InteractionKind kind, int64_t days_ago, int participants = 2) {
  return {kind, kNow - days_ago * kDay, participants};
}

TEST(TieStrength, OneEmailToday) {
  std::vector<Interaction> v{At(InteractionKind::kEmailToContact, 0)};
  TieStrength t = ComputeTieStrength(v, kNow);
  EXPECT_DOUBLE_EQ(t.raw, 1.0);
  EXPECT_NEAR(t.strength, 0.117503, 1e-6);  // 1 - e^(-1/8)
  EXPECT_EQ(t.label, TieLabel::kWeak);
  EXPECT_EQ(t.explanation.emails_to, 1);
  EXPECT_EQ(t.explanation.first, kNow);
}

// Three e-mails to the contact today (1.0 each), one from them today (1.25), a meeting two years
// ago (2.0 / 2 = 1.0) and a reply from them (1.9): raw 7.15. Shares: to 3 / 7.15 = 42 %, reply
// from 1.9 / 7.15 = 27 %, from 1.25 / 7.15 = 17 %, the meeting 1.0 / 7.15 = 14 % (fourth: left
// out of three).
TEST(TieStrength, TheReasonsAreTheKindsThatWeighedMost) {
  using K = InteractionKind;
  std::vector<Interaction> v{At(K::kEmailToContact, 0), At(K::kEmailToContact, 0),
                             At(K::kEmailToContact, 0), At(K::kEmailFromContact, 0),
                             At(K::kMeeting, 730),      At(K::kReplyFromContact, 0)};
  TieStrength t = ComputeTieStrength(v, kNow);
  EXPECT_NEAR(t.raw, 7.15, 1e-12);
  double sum = 0;
  for (double w : t.explanation.weight_by_kind) sum += w;
  EXPECT_DOUBLE_EQ(sum, t.raw);
  EXPECT_EQ(TieReasons(t),
            (std::vector<std::string>{"wrote to them 3 times (42 %)", "was answered once (27 %)",
                                      "heard from them once (17 %)"}));
  EXPECT_EQ(TieReasons(t, 4).back(), "met them once (14 %)");
  // A kind under 5 % of the score is no reason: one old e-mail beside many new ones.
  std::vector<Interaction> w(30, At(K::kEmailFromContact, 0));
  w.push_back(At(K::kEmailToContact, 2000));
  EXPECT_EQ(TieReasons(ComputeTieStrength(w, kNow)),
            std::vector<std::string>{"heard from them 30 times (100 %)"});
  EXPECT_TRUE(TieReasons(ComputeTieStrength({}, kNow)).empty());
}

TEST(TieStrength, AgeHalvesAnInteractionEveryTwoYears) {
  std::vector<Interaction> v{At(InteractionKind::kEmailToContact, 730)};
  TieStrength t = ComputeTieStrength(v, kNow);
  EXPECT_DOUBLE_EQ(t.raw, 0.5);
  EXPECT_NEAR(t.strength, 0.060587, 1e-6);  // 1 - e^(-1/16)
}

TEST(TieStrength, MoreParticipantsSayLessAboutThePair) {
  std::vector<Interaction> v{At(InteractionKind::kEmailToContact, 0, 6)};  // u and 5 recipients
  EXPECT_NEAR(ComputeTieStrength(v, kNow).raw, 0.851340, 1e-6);            // 1 / 5^0.1
  TieParameters divide_fully;
  divide_fully.participant_exponent = 1;
  EXPECT_DOUBLE_EQ(ComputeTieStrength(v, kNow, divide_fully).raw, 0.2);  // 1 / 5
}

TEST(TieStrength, OneWayTrafficIsNoRelationship) {
  std::vector<Interaction> v{At(InteractionKind::kEmailFromContact, 0),
                             At(InteractionKind::kEmailFromContact, 0),
                             At(InteractionKind::kReplyFromContact, 0)};
  TieStrength t = ComputeTieStrength(v, kNow);
  EXPECT_EQ(t.strength, 0.0);
  EXPECT_NEAR(t.raw, 4.4, 1e-12);  // 1.25 + 1.25 + 1.9: kept for ranking, never shown
  EXPECT_EQ(t.label, TieLabel::kWeak);
  EXPECT_EQ(t.explanation.emails_from, 2);  // still explained
  EXPECT_EQ(t.explanation.replies_from, 1);
}

// 2 emails to (2.0) + 1 from (1.25) + 1 reply to (1.5) + a meeting of 3 (2.0 / 2^0.1 = 1.866066)
// = 6.616066.
TEST(TieStrength, AConversationWithAMeetingIsFamiliar) {
  std::vector<Interaction> v{
      At(InteractionKind::kEmailToContact, 0), At(InteractionKind::kEmailToContact, 0),
      At(InteractionKind::kEmailFromContact, 0), At(InteractionKind::kReplyToContact, 0),
      At(InteractionKind::kMeeting, 0, 3)};
  TieStrength t = ComputeTieStrength(v, kNow);
  EXPECT_NEAR(t.raw, 6.616066, 1e-6);
  EXPECT_NEAR(t.strength, 0.562644, 1e-6);  // 1 - e^(-0.827008)
  EXPECT_EQ(t.label, TieLabel::kFamiliar);
  EXPECT_EQ(t.explanation.meetings, 1);
}

// Ten one-to-one e-mails today, five each way: 5 x 1.0 + 5 x 1.25 = 11.25 -> 1 - e^(-1.40625).
TEST(TieStrength, TenExchangesTodayAreStrong) {
  std::vector<Interaction> v;
  for (int i = 0; i < 5; ++i) {
    v.push_back(At(InteractionKind::kEmailToContact, 0));
    v.push_back(At(InteractionKind::kEmailFromContact, 0));
  }
  TieStrength t = ComputeTieStrength(v, kNow);
  EXPECT_NEAR(t.raw, 11.25, 1e-12);
  EXPECT_NEAR(t.strength, 0.754939, 1e-6);
  EXPECT_EQ(t.label, TieLabel::kStrong);
}

TEST(TieStrength, TheFutureIsNotEvidence) {
  std::vector<Interaction> v{At(InteractionKind::kMeeting, -7)};  // next week's meeting
  TieStrength t = ComputeTieStrength(v, kNow);
  EXPECT_EQ(t.strength, 0.0);
  EXPECT_EQ(t.explanation.meetings, 0);
}

TEST(TieStrength, LabelsFollowTheSpecThresholds) {
  EXPECT_EQ(LabelFor(0.7), TieLabel::kStrong);
  EXPECT_EQ(LabelFor(0.6999), TieLabel::kFamiliar);
  EXPECT_EQ(LabelFor(0.4), TieLabel::kFamiliar);
  EXPECT_EQ(LabelFor(0.3999), TieLabel::kWeak);
  EXPECT_EQ(TieLabelName(TieLabel::kFamiliar), "familiar");
}

// Properties over random interaction sets: adding an interaction, or making one more recent,
// never lowers the strength, and the order of the interactions does not matter.
TEST(TieStrength, MoreOrNewerInteractionsNeverLowerItAndOrderDoesNotMatter) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> kind(0, 4), days(0, 720), people(2, 12);
  auto random_interaction = [&] {
    return At(static_cast<InteractionKind>(kind(rng)), days(rng), people(rng));
  };
  for (int round = 0; round < 500; ++round) {
    std::vector<Interaction> v(static_cast<size_t>(round % 9 + 1));
    std::generate(v.begin(), v.end(), random_interaction);
    const double base = ComputeTieStrength(v, kNow).strength;

    auto more = v;
    more.push_back(random_interaction());
    EXPECT_GE(ComputeTieStrength(more, kNow).strength, base);

    auto newer = v;
    newer[0].at = std::min(kNow, newer[0].at + 30 * kDay);
    EXPECT_GE(ComputeTieStrength(newer, kNow).strength, base);

    auto shuffled = v;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    EXPECT_EQ(ComputeTieStrength(shuffled, kNow).strength, base);  // exactly, not nearly
  }
}

// The ranker's features take the raw score alone (TieRawScore): it must be the very same double,
// whatever the order, with future interactions ignored alike.
TEST(TieStrength, TheRawScoreAloneIsExactlyTheStrengthsRawScore) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> kind(0, 4), days(-30, 3000), people(2, 40);
  for (int round = 0; round < 500; ++round) {
    std::vector<Interaction> v(static_cast<size_t>(round % 40 + 1));
    std::generate(v.begin(), v.end(), [&] {
      return At(static_cast<InteractionKind>(kind(rng)), days(rng), people(rng));
    });
    const double raw = ComputeTieStrength(v, kNow).raw;
    EXPECT_EQ(TieRawScore(v, kNow), raw);  // exactly, not nearly
    std::shuffle(v.begin(), v.end(), rng);
    EXPECT_EQ(TieRawScore(v, kNow), raw);
  }
  EXPECT_EQ(TieRawScore({}, kNow), 0.0);
}

}  // namespace
}  // namespace rapport::insights
