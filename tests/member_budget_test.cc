// One member against the privacy budget over HTTP (issue 15, finding 8, and issue 16's fair use):
// eight POSTs to /v1/engagement in about a second once spent the whole quarter's budget. Now each
// month of data has a lifetime budget of its own, and a member or guest makes at most
// member_releases_per_month new releases a month (4 by default), each at most enrichment_epsilon;
// admins are not capped, and asking again for a stored release is free.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "served_tenant.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

const std::string kEngagement = "/v1/engagement?as_of=" + kAsOf;

// A new request each time k changes (k is part of what makes a release).
std::string Release(const std::string& epsilon, int k) {
  return R"({"period":"year","epsilon":")" + epsilon + R"(","k":)" + std::to_string(k) + "}";
}

TEST(MemberBudget, OneMemberCannotSpendEveryonesBudget) {
  ServedTenant served("all");  // defaults: epsilon 4 per month for life, 4 releases a member
  int answered = 0, refused = 0;
  for (int k = 2; k < 10; ++k) {  // the attack: eight new releases in a row
    auto res = served.Post(kEngagement, Release("0.5", k), "member");
    ASSERT_TRUE(res);
    if (res->status == 200) {
      ++answered;
      continue;
    }
    ++refused;
    EXPECT_EQ(res->status, 409) << res->body;
    auto body = json::parse(res->body, nullptr, false);
    EXPECT_EQ(body.value("code", ""), "budget_exhausted") << res->body;
    EXPECT_NE(body.value("message", "")
                  .find("you made 4 new releases this month, the most a member may "
                        "(member_releases_per_month 4)"),
              std::string::npos)
        << res->body;
  }
  EXPECT_EQ(answered, 4);
  EXPECT_EQ(refused, 4);

  // The member's earlier release again: stored, free, and not refused.
  auto repeat = served.Post(kEngagement, Release("0.5", 2), "member");
  ASSERT_TRUE(repeat);
  ASSERT_EQ(repeat->status, 200) << repeat->body;
  EXPECT_EQ(json::parse(repeat->body)["privacy"]["repeated"], true);

  // What a release would cost, before it runs: nothing spent.
  auto preview = served.Post(kEngagement + "&preview=true", Release("1", 10), "owner");
  ASSERT_TRUE(preview);
  ASSERT_EQ(preview->status, 200) << preview->body;
  auto cost = json::parse(preview->body);
  EXPECT_EQ(cost["allowed"], true);
  EXPECT_FALSE(cost["privacy"]["months"].empty());

  // Everyone else can still release: another member, and an admin above a member's epsilon.
  auto other = served.Post(kEngagement, Release("1", 10), "owner");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200) << other->body;
  auto greedy = served.Post(kEngagement, Release("3.5", 11), "owner");
  ASSERT_TRUE(greedy);
  EXPECT_EQ(greedy->status, 409) << greedy->body;  // above enrichment_epsilon (3)
  auto admin = served.Post(kEngagement, Release("2", 2), "admin");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 200) << admin->body;

  auto budget = served.Get("/v1/budget", "admin");
  ASSERT_TRUE(budget);
  ASSERT_EQ(budget->status, 200) << budget->body;
  auto doc = json::parse(budget->body);
  EXPECT_EQ(doc["epsilon_per_month"], 4);
  EXPECT_EQ(doc["member_releases_per_month"], 4);
  EXPECT_EQ(doc["releases"].size(), 6u);
  for (const auto& m : doc["months"]) {  // every month read stays within its lifetime budget
    EXPECT_LE(m["epsilon_spent"].get<double>(), 4.0) << m;
    EXPECT_EQ(m["releases"], 6) << m;
  }
}

}  // namespace
}  // namespace rapport::testing
