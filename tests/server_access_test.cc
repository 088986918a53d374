// The access matrix over HTTP: every insight route x every principal role x every consent state
// gets the policy point's decision (200, or 403 with its reason), a denied caller's response holds
// none of the subject's data, and the admin-only and members-only routes refuse everyone else.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "served_tenant.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

struct InsightRoute {
  InsightKind kind;
  std::string method, path, body;
};

const std::vector<InsightRoute> kInsightRoutes = {
    {InsightKind::kWhoKnowsWhom, "GET", "/v1/who-knows?target=" + kContact + "&as_of=" + kAsOf, ""},
    {InsightKind::kRelationship, "GET", "/v1/relationship?target=" + kContact + "&as_of=" + kAsOf,
     ""},
    {InsightKind::kPersonal, "GET", "/v1/me?as_of=" + kAsOf, ""},
    {InsightKind::kEngagement, "POST", "/v1/engagement?as_of=" + kAsOf, R"({"period":"year"})"},
};

// Over HTTP, personal insights are always the caller's own: every caller is the "owner" there.
char Expected(InsightKind kind, size_t caller, size_t state) {
  const size_t row = kind == InsightKind::kPersonal ? 1 : caller;
  return kMatrix.at(kind)[row][state];
}

TEST(HttpAccessMatrix, EveryRouteCallerAndConsentStateGetsThePolicyDecision) {
  for (size_t state = 0; state < std::size(kConsentStates); ++state) {
    ServedTenant served(kConsentStates[state]);
    for (const auto& route : kInsightRoutes) {
      for (size_t c = 0; c < std::size(kCallers); ++c) {
        const Caller& caller = kCallers[c];
        if (std::string(caller.tenant) != "Northwind") continue;  // no token for another tenant
        auto res = route.method == "GET" ? served.Get(route.path, caller.name)
                                         : served.Post(route.path, route.body, caller.name);
        ASSERT_TRUE(res) << route.path;
        const char code = Expected(route.kind, c, state);
        const std::string where = route.path + " as " + caller.name + ", consent " +
                                  kConsentStates[state] + ": " + res->body;
        auto body = json::parse(res->body, nullptr, false);
        ASSERT_FALSE(body.is_discarded()) << where;
        if (code == 'A') {
          EXPECT_EQ(res->status, 200) << where;
          continue;
        }
        EXPECT_EQ(res->status, 403) << where;
        EXPECT_EQ(body.value("code", ""), "forbidden") << where;
        EXPECT_EQ(body.value("message", ""), Reason(code, route.kind)) << where;
        EXPECT_EQ(body.value("request_id", "").size(), 16u) << where;
        EXPECT_EQ(body.value("request_id", ""), res->get_header_value("X-Request-Id"));
        // A denial carries nothing about the subject or anyone else's mail.
        for (const char* secret : {"xavier", "fabrikam", "alice@", "dave@", "carol@"}) {
          EXPECT_EQ(res->body.find(secret), std::string::npos) << secret << " in " << where;
        }
      }
    }
  }
}

TEST(HttpAccessMatrix, AnAllowedAnswerLeavesOutTheExcludedGroup) {
  ServedTenant served("all");
  auto res = served.Get(kInsightRoutes[0].path, "member");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  auto body = json::parse(res->body);
  std::vector<std::string> colleagues;
  for (const auto& c : body["colleagues"]) colleagues.push_back(c["address"]);
  std::sort(colleagues.begin(), colleagues.end());
  // carol is in "M&A", which the identifiable grant excludes: never listed.
  EXPECT_EQ(colleagues,
            (std::vector<std::string>{"ada@northwind.example", "alice@northwind.example",
                                      "dave@northwind.example"}))
      << res->body;
  EXPECT_EQ(res->body.find("carol"), std::string::npos);
}

// Routes for admins only, and for admins and members only.
const char* const kAdminRoutes[] = {"/v1/consent/history",
                                    "/v1/consent/receipts/personal-1",
                                    "/v1/opt-outs",
                                    "/v1/audit",
                                    "/v1/audit/verify",
                                    "/v1/budget",
                                    "/v1/stats"};
