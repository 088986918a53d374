// Relationship analytics and personal insights as a user runs them (SPEC §4.3, §4.4): a
// hand-built mailbox and calendar whose every KPI the test works out by hand, the policy point
// in front, and the settings that shape them.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mail_fixtures.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

constexpr const char* kAsOf = "2026-03-10";  // a Tuesday, 00:00 UTC

const std::string kAlice = "alice@northwind.example", kCarol = "carol@fabrikam.example";

std::vector<std::pair<std::string, std::string>> Files() {
  std::vector<std::pair<std::string, std::string>> f = {
      // In the 14-day window (24 Feb - 10 Mar): alice writes, carol answers in 4 h, alice
      // answers that in 21 h, carol writes again to alice and bob late on Sunday 8 March.
      {"mail/cur/r1", Mail("r1@n", "Tue, 3 Mar 2026 09:00:00 +0000", kAlice, kCarol,
                           "Cc: ann@northwind.example\r\n")},
      {"mail/cur/r2",
       Mail("r2@f", "Tue, 3 Mar 2026 13:00:00 +0000", kCarol, kAlice, "In-Reply-To: <r1@n>\r\n")},
      {"mail/cur/r3",
       Mail("r3@n", "Wed, 4 Mar 2026 10:00:00 +0000", kAlice, kCarol, "In-Reply-To: <r2@f>\r\n")},
      {"mail/cur/r4",
       Mail("r4@f", "Sun, 8 Mar 2026 20:00:00 +0000", kCarol, kAlice + ", bob@northwind.example")},
      // The 14 days before: one e-mail, unanswered.
      {"mail/cur/r5", Mail("r5@n", "Fri, 20 Feb 2026 12:00:00 +0000", kAlice, kCarol)},
      // A newsletter (ignored), bob to dave at the same company, bob to alice (unanswered).
      {"mail/cur/r6", Mail("r6@f", "Fri, 6 Mar 2026 07:00:00 +0000", "news@fabrikam.example",
                           kAlice, "Precedence: bulk\r\n")},
      {"mail/cur/r7", Mail("r7@n", "Fri, 6 Mar 2026 09:00:00 +0000", "bob@northwind.example",
                           "dave@fabrikam.example")},
      {"mail/cur/r8",
       Mail("r8@n", "Mon, 9 Mar 2026 09:00:00 +0000", "bob@northwind.example", kAlice)},
      {"mail/cur/r9",
       Mail("r9@n", "Sun, 1 Feb 2026 09:00:00 +0000", kAlice, "bob@northwind.example")},
      // frank meets carol with hal and ian (gail declined): 1 h, 3 of ours.
      {"cal/g1.ics", Event("g1", "20260305T100000Z", "20260305T110000Z", "frank@northwind.example",
                           Attendee(kCarol) + Attendee("hal@northwind.example") +
                               Attendee("ian@northwind.example") +
                               Attendee("gail@northwind.example", "DECLINED"))},
      {"cal/g2.ics", Event("g2", "20260304T100000Z", "20260304T110000Z", "frank@northwind.example",
                           Attendee(kCarol), "CANCELLED")},
      {"cal/g3.ics", Event("g3", "20260320T100000Z", "20260320T110000Z", "frank@northwind.example",
                           Attendee(kCarol))},
      // alice meets carol for 1.5 h, and will again on 12 March.
      {"cal/g5.ics", Event("g5", "20260302T140000Z", "20260302T153000Z", kAlice, Attendee(kCarol))},
      {"cal/g6.ics", Event("g6", "20260312T140000Z", "20260312T150000Z", kAlice, Attendee(kCarol))},
  };
  // zed: twelve one-to-one e-mails in December, six each way: a strong tie, quiet since.
  for (int i = 0; i < 12; ++i) {
    const std::string zed = "zed@contoso.example";
    // Built by appending: g++ 12 -O3 warns falsely on "literal" + std::to_string(...).
    std::string date = "Mon, ", file = "mail/cur/z", id = "z";
    date += std::to_string(1 + i);
    date += " Dec 2025 10:00:00 +0000";
    file += std::to_string(i);
    id += std::to_string(i);
    id += "@x";
    f.push_back({file, Mail(id, date, i % 2 ? zed : kAlice, i % 2 ? kAlice : zed)});
  }
  return f;
}

class RelationshipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "store.db";
    auto r = IngestFiles(dir_, db_, Files());
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  json Run(const std::string& args) {
    auto r = RunRapport("--db " + db_ + " " + args + " --as-of " + kAsOf + " --json");
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
    return json::parse(r.out, nullptr, false);
  }
  void Set(const std::string& name, const std::string& value) {
    auto r = RunRapport("--db " + db_ + " settings set " + name + " " + value +
                        " --by admin@rapport-tests.example");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  json Relationship(const std::string& target) {
    return Run("relationship " + target + " --as " + kAlice + " --days 14");
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(RelationshipTest, EveryKpiOfAContactByHand) {
  json r = Relationship(kCarol);
  const json& us = r["by_us"];
  const json& them = r["by_them"];
  EXPECT_EQ(us["emails_sent"], 2);      // r1, r3
  EXPECT_EQ(us["emails_received"], 2);  // r2, r4
  EXPECT_EQ(us["replies"], 1);
  EXPECT_EQ(us["median_response_hours"], 21.0);
  EXPECT_EQ(them["replies"], 1);
  EXPECT_EQ(them["median_response_hours"], 4.0);
  // Meetings both attended: g1 and g5 (not the cancelled g2, not g3 ahead).
  EXPECT_EQ(r["meetings"], 2);
  EXPECT_EQ(us["meetings_organised"], 2);
  EXPECT_EQ(them["meetings_organised"], 0);
  // Ours: write 2 x 5 min; read r2 once, r4 twice (alice, bob): 3 x 2.5 min; g1 1 h x 3
  // attendees (frank, hal, ian); g5 1.5 h x 1 = 17.5 min + 4.5 h = 4.79 h. Theirs: write 2 x 5,
  // read r1, r3 (ann's copy is ours) 2 x 2.5 = 15 min; g1 1 h, g5 1.5 h, not multiplied = 2.75 h.
  EXPECT_EQ(us["hours_spent"], 4.79);
  EXPECT_EQ(them["hours_spent"], 2.75);
  EXPECT_EQ(r["last_interaction"], "2026-03-08T20:00:00Z");
  EXPECT_EQ(r["next_interaction"], "2026-03-12T14:00:00Z");
  // alice: r1, r2, r3, r4 and g5; bob r4; frank, hal and ian g1; ann only copied on ours.
  ASSERT_EQ(r["most_contacted"].size(), 3u);
  EXPECT_EQ(r["most_contacted"][0]["address"], kAlice);
  EXPECT_EQ(r["most_contacted"][0]["interactions"], 5);
  EXPECT_EQ(r.dump().find("ann@"), std::string::npos);
  EXPECT_EQ(r.dump().find("gail@"), std::string::npos);
  // Weeks from Monday, UTC: 23 Feb (nothing), 2 Mar (all of it), 9 Mar (nothing yet).
  ASSERT_EQ(r["timeline"].size(), 3u);
  EXPECT_EQ(
      r["timeline"][1],
      json({{"week", "2026-03-02"}, {"emails_by_us", 2}, {"emails_by_them", 2}, {"meetings", 2}}));
  // Health: activity (2 + 2 + 2) / 4 -> 1; reciprocity 1; replies 21 h and 4 h -> median 12.5 ->
  // 24/36.5; last contact 1.2 days ago -> 1: 93. The 14 days before: r5 only: 38 (see
  // health_score_test): up.
  EXPECT_EQ(r["health"]["score"], 93);
  EXPECT_EQ(r["health"]["grade"], "Good");
  EXPECT_EQ(r["health"]["previous_score"], 38);
  EXPECT_EQ(r["health"]["trend"], "up");
}

TEST_F(RelationshipTest, AnAccountCountsEveryoneThere) {
  json r = Relationship("@fabrikam.example");
  EXPECT_EQ(r["by_us"]["emails_sent"], 3);    // and bob to dave
  EXPECT_EQ(r["by_them"]["emails_sent"], 2);  // the newsletter is not a relationship
  EXPECT_EQ(r["target"], "@fabrikam.example");
  EXPECT_EQ(r["target_kind"], "domain");
  EXPECT_EQ(Relationship("fabrikam.example")["target_kind"], "account");
  EXPECT_EQ(Relationship(kCarol)["target_kind"], "contact");
}

TEST_F(RelationshipTest, WeeksFollowTheTenantsTimeZone) {
  // Sunday 8 March 20:00 UTC is Monday 9 March 09:00 in Auckland (UTC+13).
  Set("time_zone", "Pacific/Auckland");
  json r = Relationship(kCarol);
  ASSERT_EQ(r["timeline"].size(), 3u);
  EXPECT_EQ(r["timeline"][1]["emails_by_them"], 1);
  EXPECT_EQ(
      r["timeline"][2],
      json({{"week", "2026-03-09"}, {"emails_by_us", 0}, {"emails_by_them", 1}, {"meetings", 0}}));
}

TEST_F(RelationshipTest, SettingsShowListsTheInsightSettings) {
  auto defaults = RunRapport("--db " + db_ + " settings show --json");
  ASSERT_EQ(defaults.exit_code, 0) << defaults.err;
  json d = json::parse(defaults.out);
  EXPECT_EQ(d["health_weight_meeting"], "1");
  EXPECT_EQ(d["expected_frequency"], "weekly");
  EXPECT_EQ(d["grade_ranges"], "60,40");
  EXPECT_EQ(d["time_zone"], "UTC");
  EXPECT_EQ(d["cold_after_days"], "30");
  Set("health_weight_meeting", "0.75");
  Set("time_zone", "Europe/Berlin");
  json after = json::parse(RunRapport("--db " + db_ + " settings show --json").out);
  EXPECT_EQ(after["health_weight_meeting"], "0.75");
  EXPECT_EQ(after["time_zone"], "Europe/Berlin");
  auto stranger = RunRapport("--db " + db_ + " settings set time_zone UTC --by " + kAlice);
  EXPECT_EQ(stranger.exit_code, 1);  // only an admin changes settings
}

TEST_F(RelationshipTest, SettingsShapeTheScore) {
  Set("health_weight_meeting", "1.5");
  Set("expected_frequency", "daily");
  Set("grade_ranges", "95,45");
  // 14 expected days x 2; 2 + 2 + 1.5 x 2 = 7 -> 0.25; recency 1 / 1.1667 days.
  json r = Relationship(kCarol);
  const double activity = 7.0 / 28, recency = 1 / (28.0 / 24);
  const double score = 40 * activity + 20 + 20 * 24 / 36.5 + 20 * recency;  // 60.3
  EXPECT_EQ(r["health"]["score"], static_cast<int>(std::lround(score)));
  EXPECT_EQ(r["health"]["grade"], "Fair");
  auto bad = RunRapport("--db " + db_ +
                        " settings set health_weight_meeting 2 --by "
                        "admin@rapport-tests.example");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("0.5 to 1.5"), std::string::npos) << bad.err;
  auto zone = RunRapport("--db " + db_ +
                         " settings set time_zone Mars/Olympus --by "
                         "admin@rapport-tests.example");
  EXPECT_EQ(zone.exit_code, 1);
}

TEST_F(RelationshipTest, GoesThroughThePolicyPoint) {
  auto r = RunRapport("--db " + db_ + " relationship " + kCarol + " --as guest@other.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "rapport: error: not allowed: caller is not a user of this tenant\n");
  ASSERT_EQ(RunRapport("--db " + db_ + " optout add " + kAlice).exit_code, 0);
  // alice opted out of identifiable insights: absent, so never shown and never counted. Left:
  // carol's r4 (to alice and bob) as hers, and g1 (frank, hal, ian); not r1, r3, g5.
  json after = Relationship(kCarol);
  EXPECT_EQ(after.dump().find(kAlice), std::string::npos);
  EXPECT_EQ(after["by_us"]["emails_sent"], 0);
  EXPECT_EQ(after["by_them"]["emails_sent"], 1);
  EXPECT_EQ(after["by_us"]["emails_received"], 1);
  EXPECT_EQ(after["meetings"], 1);
  // Ours: reading r4 (bob's copy only) 2.5 min + g1 1 h x 3 = 3.04 h.
  EXPECT_EQ(after["by_us"]["hours_spent"], 3.04);
  ASSERT_EQ(after["most_contacted"].size(), 3u);  // three of bob, frank, hal and ian, once each
  for (const auto& c : after["most_contacted"]) EXPECT_EQ(c["interactions"], 1);
}

// The home page's list: each account as relationship analytics sees that account, and how much
// of it is the caller's own.
TEST_F(RelationshipTest, AccountsOverviewByHandAndAsEachAccountsRelationship) {
  json o = Run("accounts overview --as " + kAlice + " --days 14");
  ASSERT_EQ(o["total"], 1) << o.dump();  // zed's contoso.example is quiet since December
  ASSERT_EQ(o["shown"], 1);
  EXPECT_EQ(o["mine"], 1);
  const json& a = o["accounts"][0];
  EXPECT_EQ(a["account"], "fabrikam.example");
  EXPECT_EQ(a["emails_by_us"], 3);    // r1, r3 and bob to dave
  EXPECT_EQ(a["emails_by_them"], 2);  // r2, r4; never the newsletter
  EXPECT_EQ(a["meetings"], 2);        // g1, g5
  EXPECT_EQ(a["last_interaction"], "2026-03-08T20:00:00Z");
  // alice, bob (r4, r7), frank, hal and ian (g1); ann was only copied on ours, gail declined.
  EXPECT_EQ(a["colleagues"], 5);
  EXPECT_EQ(a["my_interactions"], 5);  // r1, r2, r3, r4 and g5
  // activity 1, reciprocity 2/3, replies 21 h and 4 h -> 24/36.5, recency 1:
  // (40 + 13.33 + 13.15 + 20) = 86.48 -> 86. The 14 days before: r5 only, 38 (as for carol).
  EXPECT_EQ(a["score"], 86);
  EXPECT_EQ(a["grade"], "Good");
  EXPECT_EQ(a["previous_score"], 38);
  EXPECT_EQ(a["trend"], "up");
  json r = Relationship("fabrikam.example");
  EXPECT_EQ(a["score"], r["health"]["score"]);
  EXPECT_EQ(a["previous_score"], r["health"]["previous_score"]);
  EXPECT_EQ(a["trend"], r["health"]["trend"]);
  EXPECT_EQ(a["last_interaction"], r["last_interaction"]);
  EXPECT_EQ(a["emails_by_us"], r["by_us"]["emails_sent"]);
  EXPECT_EQ(a["meetings"], r["meetings"]);

  // Over 60 days, zed's December mail is in the window before: listed, below, and falling.
  json wide = Run("accounts overview --as " + kAlice);
  ASSERT_EQ(wide["total"], 2) << wide.dump();
  EXPECT_EQ(wide["accounts"][0]["account"], "fabrikam.example");  // the newest first
  const json& quiet = wide["accounts"][1];
  EXPECT_EQ(quiet["account"], "contoso.example");
  EXPECT_EQ(quiet["last_interaction"], "2025-12-12T10:00:00Z");
  EXPECT_EQ(quiet["emails_by_us"], 0);
  EXPECT_EQ(quiet["my_interactions"], 0);
  EXPECT_EQ(quiet["trend"], "down");
  json zed = Run("relationship contoso.example --as " + kAlice);
  EXPECT_EQ(quiet["score"], zed["health"]["score"]);
  EXPECT_EQ(quiet["previous_score"], zed["health"]["previous_score"]);
  EXPECT_EQ(wide["mine"], 1);  // alice wrote to zed only in the window before
  // Lowest health first, and by name: contoso before fabrikam either way.
  for (const char* sort : {"health", "name"}) {
    json sorted = Run("accounts overview --as " + kAlice + " --sort " + sort);
    EXPECT_EQ(sorted["sort"], sort);
    EXPECT_EQ(sorted["accounts"][0]["account"], "contoso.example") << sort;
  }
  EXPECT_EQ(Run("accounts overview --as " + kAlice + " --sort falling")["accounts"][0]["account"],
            "contoso.example");  // falling
}

// A reply is a reply however old the mail it answers: alice answers, on 9 March, zed's last
// e-mail of 12 December, 87 days before and older than both windows read for the trend.
TEST_F(RelationshipTest, AReplyToMailOlderThanBothWindowsIsStillAReply) {
  WriteFile(dir_ / "late/cur/z12", Mail("z12@n", "Mon, 9 Mar 2026 10:00:00 +0000", kAlice,
                                        "zed@contoso.example", "In-Reply-To: <z11@x>\r\n"));
  auto ingest = RunRapport("--db " + db_ + " ingest " + (dir_ / "late"));
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  json r = Relationship("contoso.example");
  EXPECT_EQ(r["by_us"]["emails_sent"], 1);
  EXPECT_EQ(r["by_us"]["replies"], 1);
  EXPECT_EQ(r["by_us"]["median_response_hours"], 87 * 24.0);
  EXPECT_EQ(r["by_them"]["emails_sent"], 0);  // zed's December mail is before both windows
  json o = Run("accounts overview --as " + kAlice + " --days 14");
  ASSERT_EQ(o["total"], 2) << o.dump();
  for (const json& a : o["accounts"]) {
    if (a["account"] != "contoso.example") continue;
    EXPECT_EQ(a["score"], r["health"]["score"]);
    EXPECT_EQ(a["previous_score"], r["health"]["previous_score"]);
  }
}

TEST_F(RelationshipTest, AccountsOverviewMineIsTheCallersOwnAndSaysWhyWhenEmpty) {
  json bob = Run("accounts overview --as bob@northwind.example --days 14 --mine");
  ASSERT_EQ(bob["shown"], 1);
  EXPECT_EQ(bob["accounts"][0]["my_interactions"], 2);  // r4 and r7
  json ann = Run("accounts overview --as ann@northwind.example --days 14 --mine");
  EXPECT_EQ(ann["shown"], 0);
  EXPECT_EQ(ann["total"], 1);
  EXPECT_NE(ann["empty_reason"].get<std::string>().find("your colleagues did"), std::string::npos)
      << ann.dump();
  auto text = RunRapport("--db " + db_ + " accounts overview --as " + kAlice +
                         " --days 14 --as-of " + kAsOf);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("fabrikam.example"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("1 of 1 accounts shown; you dealt with 1 of them"), std::string::npos)
      << text.out;
  auto guest = RunRapport("--db " + db_ + " accounts overview --as guest@other.example");
  EXPECT_EQ(guest.exit_code, 1);
  EXPECT_EQ(guest.err, "rapport: error: not allowed: caller is not a user of this tenant\n");
}

// Colleagues are shown with the job title and department the directory gives them.
TEST_F(RelationshipTest, ColleaguesCarryTheirJobTitleAndDepartment) {
  WriteFile(dir_ / "dir.csv",
            "address,display_name,department,job_title\n"
            "alice@northwind.example,Alice Smith,Sales East,Account Executive\n");
  auto imported = RunRapport("--db " + db_ + " directory import " + (dir_ / "dir.csv"));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  json r = Relationship(kCarol);
  ASSERT_FALSE(r["most_contacted"].empty());
  EXPECT_EQ(r["most_contacted"][0]["address"], kAlice);
  EXPECT_EQ(r["most_contacted"][0]["job_title"], "Account Executive");
  EXPECT_EQ(r["most_contacted"][0]["department"], "Sales East");
  json who = Run("who-knows " + kCarol + " --as bob@northwind.example");
  ASSERT_FALSE(who["colleagues"].empty());
  EXPECT_EQ(who["colleagues"][0]["job_title"], "Account Executive");
  auto person =
      RunRapport("--db " + db_ + " people show " + kAlice + " --as " + kAlice + " --json");
  ASSERT_EQ(person.exit_code, 0) << person.err;
  EXPECT_EQ(json::parse(person.out)["job_title"], "Account Executive");
}

TEST_F(RelationshipTest, MeIsAboutTheCallerOnly) {
  json me = Run("me --as " + kAlice);
  // zed: 6 x 1.0 + 6 x 1.25, about 100 days old: strong, quiet since 12 December: going cold.
  ASSERT_FALSE(me["going_cold"].empty());
  EXPECT_EQ(me["going_cold"][0]["address"], "zed@contoso.example");
  EXPECT_EQ(me["going_cold"][0]["label"], "strong");
  EXPECT_EQ(me["top_contacts"][0]["address"], "zed@contoso.example");
  EXPECT_EQ(me["top_contacts"][1]["address"], kCarol);
  EXPECT_EQ(me.dump().find("news@"), std::string::npos);  // a newsletter is no contact
  EXPECT_EQ(me.dump().find("ann@"), std::string::npos);   // alice never wrote to ann
  // Awaiting alice, newest first: bob's r8 and carol's r4 (r2 was answered by r3).
  ASSERT_EQ(me["awaiting_reply"].size(), 2u);
  EXPECT_EQ(me["awaiting_reply_total"], 2);
  EXPECT_EQ(me["awaiting_reply"][0]["from"], "bob@northwind.example");
  EXPECT_EQ(me["awaiting_reply"][1]["from"], kCarol);
  EXPECT_EQ(me["my_median_response_hours"], 21.0);
  EXPECT_EQ(me["others_median_response_hours"], 4.0);
  // g5: 1.5 h in 28 days = 0.375 h a week. g6 on 12 March with carol is ahead.
  EXPECT_EQ(me["meeting_hours_per_week"], 0.38);
  ASSERT_EQ(me["upcoming_external_meetings"].size(), 1u);
  EXPECT_EQ(me["upcoming_external_meetings"][0]["external"][0], kCarol);

  auto other = RunRapport("--db " + db_ +
                          " access check --as bob@northwind.example --insight "
                          "personal --subject " +
                          kAlice);
  EXPECT_NE(other.out.find("personal insights are only for their owner"), std::string::npos);
  auto stranger = RunRapport("--db " + db_ + " me --as mallory@evil.example");
  EXPECT_EQ(stranger.exit_code, 1);
  EXPECT_NE(stranger.err.find("not allowed"), std::string::npos);
}

// A week's window (4 - 11 March) reads only its own mail, yet alice's r3 (4 March) still answers
// carol's r2 (3 March, before the window) in 21 h, and bob's r8 still awaits alice's reply
// because she wrote to bob on 1 February (r9), long before the window.
TEST_F(RelationshipTest, MeOverAShortWindowKeepsRepliesAndWritersFromBeforeIt) {
  auto r = RunRapport("--db " + db_ + " me --as " + kAlice + " --days 7 --as-of 2026-03-11 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json me = json::parse(r.out);
  EXPECT_EQ(me["my_median_response_hours"], 21.0);
  EXPECT_EQ(me["others_median_response_hours"], nullptr);  // r2 answered r1 before the window
  ASSERT_EQ(me["awaiting_reply"].size(), 2u);
  EXPECT_EQ(me["awaiting_reply"][0]["from"], "bob@northwind.example");
  EXPECT_EQ(me["awaiting_reply"][1]["from"], kCarol);
  // The ties are not the window's: zed, quiet since December, is still the strongest.
  EXPECT_EQ(me["top_contacts"][0]["address"], "zed@contoso.example");
}

// The store's mail ends in March 2026; today is later. Without --as-of every insight is as of the
// end of the last day with data (g3, 20 March: the latest message or meeting not cancelled), and
// says so; a given --as-of is kept.
TEST_F(RelationshipTest, WithoutAsOfInsightsAreAsOfTheLastDayWithData) {
  auto run = [&](const std::string& args) {
    auto r = RunRapport("--db " + db_ + " " + args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  };
  for (const char* insight :
       {"who-knows carol@fabrikam.example", "relationship @fabrikam.example", "me"}) {
    json doc = json::parse(run(std::string(insight) + " --as " + kAlice + " --json"));
    EXPECT_EQ(doc["as_of"], "2026-03-20T23:59:59Z") << insight;
    EXPECT_EQ(doc["data_up_to"], "2026-03-20") << insight;
    json given = json::parse(
        run(std::string(insight) + " --as " + kAlice + " --as-of " + kAsOf + " --json"));
    EXPECT_EQ(given["as_of"], "2026-03-10T00:00:00Z") << insight;
    EXPECT_EQ(given["data_up_to"], "2026-03-20") << insight;
  }
  EXPECT_NE(run("who-knows carol@fabrikam.example --as " + kAlice)
                .find("as of 2026-03-20 (data up to 2026-03-20)"),
            std::string::npos);
  // Old data answers: carol is a tie as of March, not "0.00 weak" as of today.
  json wkw = json::parse(run("who-knows carol@fabrikam.example --as bob@northwind.example --json"));
  ASSERT_FALSE(wkw["colleagues"].empty());
  EXPECT_GT(wkw["colleagues"][0]["strength"].get<double>(), 0.0);
}

// An admin reads the audit as who asked about whom: addresses where the person may be shown,
// the account or domain asked about, a hash for someone who opted out; filters and pages.
TEST_F(RelationshipTest, TheAuditSaysWhoLookedUpWhomAndPages) {
  Run("who-knows " + kCarol + " --as " + kAlice);
  Run("who-knows @fabrikam.example --as " + kAlice);
  ASSERT_EQ(RunRapport("--db " + db_ + " optout add zed@contoso.example").exit_code, 0);
  EXPECT_EQ(RunRapport("--db " + db_ + " who-knows zed@contoso.example --as " + kAlice).exit_code,
            1);
  auto list = [&](const std::string& args) {
    auto r = RunRapport("--db " + db_ + " audit list --json " + args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  };
  json mine = list("--who " + kAlice + " --what who-knows-whom");
  ASSERT_EQ(mine.size(), 3u);
  EXPECT_EQ(mine[0]["subject_address"], kCarol);
  EXPECT_EQ(mine[0]["decision"], "allow");
  EXPECT_EQ(mine[1]["account"], "@fabrikam.example");
  EXPECT_EQ(mine[1]["subject_address"], nullptr);
  EXPECT_EQ(mine[2]["subject_address"], nullptr) << "zed opted out: still only a hash";
  EXPECT_EQ(mine[2]["subject"].get<std::string>().rfind("hmac:", 0), 0u);
  EXPECT_EQ(mine[2]["decision"], "deny");
  json denied = list("--decision deny");
  ASSERT_FALSE(denied.empty());
  for (const auto& e : denied) EXPECT_EQ(e["decision"], "deny");
  EXPECT_EQ(list("--who nobody@northwind.example").size(), 0u);

  // Paging: two at a time, oldest first or newest first, each page after the last one seen.
  json all = list("");
  ASSERT_GE(all.size(), 3u);
  json first = list("--limit 2");
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0]["seq"], all[0]["seq"]);
  json next = list("--limit 2 --after " + first[1]["seq"].dump());
  EXPECT_EQ(next[0]["seq"], all[2]["seq"]);
  json newest = list("--newest-first --limit 1");
  EXPECT_EQ(newest[0]["seq"], all.back()["seq"]);
  json older = list("--newest-first --limit 1 --after " + newest[0]["seq"].dump());
  EXPECT_EQ(older[0]["seq"], all[all.size() - 2]["seq"]);

  auto text = RunRapport("--db " + db_ + " audit list --who " + kAlice + " --limit 2");
  EXPECT_NE(text.out.find("-> " + kCarol + ": allowed"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("-> @fabrikam.example: allowed"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("(more may follow: --after "), std::string::npos) << text.out;
}

TEST_F(RelationshipTest, AContactOptedOutOfEverythingIsGoneFromMe) {
  ASSERT_EQ(RunRapport("--db " + db_ + " optout add " + kCarol + " --scope all").exit_code, 0);
  json me = Run("me --as " + kAlice);
  EXPECT_EQ(me.dump().find(kCarol), std::string::npos);
  EXPECT_EQ(me["awaiting_reply"].size(), 1u);
}

}  // namespace
}  // namespace rapport::testing
