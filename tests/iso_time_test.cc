// Times a user writes (issue 15, finding 10): an impossible date such as 2026-02-30 was read as
// 2026-03-02. Now the one strict reader takes only times that exist, and every option and
// parameter that takes a time refuses the rest: exit 2 with one line on the command line, 400
// bad_request over HTTP, each naming the option or parameter, the value and the form it wants.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rapport/api/iso_time.h"
#include "served_tenant.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

TEST(StrictUtc, RealDatesAndTimesAreReadExactly) {
  const std::pair<const char*, int64_t> cases[] = {
      {"1970-01-01", 0},
      {"1969-12-31", -86400},
      {"2000-02-29", 951782400},  // divisible by 400: a leap year
      {"2024-02-29", 1709164800},
      {"2026-04-01T12:30:00Z", 1775046600},
      {"2026-12-31T23:59:59Z", 1798761599},
      {"2026-01-31", 1769817600},
  };
  for (const auto& [text, seconds] : cases) {
    auto at = api::ParseUtc("--as-of", text);
    ASSERT_TRUE(at.ok()) << text << ": " << at.status().message();
    EXPECT_EQ(*at, seconds) << text;
  }
}

TEST(StrictUtc, ImpossibleDatesAndTimesAreRefusedWithTheReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"2026-02-30", "February 2026 has 28 days"},
      {"2026-02-29", "February 2026 has 28 days"},  // not a leap year
      {"2100-02-29", "February 2100 has 28 days"},  // divisible by 100, not by 400
      {"1900-02-29", "February 1900 has 28 days"},
      {"2024-02-30", "February 2024 has 29 days"},
      {"2026-04-31", "April 2026 has 30 days"},
      {"2026-06-31", "June 2026 has 30 days"},
      {"2026-01-32", "January 2026 has 31 days"},
      {"2026-13-01", "there is no month 13"},
      {"2026-00-10", "there is no month 0"},
      {"2026-01-00", "there is no day 0"},
      {"2026-04-01T24:00:00Z", "there is no hour 24"},
      {"2026-04-01T25:00:00Z", "there is no hour 25"},
      {"2026-04-01T12:60:00Z", "there is no minute 60"},
      {"2026-04-01T12:00:60Z", "there is no second 60"},
  };
  for (const auto& [text, why] : cases) {
    auto at = api::ParseUtc("--as-of", text);
    ASSERT_FALSE(at.ok()) << text << " read as " << *at;
    EXPECT_EQ(at.status().code(), Status::Code::kInvalidArgument);
    const std::string& msg = at.status().message();
    EXPECT_EQ(msg.rfind("--as-of: '" + std::string(text) + "' is not a real ", 0), 0u) << msg;
    EXPECT_NE(msg.find(why), std::string::npos) << msg;
    EXPECT_NE(msg.find("YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"), std::string::npos) << msg;
  }
}

TEST(StrictUtc, OnlyTheTwoFormsAreDates) {
  for (const char* text :
       {"", "yesterday", "2026-4-1", "2026-04-1", " 2026-04-01", "2026-04-01 ", "2026/04/01",
        "20260401", "+2026-04-01", "-026-04-01", "2026-0a-01", "2026-04-01T12:00:00",
        "2026-04-01T12:00Z", "2026-04-01 12:00:00Z", "2026-04-01T12:00:00+02:00",
        "2026-04-01t12:00:00z", "2026-04-01T12:00:00.5Z"}) {
    auto at = api::ParseUtc("'as_of'", text);
    ASSERT_FALSE(at.ok()) << "'" << text << "' read as " << *at;
    EXPECT_NE(at.status().message().find("'as_of': '" + std::string(text) + "' is not a date"),
              std::string::npos)
        << at.status().message();
  }
  // A hostile value stays one short line.
  auto nasty = api::ParseUtc("--since", "2026-02-30\nrapport: all is well" + std::string(500, 'x'));
  ASSERT_FALSE(nasty.ok());
  EXPECT_EQ(nasty.status().message().find('\n'), std::string::npos);
  EXPECT_LT(nasty.status().message().size(), 160u) << nasty.status().message();
}

class StrictDatesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "store.db";
    auto r = InitConsented(db_, "--tenant Northwind --domain northwind.example");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CommandResult Rapport(const std::string& args) { return RunRapport("--db " + db_ + " " + args); }
  TempDir dir_;
  std::string db_;
};