const char* const kMemberRoutes[] = {"/v1/consent", "/v1/accounts", "/v1/directory"};

TEST(HttpRoles, AdminRoutesAreForAdminsAndMemberRoutesNeverForGuests) {
  ServedTenant served("all");
  for (const Caller& caller : kCallers) {
    if (std::string(caller.tenant) != "Northwind") continue;
    const std::string role = caller.name;
    const bool admin = role == "admin";
    const bool member = admin || role == "owner" || role == "member";
    for (const char* path : kAdminRoutes) {
      auto res = served.Get(path, role);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, admin ? 200 : 403) << path << " as " << role << ": " << res->body;
      if (!admin) {
        EXPECT_EQ(json::parse(res->body).value("message", ""), "only a tenant admin may do this");
      }
    }
    for (const char* path : kMemberRoutes) {
      auto res = served.Get(path, role);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, member ? 200 : 403) << path << " as " << role << ": " << res->body;
    }
    for (const auto& [path, body] : {std::pair{"/v1/consent/personal/grant", "{}"},
                                     std::pair{"/v1/consent/personal/revoke", "{}"}}) {
      if (admin) continue;  // the admin's own grant and revoke are tested elsewhere
      auto res = served.Post(path, body, role);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 403) << path << " as " << role;
    }
  }
}

TEST(HttpRoles, AUserMayOptOnlyThemselvesOut) {
  ServedTenant served("all");
  auto other = served.Post("/v1/opt-outs", R"({"user":"alice@northwind.example"})", "member");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 403) << other->body;
  EXPECT_EQ(json::parse(other->body).value("message", ""),
            "only an admin may opt out someone else");
  auto self = served.Post("/v1/opt-outs", R"({"user":"dave@northwind.example"})", "member");
  ASSERT_TRUE(self);
  EXPECT_EQ(self->status, 200) << self->body;
  // dave is gone from Who Knows Whom at once; opting back in is his too.
  auto wkw = served.Get(kInsightRoutes[0].path, "admin");
  ASSERT_TRUE(wkw);
  EXPECT_EQ(wkw->body.find("dave@"), std::string::npos) << wkw->body;
  auto back = served.Delete("/v1/opt-outs/dave@northwind.example", "member");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->status, 200) << back->body;
}

TEST(HttpSignIn, NoTokenAnUnknownARevokedOrAnExpiredTokenIs401) {
  ServedTenant served("all");
  const std::string path = kInsightRoutes[0].path;
  auto expired = consent::AccessTokens(served.tenant().store())
                     .Create("dave@northwind.example", 100, 1);  // expired long ago
  ASSERT_TRUE(expired.ok());
  auto revoked =
      consent::AccessTokens(served.tenant().store()).Create("dave@northwind.example", {}, 1);
  ASSERT_TRUE(revoked.ok());
  ASSERT_TRUE(consent::AccessTokens(served.tenant().store()).Revoke(revoked->id, 2).ok());
  const std::pair<httplib::Headers, std::string> cases[] = {
      {{}, "no bearer token: send Authorization: Bearer TOKEN (rapport token create makes one)"},
      {{{"Authorization", "Bearer rpt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
       "unknown token"},
      {{{"Authorization", "Basic " + served.token("admin")}},
       "no bearer token: send Authorization: Bearer TOKEN (rapport token create makes one)"},
      {{{"Authorization", "Bearer " + expired->token}}, "token expired"},
      {{{"Authorization", "Bearer " + revoked->token}}, "token revoked"},
  };
  for (const auto& [headers, message] : cases) {
    auto res = served.Client().Get(path.c_str(), headers);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << message;
    EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer realm=\"rapport\"");
    auto body = json::parse(res->body);
    EXPECT_EQ(body.value("code", ""), "unauthorized");
    EXPECT_EQ(body.value("message", ""), message);
    EXPECT_EQ(res->body.find("xavier"), std::string::npos);
  }
  // A token in the query string is not a token.
  auto query = served.Get(path + "&access_token=" + served.token("admin"), "");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->status, 401);
}

}  // namespace
}  // namespace rapport::testing
