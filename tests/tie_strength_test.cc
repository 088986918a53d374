// Tie strength (SPEC §4.1, docs/strength.md): every expected value is worked out by hand from
// the default parameters (weights to 1.0, from 0.6, reply to 1.5, reply from 1.2, meeting 2.0;
// half-life 90 days; saturation 3), as strength = 1 - exp(-raw / 3).
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
  EXPECT_NEAR(t.strength, 0.283469, 1e-6);  // 1 - e^(-1/3)
  EXPECT_EQ(t.label, TieLabel::kWeak);
  EXPECT_EQ(t.explanation.emails_to, 1);
  EXPECT_EQ(t.explanation.first, kNow);
}

TEST(TieStrength, AgeHalvesAnInteractionEveryNinetyDays) {
  std::vector<Interaction> v{At(InteractionKind::kEmailToContact, 90)};
  TieStrength t = ComputeTieStrength(v, kNow);
  EXPECT_DOUBLE_EQ(t.raw, 0.5);
  EXPECT_NEAR(t.strength, 0.153518, 1e-6);  // 1 - e^(-1/6)
}

TEST(TieStrength, MoreParticipantsSayLessAboutThePair) {
  std::vector<Interaction> v{At(InteractionKind::kEmailToContact, 0, 6)};  // u and 5 recipients
  EXPECT_DOUBLE_EQ(ComputeTieStrength(v, kNow).raw, 0.2);
}

TEST(TieStrength, OneWayTrafficIsNoRelationship) {
  std::vector<Interaction> v{At(InteractionKind::kEmailFromContact, 0),
                             At(InteractionKind::kEmailFromContact, 1),
                             At(InteractionKind::kReplyFromContact, 2)};
  TieStrength t = ComputeTieStrength(v, kNow);
  EXPECT_EQ(t.strength, 0.0);
  EXPECT_EQ(t.label, TieLabel::kWeak);
  EXPECT_EQ(t.explanation.emails_from, 2);  // still explained
  EXPECT_EQ(t.explanation.replies_from, 1);
}

// 2 emails to (2.0) + 1 from (0.6) + 1 reply to (1.5) + a meeting of 3 (2.0 / 2 = 1.0) = 5.1.
TEST(TieStrength, AConversationWithAMeetingIsStrong) {
  std::vector<Interaction> v{
      At(InteractionKind::kEmailToContact, 0), At(InteractionKind::kEmailToContact, 0),
      At(InteractionKind::kEmailFromContact, 0), At(InteractionKind::kReplyToContact, 0),
      At(InteractionKind::kMeeting, 0, 3)};
  TieStrength t = ComputeTieStrength(v, kNow);
  EXPECT_NEAR(t.raw, 5.1, 1e-12);
  EXPECT_NEAR(t.strength, 0.817316, 1e-6);  // 1 - e^(-1.7)
  EXPECT_EQ(t.label, TieLabel::kStrong);
  EXPECT_EQ(t.explanation.meetings, 1);
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

}  // namespace
}  // namespace rapport::insights
