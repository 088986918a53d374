// One member against the tenant's privacy budget over HTTP (issue 15, finding 8): eight POSTs to
// /v1/engagement in about a second spent the whole quarter's budget, and everyone, admins
// included, was refused until the next quarter. Now a member spends at most their share
// (member_release_share, 0.25 by default) on new releases; the rest stays for everyone else.
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
  ServedTenant served("all");  // default budget: epsilon 10 per quarter, 2.5 for each member
  int answered = 0, refused = 0;
  for (int k = 2; k < 10; ++k) {  // the attack: eight new releases in a row
    auto res = served.Post(kEngagement, Release("1.25", k), "member");
    ASSERT_TRUE(res);
    if (res->status == 200) {
      ++answered;
      continue;
    }
    ++refused;
    EXPECT_EQ(res->status, 409) << res->body;
    auto body = json::parse(res->body, nullptr, false);
    EXPECT_EQ(body.value("code", ""), "budget_exhausted") << res->body;
    EXPECT_NE(
        body.value("message", "")
            .find("a member may spend 2.5 of the tenant's 10 (member_release_share 0.25), you have "
                  "spent 2.5, this release needs 1.25"),
        std::string::npos)
        << res->body;
    EXPECT_NE(body.value("message", "").find("ask an admin to raise member_release_share"),
              std::string::npos)
        << res->body;
  }
  EXPECT_EQ(answered, 2);
  EXPECT_EQ(refused, 6);

  // The member's earlier release again: stored, free, and not refused.
  auto repeat = served.Post(kEngagement, Release("1.25", 2), "member");
  ASSERT_TRUE(repeat);
  ASSERT_EQ(repeat->status, 200) << repeat->body;
  EXPECT_EQ(json::parse(repeat->body)["privacy"]["repeated"], true);

  // Everyone else can still release: another member, and an admin beyond any member's share.
  auto other = served.Post(kEngagement, Release("2.5", 10), "owner");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200) << other->body;
  auto admin = served.Post(kEngagement, Release("5", 2), "admin");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->status, 200) << admin->body;

  auto budget = served.Get("/v1/budget", "admin");
  ASSERT_TRUE(budget);
  ASSERT_EQ(budget->status, 200) << budget->body;
  auto doc = json::parse(budget->body);
  EXPECT_EQ(doc["spent_this_quarter"], 10);  // 2.5 + 2.5 + 5
  EXPECT_EQ(doc["member_budget_per_quarter"], 2.5);
  EXPECT_EQ(doc["releases"].size(), 4u);
}

}  // namespace
}  // namespace rapport::testing
