// Account engagement as a user runs it (SPEC §4.5, docs/privacy.md): a hand-built month of mail
// and meetings whose bounded totals the test works out by hand, then the CSV, the stored release,
// the budget and the policy point in front.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engagement_support.h"
#include "insights/engagement_rows.h"
#include "mail_fixtures.h"
#include "test_store.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

const std::string kAlice = "alice@northwind.example", kBob = "bob@northwind.example",
                  kCy = "cy@northwind.example", kDee = "dee@northwind.example",
                  kEve = "eve@northwind.example", kFay = "fay@northwind.example",
                  kF1 = "f1@fabrikam.example", kAdmin = "admin@rapport-tests.example";

std::string Numbered(const char* prefix, int i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

// March 2026 at Northwind. Fabrikam: alice writes 13 times (Cc bob on the first) and f1 answers
// the first to alice and bob 2 hours later; cy writes once to six Fabrikam people; eve writes to
// f1 and to Contoso at once; alice's meeting with f1 and bob (1 h, fay declined), f2's with cy
// and dee (30 min), a cancelled one. Contoso: dee once, eve once, fay twice. Fay also writes to
// Tailspin (3) and Wingtip (4): her least busy account, Fabrikam (1), is over her limit of 3.
// Ignored: a bulk mail, a role address, mail between colleagues.
std::vector<std::pair<std::string, std::string>> Files() {
  std::vector<std::pair<std::string, std::string>> f = {
      {"mail/cur/a0",
       Mail("a0@n", "Tue, 3 Mar 2026 09:00:00 +0000", kAlice, kF1, "Cc: " + kBob + "\r\n")},
      {"mail/cur/r0", Mail("r0@f", "Tue, 3 Mar 2026 11:00:00 +0000", kF1, kAlice + ", " + kBob,
                           "In-Reply-To: <a0@n>\r\n")},
      {"mail/cur/c0", Mail("c0@n", "Wed, 4 Mar 2026 09:00:00 +0000", kCy,
                           "f2@fabrikam.example, f3@fabrikam.example, f4@fabrikam.example, "
                           "f5@fabrikam.example, f6@fabrikam.example, f7@fabrikam.example")},
      {"mail/cur/d0", Mail("d0@n", "Wed, 4 Mar 2026 10:00:00 +0000", kDee, "c1@contoso.example")},
      {"mail/cur/e0",
       Mail("e0@n", "Thu, 5 Mar 2026 10:00:00 +0000", kEve, kF1 + ", c1@contoso.example")},
      {"mail/cur/b0",
       Mail("b0@f", "Thu, 5 Mar 2026 11:00:00 +0000", kF1, kAlice, "Precedence: bulk\r\n")},
      {"mail/cur/n0",
       Mail("n0@f", "Thu, 5 Mar 2026 12:00:00 +0000", "noreply@fabrikam.example", kAlice)},
      {"mail/cur/i0", Mail("i0@n", "Thu, 5 Mar 2026 13:00:00 +0000", kAlice, kBob)},
      {"mail/cur/y0", Mail("y0@n", "Fri, 6 Mar 2026 09:00:00 +0000", kFay, kF1)},
      // April: outside the month asked for.
      {"mail/cur/p0", Mail("p0@n", "Wed, 1 Apr 2026 09:00:00 +0000", kAlice, kF1)},
      {"cal/m1.ics", Event("m1", "20260310T100000Z", "20260310T110000Z", kAlice,
                           Attendee(kF1) + Attendee(kBob) + Attendee(kFay, "DECLINED"))},
      {"cal/m2.ics", Event("m2", "20260311T100000Z", "20260311T103000Z", "f2@fabrikam.example",
                           Attendee(kCy) + Attendee(kDee))},
      {"cal/m3.ics",
       Event("m3", "20260312T100000Z", "20260312T110000Z", kAlice, Attendee(kF1), "CANCELLED")},
  };
  for (int i = 1; i <= 12; ++i) {
    std::string date = "Mon, ";
    date += std::to_string(10 + i);
    date += " Mar 2026 08:00:00 +0000";
    f.push_back({Numbered("mail/cur/a", i), Mail(Numbered("a", i) + "@n", date, kAlice, kF1)});
  }
  // Fay's mail to Contoso, Tailspin and Wingtip, a minute apart (identical messages would be
  // one message).
  const std::pair<const char*, std::string> fay[] = {
      {"yc1", "c1@contoso.example"}, {"yc2", "c2@contoso.example"}, {"yt1", "t@tailspin.example"},
      {"yt2", "t@tailspin.example"}, {"yt3", "t@tailspin.example"}, {"yw1", "w@wingtip.example"},
      {"yw2", "w@wingtip.example"},  {"yw3", "w@wingtip.example"},  {"yw4", "w@wingtip.example"}};
  int minute = 10;
  for (const auto& [id, to] : fay) {
    std::string date = "Fri, 13 Mar 2026 09:";
    date += std::to_string(minute++);
    date += ":00 +0000";
    f.push_back({std::string("mail/cur/") + id, Mail(std::string(id) + "@n", date, kFay, to)});
  }
  return f;
}

class EngagementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "store.db";
    auto r = IngestFiles(dir_, db_, Files());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    // Room for the noise-free releases (epsilon 1000: every noise sd far below 1/2) the tests
    // make; a member may ask for that much.
    ASSERT_EQ(Setting("privacy_epsilon_per_month 1000"), 0);
    ASSERT_EQ(Setting("enrichment_epsilon 1000"), 0);
    ASSERT_EQ(Setting("enrichment_accounts_per_user 3"), 0);  // fay's fourth account is over it
  }
  CommandResult Enrichment(const std::string& args, const std::string& as = kAlice,
                           const std::string& as_of = "2026-04-01") {
    return RunRapport("--db " + db_ + " enrichment --as " + as +
                      " --period month --from 2026-03-01 --to 2026-04-01 --as-of " + as_of + " " +
                      args);
  }
  int Setting(const std::string& name_and_value) {
    return RunRapport("--db " + db_ + " settings set " + name_and_value + " --by " + kAdmin)
        .exit_code;
  }
  json Budget() { return json::parse(RunRapport("--db " + db_ + " budget --json").out); }
  // Fabrikam's and Contoso's March totals, with who may be counted decided by the policy.
  std::map<std::string, insights::RowTotals> March() {
    return TotalsByAccount(db_, "2026-03-01", "2026-04-01", insights::PeriodLevel::kMonth);
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(EngagementTest, BoundedTotalsByHand) {
  auto rows = March();
  ASSERT_TRUE(rows.count("fabrikam.example"));
  const insights::RowTotals& f = rows["fabrikam.example"];
  EXPECT_EQ(f.colleagues, 5);          // alice, bob, cy, dee, eve: not fay (over her limit)
  EXPECT_EQ(f.email_colleagues, 4);    // dee only met them
  EXPECT_EQ(f.meeting_colleagues, 4);  // alice, bob (m1), cy, dee (m2)
  // alice 13, cut to 6: Fabrikam is her only account, and her month may reach 3 rows of 4 on
  // average, so that one row may take 6 (6 x 6 <= 4 x 4 x 3 < 7 x 7); cy 1, eve 1.
  EXPECT_EQ(f.emails_to, 8);
  EXPECT_EQ(f.emails_from, 2);      // f1's answer, once for alice and once for bob
  EXPECT_EQ(f.meetings_to, 1);      // m1
  EXPECT_EQ(f.meetings_from, 2);    // m2, once for cy and once for dee
  EXPECT_EQ(f.contacts_emails, 6);  // f1, and five of cy's six
  EXPECT_EQ(f.contacts_meetings, 2);
  EXPECT_EQ(f.meeting_pieces, 4);                       // one piece per colleague in a month
  EXPECT_EQ(f.meeting_units, (60 + 60 + 30 + 30) / 5);  // in 5 minutes
  EXPECT_EQ(f.reply_pieces, 1);
  EXPECT_EQ(f.reply_units, 2);  // 120 minutes, in hours
  const insights::RowTotals& c = rows["contoso.example"];
  EXPECT_EQ(c.colleagues, 3);  // dee, eve, fay
  EXPECT_EQ(c.emails_to, 4);   // dee 1, eve 1, fay 2
  EXPECT_EQ(rows["tailspin.example"].colleagues, 1);
  EXPECT_EQ(rows.size(), 4u);
}

TEST_F(EngagementTest, AnOptOutOfEverythingRemovesAColleagueAnIdentifiableOneDoesNot) {
  ASSERT_EQ(RunRapport("--db " + db_ + " optout add " + kCy + " --scope identifiable").exit_code,
            0);
  EXPECT_EQ(March()["fabrikam.example"].colleagues, 5);
  ASSERT_EQ(RunRapport("--db " + db_ + " optout add " + kBob + " --scope all").exit_code, 0);
  const insights::RowTotals f = March()["fabrikam.example"];
  EXPECT_EQ(f.colleagues, 4);
  EXPECT_EQ(f.emails_from, 1);
  EXPECT_EQ(f.meeting_units, (60 + 30 + 30) / 5);
}

TEST_F(EngagementTest, TheCsvHasTheAnchorsColumnsAndNoColleague) {
  // epsilon 1000, k 2: every noise sd is far below 1/2 (the selection count's about 0.08), and
  // an unlisted account's row needs k + 1 = 3 noisy colleagues (s = 1: P[noise >= 1] is below
  // delta): Fabrikam (5) and Contoso (3) clear it, Tailspin and Wingtip (1) never do.
  auto r = Enrichment("--epsilon 1000 --k 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0],
            "AccountId,AccountName,AggregationLevel,AggregationStartDate,NoOfEmails_ToAccount,"
            "NoOfEmails_FromAccount,NoOfMeetings_ToAccount,NoOfMeetings_FromAccount,"
            "NoOfContactsInvolved_Emails,NoOfContactsInvolved_Meetings,"
            "NoOfAccountContactsInvolved_Emails,NoOfAccountContactsInvolved_Meetings,"
            "DaysSinceLastEmail,DaysSinceLastMeeting,AverageDuration_Of_Meetings,"
            "AverageDuration_Of_AccountEmailReplies,EngagementScore");
  EXPECT_NE(lines[1].find(",contoso.example,Month,2026-03-01,"), std::string::npos) << lines[1];
  // Fabrikam by hand (BoundedTotalsByHand): 8 to, 2 from, 1 and 2 meetings, 4 and 4
  // colleagues, 6 and 2 contacts. At epsilon 1000 the colleague counts' noise sd is below 0.1
  // (exact here) and the others' at most 1: within 6.
  EXPECT_EQ(lines[2].find(",fabrikam.example,Month,2026-03-01,"), lines[2].find(',')) << lines[2];
  std::vector<int64_t> cells;
  for (size_t at = 0, n = 0; at != std::string::npos; at = lines[2].find(',', at), ++n) {
    if (at > 0) ++at;
    if (n >= 4 && n < 12) cells.push_back(std::stoll(lines[2].substr(at)));
  }
  const std::vector<int64_t> by_hand = {8, 2, 1, 2, 4, 4, 6, 2};
  ASSERT_EQ(cells.size(), by_hand.size()) << lines[2];
  for (size_t i = 0; i < cells.size(); ++i) EXPECT_NEAR(cells[i], by_hand[i], 6) << i;
  EXPECT_EQ(cells[4], 4);
  EXPECT_EQ(cells[5], 4);
  for (const auto& who : {kAlice, kBob, kCy, kDee, kEve, kFay, std::string("northwind"),
                          std::string("alice"), std::string("@")}) {
    EXPECT_EQ(r.out.find(who), std::string::npos) << who;
  }
  EXPECT_NE(r.err.find("released 2 rows"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("data before 2026-04-01 in UTC"), std::string::npos) << r.err;
  // The JSON carries the same rows and the privacy parameters (the stored release: free).
  json j = json::parse(Enrichment("--epsilon 1000 --k 2 --format json").out);
  EXPECT_EQ(j["privacy"]["k"], 2);
  EXPECT_EQ(j["privacy"]["threshold_unlisted"], 3);
  EXPECT_EQ(j["privacy"]["rows_per_colleague_month"], 3);
  EXPECT_EQ(j["privacy"]["cutoff"], "2026-04-01");
  EXPECT_EQ(j["privacy"]["delta"], 1e-7);
  EXPECT_TRUE(j["privacy"]["repeated"].get<bool>());
  ASSERT_EQ(j["privacy"]["months"].size(), 1u);
  EXPECT_EQ(j["privacy"]["months"][0]["month"], "2026-03");
  EXPECT_EQ(j["privacy"]["months"][0]["epsilon_before"], 0);
  EXPECT_NEAR(j["privacy"]["months"][0]["epsilon_after"].get<double>(), 1000, 1);
  ASSERT_EQ(j["rows"].size(), 2u);
  EXPECT_EQ(j["rows"][1]["AccountName"], "fabrikam.example");
  EXPECT_EQ(j["rows"][1]["NoOfContactsInvolved_Emails"], 4);
}

// Issue 16: the CRM's accounts are public. Each gets a row when its noisy colleague count reaches
// k, without partition selection: at k 3 listed Contoso (3 colleagues) shows, where an unlisted
// account needs 4; listed Tailspin (1) does not; unlisted Fabrikam (5) clears 4.
TEST_F(EngagementTest, ListedAccountsNeedNoPartitionSelection) {
  const std::string csv = dir_ / "accounts.csv";
  WriteFile(csv,
            "name,domains\n\"Contoso\",\"contoso.example\"\n\"Tailspin\",\"tailspin.example\"\n");
  ASSERT_EQ(RunRapport("--db " + db_ + " accounts import " + csv).exit_code, 0);
  auto r = Enrichment("--epsilon 1000 --k 3 --format json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  std::vector<std::string> names;
  for (const auto& row : j["rows"]) names.push_back(row["AccountName"]);
  EXPECT_EQ(names, (std::vector<std::string>{"Contoso", "fabrikam.example"}));
  EXPECT_EQ(j["privacy"]["threshold_unlisted"], 4);
}

TEST_F(EngagementTest, ARepeatedRequestIsStoredFreeAndIdentical) {
  auto first = Enrichment("--epsilon 1000 --k 2");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto again = Enrichment("--epsilon 1000 --k 2", kBob);  // whoever asks
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, first.out);
  EXPECT_NE(again.err.find("nothing more spent"), std::string::npos) << again.err;
  json budget = Budget();
  ASSERT_EQ(budget["months"].size(), 1u);
  EXPECT_EQ(budget["months"][0]["month"], "2026-03");
  EXPECT_EQ(budget["months"][0]["releases"], 1);
  ASSERT_EQ(budget["releases"].size(), 1u);
  EXPECT_EQ(budget["releases"][0]["requested_by"], kAlice);
  EXPECT_EQ(budget["releases"][0]["rows"], 2);
  EXPECT_EQ(budget["releases"][0]["months"], json::array({"2026-03"}));
}

// Issue 16: --as-of was not in the request key, so a release made with an early cut-off (no rows)
// came back, frozen, for a later one. The cut-off is now part of the request, and stated.
TEST_F(EngagementTest, TheCutOffIsPartOfTheRequestAndStated) {
  auto early = Enrichment("--epsilon 400 --k 2 --format json", kAlice, "2026-03-04");
  ASSERT_EQ(early.exit_code, 0) << early.err;
  auto late = Enrichment("--epsilon 400 --k 2 --format json", kAlice, "2026-03-28");
  ASSERT_EQ(late.exit_code, 0) << late.err;
  json e = json::parse(early.out), l = json::parse(late.out);
  EXPECT_EQ(e["privacy"]["cutoff"], "2026-03-04");
  EXPECT_EQ(l["privacy"]["cutoff"], "2026-03-28");
  EXPECT_FALSE(l["privacy"]["repeated"].get<bool>());
  EXPECT_NE(e["privacy"]["release"], l["privacy"]["release"]);
  // Before 4 March only alice and bob had written to Fabrikam: below k + 1 = 3.
  EXPECT_EQ(e["rows"].size(), 0u);
  EXPECT_EQ(l["rows"].size(), 2u);
  // Both read March: it paid twice.
  EXPECT_GT(l["privacy"]["months"][0]["epsilon_before"].get<double>(), 0);
}

// Issue 16: the budget reset each quarter of release time, so the same months could be released
// again for ever. Each month of data now has a lifetime budget that every release reading it
// spends, whatever its level, range or k; a release that would exceed it is refused, naming it.
TEST_F(EngagementTest, AMonthsLifetimeBudgetRunsOutAndStaysOut) {
  ASSERT_EQ(Setting("privacy_epsilon_per_month 4"), 0);
  ASSERT_EQ(Enrichment("--epsilon 3").exit_code, 0);
  auto refused = Enrichment("--epsilon 3 --k 6");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(refused.out.empty());
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  EXPECT_NE(refused.err.find("the lifetime privacy budget of 2026-03's data would be exceeded: "
                             "its releases have spent epsilon 3 of 4"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("budgets never reset"), std::string::npos) << refused.err;
  // The year view reads March too; a week view too.
  EXPECT_EQ(RunRapport("--db " + db_ + " enrichment --as " + kAlice +
                       " --period year --from 2026-01-01 --to 2027-01-01 --as-of 2026-04-01 "
                       "--epsilon 3")
                .exit_code,
            1);
  EXPECT_EQ(RunRapport("--db " + db_ + " enrichment --as " + kAlice +
                       " --period week --from 2026-03-30 --to 2026-04-06 --as-of 2026-04-06 "
                       "--epsilon 3")
                .exit_code,
            1);
  // With other parameters nothing can be reused: refused, and told where it could begin.
  auto other = RunRapport("--db " + db_ + " enrichment --as " + kAlice +
                          " --period month --from 2026-03-01 --to 2026-05-01 --as-of 2026-05-01 "
                          "--epsilon 3 --k 6");
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("the periods from 2026-04-01 on can still pay: --from 2026-04-01"),
            std::string::npos)
      << other.err;
  // A view that rolls on to April reuses March's rows, already paid for, and charges April only.
  auto rolled = RunRapport("--db " + db_ + " enrichment --as " + kAlice +
                           " --period month --from 2026-03-01 --to 2026-05-01 --as-of 2026-05-01 "
                           "--epsilon 3 --json");
  ASSERT_EQ(rolled.exit_code, 0) << rolled.err;
  json r = json::parse(rolled.out);
  EXPECT_EQ(r["privacy"]["reused_periods"], 1);
  ASSERT_EQ(r["privacy"]["months"].size(), 1u);
  EXPECT_EQ(r["privacy"]["months"][0]["month"], "2026-04");
  // What is left still fits; April alone, as the rolled view read it, is its rows again: free.
  EXPECT_EQ(Enrichment("--epsilon 2 --k 7").exit_code, 0);
  auto april = RunRapport("--db " + db_ + " enrichment --as " + kAlice +
                          " --period month --from 2026-04-01 --to 2026-05-01 --as-of 2026-05-01 "
                          "--epsilon 3 --json");
  ASSERT_EQ(april.exit_code, 0) << april.err;
  EXPECT_EQ(json::parse(april.out)["privacy"]["reused_periods"], 1);
  EXPECT_TRUE(json::parse(april.out)["privacy"]["months"].empty());
  EXPECT_EQ(Enrichment("--epsilon 3").exit_code, 0);  // the first again: stored, free
  json budget = Budget();
  ASSERT_EQ(budget["months"].size(), 2u);
  EXPECT_LE(budget["months"][0]["epsilon_spent"].get<double>(), 4.0);
  EXPECT_GT(budget["months"][0]["delta_spent"].get<double>(), 0);  // the delta spent is shown
  EXPECT_LE(budget["months"][0]["delta_spent"].get<double>(), 1e-7);
}

// Issue 16 fair use: a member or guest makes at most member_releases_per_month new releases a
// month and asks for at most enrichment_epsilon; admins set both and are not capped.
TEST_F(EngagementTest, AMembersNewReleasesAreCapped) {
  ASSERT_EQ(Setting("member_releases_per_month 2"), 0);
  EXPECT_EQ(Enrichment("--epsilon 1 --k 2").exit_code, 0);
  EXPECT_EQ(Enrichment("--epsilon 1 --k 3").exit_code, 0);
  auto refused = Enrichment("--epsilon 1 --k 4");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(refused.out.empty());
  EXPECT_NE(refused.err.find("you made 2 new releases this month, the most a member may "
                             "(member_releases_per_month 2)"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(Enrichment("--epsilon 1 --k 2").exit_code, 0);        // a repeat is free for everyone
  EXPECT_EQ(Enrichment("--epsilon 1 --k 4", kBob).exit_code, 0);  // bob has his own count
  EXPECT_EQ(Enrichment("--epsilon 1 --k 5", kAdmin).exit_code, 0);
  EXPECT_EQ(Enrichment("--epsilon 1 --k 6", kAdmin).exit_code, 0);
  EXPECT_EQ(Enrichment("--epsilon 1 --k 7", kAdmin).exit_code, 0);
  ASSERT_EQ(Setting("enrichment_epsilon 2"), 0);
  auto greedy = Enrichment("--epsilon 3 --k 8", kCy);
  EXPECT_EQ(greedy.exit_code, 1);
  EXPECT_NE(greedy.err.find("a member may ask for at most epsilon 2 (enrichment_epsilon)"),
            std::string::npos)
      << greedy.err;
  EXPECT_EQ(Enrichment("--epsilon 3 --k 8", kAdmin).exit_code, 0);
  EXPECT_EQ(RunRapport("--db " + db_ + " settings set member_releases_per_month 9 --by " + kAlice)
                .exit_code,
            1);
  for (const char* bad : {"-1", "many", "1001"}) {
    EXPECT_EQ(Setting(std::string("member_releases_per_month ") + bad), 1) << bad;
  }
}

// Issue 16: delta was a request parameter, varied per request to make new ledger keys. It is the
// tenant's now; a request naming it is refused, saying so.
TEST_F(EngagementTest, DeltaIsTheTenantsNotTheRequests) {
  auto r = Enrichment("--epsilon 1 --delta 0.001");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--delta is not a request parameter"), std::string::npos) << r.err;
  EXPECT_EQ(Setting("privacy_delta_per_month 0.5"), 1);
  EXPECT_EQ(Setting("privacy_delta_per_month 1e-9"), 0);
  json j = json::parse(Enrichment("--epsilon 1 --format json").out);
  EXPECT_EQ(j["privacy"]["delta"], 1e-9);
}

TEST_F(EngagementTest, ADryRunSaysWhatItWouldCostAndSpendsNothing) {
  ASSERT_EQ(Setting("privacy_epsilon_per_month 4"), 0);
  auto dry = Enrichment("--epsilon 3 --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("allowed: this release would charge epsilon 3"), std::string::npos)
      << dry.out;
  EXPECT_NE(dry.out.find("2026-03: epsilon 0 -> 3 of 4"), std::string::npos) << dry.out;
  EXPECT_EQ(Budget()["months"].size(), 0u);
  ASSERT_EQ(Enrichment("--epsilon 3").exit_code, 0);
  auto no = Enrichment("--epsilon 3 --k 9 --dry-run");
  EXPECT_EQ(no.exit_code, 1);
  EXPECT_NE(no.out.find("refused"), std::string::npos) << no.out;
}

TEST_F(EngagementTest, OnlyUnderAggregatedConsentForMembersAdminsAndAuthorisedGuests) {
  EXPECT_EQ(Enrichment("--epsilon 1", "admin@rapport-tests.example").exit_code, 0);
  auto outsider = Enrichment("--epsilon 1", "mallory@example.org");
  EXPECT_EQ(outsider.exit_code, 1);
  EXPECT_NE(outsider.err.find("not allowed: caller is not a user of this tenant"),
            std::string::npos)
      << outsider.err;
  EXPECT_EQ(Enrichment("--k 1").exit_code, 2);  // a row of one colleague describes them
  EXPECT_EQ(Enrichment("--epsilon 0").exit_code, 2);
  EXPECT_EQ(Enrichment("--epsilon 2000").exit_code, 2);  // more than a month's whole budget
  ASSERT_EQ(
      RunRapport("--db " + db_ + " consent revoke aggregated --by admin@rapport-tests.example")
          .exit_code,
      0);
  auto revoked = Enrichment("--epsilon 1");
  EXPECT_EQ(revoked.exit_code, 1);
  EXPECT_NE(revoked.err.find("not allowed: consent aggregated not in force"), std::string::npos)
      << revoked.err;
}

// Issue 16's target: no row for an account-month of fewer than 2 true colleagues, ever. An
// unlisted account needs k true colleagues and a noisy count of k + s; over many fresh draws at a
// small epsilon (noise sd of several colleagues) Tailspin and Wingtip (fay alone) never show. Were
// unlisted accounts shown like listed ones (noisy count >= k), they would in about half the draws.
TEST_F(EngagementTest, AnUnlistedAccountOfOneColleagueNeverShowsOverManyDraws) {
  std::map<std::string, int> shown;
  for (int i = 0; i < 40; ++i) {
    std::string epsilon = "1.";
    epsilon += std::to_string(10 + i);  // a new request each time: fresh noise
    auto r = Enrichment("--epsilon " + epsilon + " --k 2 --format json", kAdmin);  // uncapped
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json release = json::parse(r.out);
    for (const auto& row : release["rows"]) ++shown[row["AccountName"]];
  }
  EXPECT_EQ(shown.count("tailspin.example"), 0u);
  EXPECT_EQ(shown.count("wingtip.example"), 0u);
  for (const auto& [name, n] : shown) {
    EXPECT_TRUE(name == "contoso.example" || name == "fabrikam.example") << name << " " << n;
  }
}

// A request without --from/--to reads the last complete periods before its cut-off: a month
// still under way is never spent on part of its data, and every request in it finds one release.
TEST_F(EngagementTest, TheDefaultRangeIsTheCompletePeriodsBeforeTheCutOff) {
  auto run = [&](const std::string& level, const std::string& as_of) {
    return RunRapport("--db " + db_ + " enrichment --as " + kAdmin + " --period " + level +
                      " --as-of " + as_of + " --epsilon 400 --k 2 --format json");
  };
  auto in_april = run("month", "2026-04-20");
  ASSERT_EQ(in_april.exit_code, 0) << in_april.err;
  json a = json::parse(in_april.out);
  EXPECT_EQ(a["privacy"]["from"], "2025-04-01");
  EXPECT_EQ(a["privacy"]["to"], "2026-04-01");
  EXPECT_EQ(a["privacy"]["cutoff"], "2026-04-01");  // nothing of April is read
  EXPECT_EQ(a["rows"].size(), 2u);
  auto later = run("month", "2026-04-28");  // the same data: the same release, free
  ASSERT_EQ(later.exit_code, 0) << later.err;
  EXPECT_TRUE(json::parse(later.out)["privacy"]["repeated"].get<bool>());
  // In May the view rolls on: eleven of its months come from April's release, row for row, and
  // only April 2026 is computed and charged.
  auto in_may = run("month", "2026-05-03");
  ASSERT_EQ(in_may.exit_code, 0) << in_may.err;
  json m = json::parse(in_may.out);
  EXPECT_FALSE(m["privacy"]["repeated"].get<bool>());
  EXPECT_EQ(m["privacy"]["reused_periods"], 11);
  ASSERT_EQ(m["privacy"]["months"].size(), 1u);
  EXPECT_EQ(m["privacy"]["months"][0]["month"], "2026-04");
  EXPECT_EQ(m["rows"], a["rows"]);        // March's rows again; April has no mail
  auto year = run("year", "2026-04-20");  // 2025: the last whole year, without March 2026
  ASSERT_EQ(year.exit_code, 0) << year.err;
  EXPECT_EQ(json::parse(year.out)["privacy"]["from"], "2025-01-01");
  EXPECT_EQ(json::parse(year.out)["rows"].size(), 0u);
}

// Issue 16: a listed account's months are estimated together (docs/privacy.md, "Estimates across
// periods"). With next to no noise the estimate is what was measured, month by month; and a view
// that rolls on estimates its new month after the months it reuses, whose measurements the ledger
// kept, in order.
TEST(EngagementAcrossPeriods, NoiseFreeMonthsStayAsMeasuredAndARolledViewKeepsTheMeasurements) {
  TempDir dir;
  const std::string db = dir / "store.db";
  // Colleagues writing to Fabrikam, January to June 2026: 3, 2, 4, 3, 2 and 5 of them.
  const int writers[] = {3, 2, 4, 3, 2, 5};
  const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun"};
  std::vector<std::pair<std::string, std::string>> files;
  for (int month = 0; month < 6; ++month) {
    for (int c = 0; c < writers[month]; ++c) {
      const std::string id = Numbered(months[month], c);
      files.push_back({"mail/cur/" + id,
                       Mail(id + "@n", std::string("10 ") + months[month] + " 2026 09:00:00 +0000",
                            Numbered("c", c) + "@northwind.example", kF1)});
    }
  }
  std::filesystem::create_directories(dir / "cal");
  auto ingest = IngestFiles(dir, db, files);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  WriteFile(dir / "accounts.csv", "name,domains\nFabrikam,fabrikam.example\n");
  ASSERT_EQ(RunRapport("--db " + db + " accounts import " + (dir / "accounts.csv")).exit_code, 0);
  ASSERT_EQ(RunRapport("--db " + db + " settings set privacy_epsilon_per_month 1000 --by " + kAdmin)
                .exit_code,
            0);
  auto release = [&](const std::string& to) {
    auto r = RunRapport("--db " + db + " enrichment --as " + kAdmin +
                        " --period month --from 2026-01-01 --to " + to + " --as-of " + to +
                        " --epsilon 1000 --k 2 --format json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<int> colleagues;
    json j = json::parse(r.out);
    for (const auto& row : j["rows"]) colleagues.push_back(row["NoOfContactsInvolved_Emails"]);
    return std::make_pair(j, colleagues);
  };
  // Next to no noise is not none: at epsilon 1000 this column (5 % of a month's budget) gets a
  // discrete Gaussian that is 0 almost always, not always (a CI run saw May at 1). So each month
  // is within one of its truth, and the rolled view repeats the months it reuses exactly.
  auto [five, five_counts] = release("2026-06-01");
  ASSERT_EQ(five_counts.size(), 5u);
  for (size_t t = 0; t < 5; ++t) EXPECT_NEAR(five_counts[t], writers[t], 1) << months[t];
  EXPECT_EQ(five["privacy"]["estimated_periods"], 5);  // January to May, whole
  auto [six, six_counts] = release("2026-07-01");
  EXPECT_EQ(six["privacy"]["reused_periods"], 5);
  EXPECT_EQ(six["privacy"]["estimated_periods"], 6);  // the five kept, and June
  ASSERT_EQ(six_counts.size(), 6u);
  EXPECT_TRUE(std::equal(five_counts.begin(), five_counts.end(), six_counts.begin()));
  EXPECT_NEAR(six_counts[5], 5, 1);
  // The ledger holds each release's measurements: the rolled one all six months, the first five
  // as the first release measured them.
  auto store = OpenTestStore(db);
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto stored = (*store)->ListReleases(0);
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 2u);
  auto first = insights::ParseReleaseBody((*stored)[0].body);
  auto rolled = insights::ParseReleaseBody((*stored)[1].body);
  ASSERT_TRUE(first.ok() && rolled.ok());
  ASSERT_EQ(first->measured.size(), 1u);  // Fabrikam, the one listed account
  const auto& kept = first->measured.begin()->second;
  const auto& all = rolled->measured.begin()->second;
  ASSERT_EQ(kept.size(), 5u);
  ASSERT_EQ(all.size(), 6u);
  EXPECT_TRUE(std::equal(kept.begin(), kept.end(), all.begin()));
  EXPECT_NEAR(all.rbegin()->second[1], 5, 1);  // June's colleagues by e-mail, as measured
}

}  // namespace
}  // namespace rapport::testing
