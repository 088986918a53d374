// Browsing over HTTP: search suggestions that offer people only when the policy allows it (one
// audited decision per search), and what has been released about one account, read for free.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "served_tenant.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

json Body(const httplib::Result& res) {
  return res ? json::parse(res->body, nullptr, false) : json();
}

bool OffersPerson(const json& suggestions, const std::string& address) {
  for (const auto& s : suggestions) {
    if (s["kind"] == "person" && s["target"] == address) return true;
  }
  return false;
}

size_t PersonSearches(ServedTenant& served) {
  auto audit = served.Get("/v1/audit?what=person&limit=1000", "admin");
  EXPECT_EQ(audit->status, 200) << audit->body;
  return Body(audit).size();
}

TEST(Browse, SuggestionsOfferPeopleOnceThePolicyAllowsAndAuditEachSearch) {
  ServedTenant served("all");
  const size_t before = PersonSearches(served);
  auto res = served.Get("/v1/suggestions?q=xav", "member");
  ASSERT_EQ(res->status, 200) << res->body;
  const json offered = Body(res);
  ASSERT_TRUE(OffersPerson(offered, kContact)) << offered.dump();
  for (const auto& s : offered) {
    if (s["kind"] != "person") continue;
    EXPECT_NE(s["label"].get<std::string>().find(kContact), std::string::npos) << s.dump();
  }
  // By a word of the address too, whatever the case.
  EXPECT_TRUE(OffersPerson(Body(served.Get("/v1/suggestions?q=XAVIER%40fab", "member")), kContact));
  EXPECT_EQ(PersonSearches(served), before + 2);  // one decision per search, no more
  // Nothing to search for: no decision, nothing offered.
  EXPECT_EQ(Body(served.Get("/v1/suggestions?q=%40%20", "member")), json::array());
  EXPECT_EQ(PersonSearches(served), before + 2);
}

TEST(Browse, WithoutIdentifiableConsentNoPersonIsSuggested) {
  ServedTenant served("personal");
  auto res = served.Get("/v1/suggestions?q=xav", "member");
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_FALSE(OffersPerson(Body(res), kContact)) << res->body;
  auto audit = served.Get("/v1/audit?what=person&decision=deny&limit=1000", "admin");
  ASSERT_EQ(audit->status, 200);
  EXPECT_EQ(Body(audit).size(), 1u);  // the denied search is in the audit
}

TEST(Browse, ReleasedEngagementIsWhatWasReleasedAndCostsNothing) {
  ServedTenant served("all");
  auto release =
      served.Post("/v1/engagement?as_of=" + kAsOf, R"({"period":"month","k":2})", "admin");
  ASSERT_EQ(release->status, 200) << release->body;
  json released = json::array();
  const json release_doc = Body(release);
  for (const auto& row : release_doc["rows"]) {
    if (row["AccountName"] == "fabrikam.example") released.push_back(row);
  }
  const json budget = Body(served.Get("/v1/budget", "admin"));
  auto res = served.Get("/v1/engagement/released?account=fabrikam.example", "member");
  ASSERT_EQ(res->status, 200) << res->body;
  const json doc = Body(res);
  json shown = json::array();
  for (const auto& r : doc["rows"]) {
    EXPECT_EQ(r["level"], "Month");
    shown.push_back(r["row"]);
  }
  EXPECT_EQ(shown, released);
  EXPECT_EQ(doc.contains("empty_reason"), released.empty());
  EXPECT_EQ(Body(served.Get("/v1/budget", "admin")), budget);  // reading spent nothing

  auto unknown = served.Get("/v1/engagement/released?account=nobody.example", "member");
  ASSERT_EQ(unknown->status, 200);
  EXPECT_TRUE(Body(unknown)["rows"].empty());
  auto missing = served.Get("/v1/engagement/released", "member");
  EXPECT_EQ(missing->status, 400);
}

TEST(Browse, ReleasedEngagementNeedsAggregatedConsent) {
  ServedTenant served("identifiable");
  auto res = served.Get("/v1/engagement/released?account=fabrikam.example", "member");
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(Body(res).value("message", ""), "consent aggregated not in force");
}

}  // namespace
}  // namespace rapport::testing