// Every option that takes a time, with an impossible one: exit 2 and one line naming the option,
// the value and the form.
TEST_F(StrictDatesCli, EveryDateOptionRefusesAnImpossibleDate) {
  const std::string as = " --as alice@northwind.example";
  const std::pair<std::string, std::string> cases[] = {
      {"who-knows bob@fabrikam.example" + as + " --as-of 2026-02-30", "--as-of: '2026-02-30'"},
      {"relationship bob@fabrikam.example" + as + " --as-of 2026-04-31", "--as-of: '2026-04-31'"},
      {"me" + as + " --as-of 2026-13-01", "--as-of: '2026-13-01'"},
      {"introduce bob@fabrikam.example --via carol@northwind.example" + as + " --as-of 2026-01-00",
       "--as-of: '2026-01-00'"},
      {"enrichment --period month" + as + " --as-of 2100-02-29", "--as-of: '2100-02-29'"},
      {"enrichment --period month" + as + " --from 2026-02-29", "--from: '2026-02-29'"},
      {"enrichment --period month" + as + " --to 2026-04-01T25:00:00Z",
       "--to: '2026-04-01T25:00:00Z'"},
      {"token create --user alice@northwind.example --expires 2099-02-30",
       "--expires: '2099-02-30'"},
      {"audit list --since 2026-02-30", "--since: '2026-02-30'"},
      {"eval wkw --split 2026-06-31", "--split: '2026-06-31'"},
  };
  for (const auto& [args, named] : cases) {
    auto r = Rapport(args);
    EXPECT_EQ(r.exit_code, 2) << args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("rapport: usage error: " + named + " is not a real "), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << args;
  }
  // Nothing was created on the way.
  EXPECT_EQ(json::parse(Rapport("token list --json").out).size(), 0u);
}

TEST_F(StrictDatesCli, RealDatesStillWork) {
  auto since = Rapport("audit list --json --since 2024-02-29");
  EXPECT_EQ(since.exit_code, 0) << since.err;
  auto who =
      Rapport("who-knows bob@fabrikam.example --as alice@northwind.example --as-of 2000-02-29");
  // Past the date check: the store knows no bob, which is a failure, not a usage error.
  EXPECT_EQ(who.exit_code, 1) << who.err;
  EXPECT_EQ(who.err.find("usage error"), std::string::npos) << who.err;
}

// Over HTTP: 400 bad_request, the message naming the parameter and the value.
TEST(StrictDatesHttp, AnImpossibleDateIsABadRequestNamingTheParameter) {
  ServedTenant served("all");
  const std::string who = "/v1/who-knows?target=" + kContact;
  struct Case {
    std::string method, path, body, caller, named;
  };
  const Case cases[] = {
      {"GET", who + "&as_of=2026-02-30", "", "member", "'as_of': '2026-02-30'"},
      {"GET", who + "&as_of=2026-04-01T25:00:00Z", "", "member", "'as_of': '2026-04-01T25:00:00Z'"},
      {"GET", "/v1/relationship?target=" + kContact + "&as_of=2026-04-31", "", "member",
       "'as_of': '2026-04-31'"},
      {"GET", "/v1/me?as_of=2026-13-01", "", "member", "'as_of': '2026-13-01'"},
      {"POST", "/v1/engagement?as_of=2100-02-29", "{}", "member", "'as_of': '2100-02-29'"},
      {"POST", "/v1/engagement", R"({"period":"month","from":"2026-02-29"})", "member",
       "'from': '2026-02-29'"},
      {"POST", "/v1/engagement", R"({"period":"month","to":"2026-06-31"})", "member",
       "'to': '2026-06-31'"},
      {"GET", "/v1/audit?since=2026-02-30", "", "admin", "'since': '2026-02-30'"},
  };
  for (const auto& c : cases) {
    auto res =
        c.method == "GET" ? served.Get(c.path, c.caller) : served.Post(c.path, c.body, c.caller);
    ASSERT_TRUE(res) << c.path;
    EXPECT_EQ(res->status, 400) << c.path << ": " << res->body;
    auto body = json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << res->body;
    EXPECT_EQ(body.value("code", ""), "bad_request") << res->body;
    EXPECT_NE(body.value("message", "").find(c.named + " is not a real "), std::string::npos)
        << c.path << ": " << res->body;
  }
  // The real leap day is a date.
  auto leap = served.Get(who + "&as_of=2024-02-29", "member");
  ASSERT_TRUE(leap);
  EXPECT_EQ(leap->status, 200) << leap->body;
}

}  // namespace
}  // namespace rapport::testing
