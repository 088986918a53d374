// Account engagement as a user runs it (SPEC §4.5, docs/privacy.md): a hand-built month of mail
// and meetings whose bounded totals the test works out by hand, then the CSV, the stored release,
// the budget and the policy point in front.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engagement_support.h"
#include "mail_fixtures.h"

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
    // Room for the nearly noise-free releases (epsilon 100) the tests make.
    ASSERT_EQ(RunRapport("--db " + db_ +
                         " settings set privacy_budget_per_quarter 1000 --by "
                         "admin@rapport-tests.example")
                  .exit_code,
              0);
  }
  CommandResult Enrichment(const std::string& args, const std::string& as = kAlice) {
    return RunRapport("--db " + db_ + " enrichment --as " + as +
                      " --period month --from 2026-03-01 --to 2026-04-01 --as-of 2026-04-01 " +
                      args);
  }
  int Setting(const std::string& name_and_value) {
    return RunRapport("--db " + db_ + " settings set " + name_and_value + " --by " + kAdmin)
        .exit_code;
  }
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
  EXPECT_EQ(f.users, 5);            // alice, bob, cy, dee, eve: not fay (over her account limit)
  EXPECT_EQ(f.email_users, 4);      // dee only met them
  EXPECT_EQ(f.meeting_users, 4);    // alice, bob (m1), cy, dee (m2)
  EXPECT_EQ(f.emails_to, 12);       // alice 13 clamped to 10, cy 1, eve 1
  EXPECT_EQ(f.emails_from, 2);      // f1's answer, once for alice and once for bob
  EXPECT_EQ(f.meetings_to, 1);      // m1
  EXPECT_EQ(f.meetings_from, 2);    // m2, once for cy and once for dee
  EXPECT_EQ(f.contacts_emails, 6);  // f1, and five of cy's six
  EXPECT_EQ(f.contacts_meetings, 2);
  EXPECT_EQ(f.meeting_minutes, 60 + 60 + 30 + 30);
  EXPECT_EQ(f.reply_users, 1);
  EXPECT_EQ(f.reply_minutes, 120);
  const insights::RowTotals& c = rows["contoso.example"];
  EXPECT_EQ(c.users, 3);      // dee, eve, fay
  EXPECT_EQ(c.emails_to, 4);  // dee 1, eve 1, fay 2
  EXPECT_EQ(rows["tailspin.example"].users, 1);
  EXPECT_EQ(rows.size(), 4u);
}

TEST_F(EngagementTest, AnOptOutOfEverythingRemovesAColleagueAnIdentifiableOneDoesNot) {
  ASSERT_EQ(RunRapport("--db " + db_ + " optout add " + kCy + " --scope identifiable").exit_code,
            0);
  EXPECT_EQ(March()["fabrikam.example"].users, 5);
  ASSERT_EQ(RunRapport("--db " + db_ + " optout add " + kBob + " --scope all").exit_code, 0);
  const insights::RowTotals f = March()["fabrikam.example"];
  EXPECT_EQ(f.users, 4);
  EXPECT_EQ(f.emails_from, 1);
  EXPECT_EQ(f.meeting_minutes, 60 + 30 + 30);
}

TEST_F(EngagementTest, TheCsvHasTheAnchorsColumnsAndNoColleague) {
  // epsilon 100, k 2: the selection noise is almost never non-zero, so Fabrikam (5 colleagues)
  // and Contoso (3) clear the threshold of k + 1 = 3, and Tailspin and Wingtip (1) do not.
  auto r = Enrichment("--epsilon 100 --k 2");
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
  EXPECT_NE(lines[2].find(",fabrikam.example,Month,2026-03-01,"), std::string::npos) << lines[2];
  for (const auto& who : {kAlice, kBob, kCy, kDee, kEve, kFay, std::string("northwind"),
                          std::string("alice"), std::string("@")}) {
    EXPECT_EQ(r.out.find(who), std::string::npos) << who;
  }
  EXPECT_NE(r.err.find("released 2 rows"), std::string::npos) << r.err;
  // The JSON carries the same row and the privacy parameters.
  json j =
      json::parse(Enrichment("--epsilon 100 --k 2 --format json").out);  // the stored release: free
  EXPECT_EQ(j["privacy"]["k"], 2);
  EXPECT_EQ(j["privacy"]["threshold"], 3);
  EXPECT_EQ(j["privacy"]["partitions_per_user"], 3);
  EXPECT_TRUE(j["privacy"]["repeated"].get<bool>());
  ASSERT_EQ(j["rows"].size(), 2u);
  EXPECT_EQ(j["rows"][1]["AccountName"], "fabrikam.example");
  EXPECT_NEAR(j["rows"][1]["NoOfContactsInvolved_Emails"].get<double>(), 4, 8);
  const int a = j["rows"][0]["EngagementScore"], b = j["rows"][1]["EngagementScore"];
  EXPECT_TRUE(a == 100 || b == 100) << a << " " << b;  // the busier of the two
}

TEST_F(EngagementTest, ARepeatedRequestIsStoredFreeAndIdentical) {
  auto first = Enrichment("--epsilon 100 --k 2");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto again = Enrichment("--epsilon 100 --k 2", kBob);  // whoever asks
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, first.out);
  EXPECT_NE(again.err.find("nothing spent"), std::string::npos) << again.err;
  json budget = json::parse(RunRapport("--db " + db_ + " budget --json").out);
  EXPECT_EQ(budget["spent_this_quarter"], 100);
  ASSERT_EQ(budget["releases"].size(), 1u);
  EXPECT_EQ(budget["releases"][0]["requested_by"], kAlice);
  EXPECT_EQ(budget["releases"][0]["rows"], 2);
}

TEST_F(EngagementTest, ExhaustingTheBudgetRefuses) {
  ASSERT_EQ(Setting("privacy_budget_per_quarter 2.5"), 0);
  ASSERT_EQ(Setting("member_release_share 1"), 0);  // the tenant's budget alone: alice may spend it
  ASSERT_EQ(Enrichment("--epsilon 2").exit_code, 0);
  auto refused = Enrichment("--epsilon 1");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("privacy budget"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("spent 2 of 2.5, this release needs 1"), std::string::npos)
      << refused.err;
  EXPECT_TRUE(refused.out.empty());
  EXPECT_EQ(Enrichment("--epsilon 0.5").exit_code, 0);  // what is left
  EXPECT_EQ(Enrichment("--epsilon 2").exit_code, 0);    // a repeat costs nothing
  EXPECT_EQ(Enrichment("--epsilon 0.1").exit_code, 1);
  json budget = json::parse(RunRapport("--db " + db_ + " budget --json").out);
  EXPECT_EQ(budget["spent_this_quarter"], 2.5);
  EXPECT_EQ(budget["releases"].size(), 2u);
}

// Issue 15, finding 8: one member made new releases until the quarter's budget was gone, and
// everyone, admins included, was refused until the next quarter. A member (or guest) now spends at
// most member_release_share of the budget on new releases; admins decide it and are not capped.
TEST_F(EngagementTest, AMemberSpendsOnlyTheirShareOfTheBudget) {
  ASSERT_EQ(Setting("privacy_budget_per_quarter 10"), 0);  // default share 0.25: 2.5 each
  EXPECT_EQ(Enrichment("--epsilon 1 --k 2").exit_code, 0);
  EXPECT_EQ(Enrichment("--epsilon 1 --k 3").exit_code, 0);
  auto refused = Enrichment("--epsilon 1 --k 4");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(refused.out.empty());
  EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 1) << refused.err;
  EXPECT_NE(refused.err.find("your share of the privacy budget for 2"), std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("a member may spend 2.5 of the tenant's 10 (member_release_share "
                             "0.25), you have spent 2, this release needs 1"),
            std::string::npos)
      << refused.err;
  EXPECT_NE(refused.err.find("ask an admin to raise member_release_share"), std::string::npos)
      << refused.err;
  // What is left of the share; then a repeat, which is free whoever asks.
  EXPECT_EQ(Enrichment("--epsilon 0.5 --k 4").exit_code, 0);
  EXPECT_EQ(Enrichment("--epsilon 0.1 --k 5").exit_code, 1);
  auto repeat = Enrichment("--epsilon 1 --k 2");
  EXPECT_EQ(repeat.exit_code, 0) << repeat.err;
  EXPECT_NE(repeat.err.find("nothing spent"), std::string::npos) << repeat.err;
  // Another member has a share of their own; an admin is not capped.
  EXPECT_EQ(Enrichment("--epsilon 2.5 --k 5", kBob).exit_code, 0);
  EXPECT_EQ(Enrichment("--epsilon 4 --k 6", kAdmin).exit_code, 0);
  json budget = json::parse(RunRapport("--db " + db_ + " budget --json").out);
  EXPECT_EQ(budget["spent_this_quarter"], 9);
  EXPECT_EQ(budget["member_budget_per_quarter"], 2.5);
  // The admins' setting moves the cap: 0.3 of 10 leaves alice 0.5 more; 0 leaves members none.
  EXPECT_EQ(Setting("member_release_share 0.3"), 0);
  EXPECT_EQ(Enrichment("--epsilon 0.5 --k 5").exit_code, 0);
  EXPECT_EQ(Setting("member_release_share 0"), 0);
  EXPECT_EQ(Enrichment("--epsilon 0.1 --k 6", kCy).exit_code, 1);
  EXPECT_EQ(Enrichment("--epsilon 1 --k 2", kCy).exit_code, 0);  // stored: still free
  EXPECT_EQ(Enrichment("--epsilon 0.5 --k 7", kAdmin).exit_code, 0);
  // Only admins change it, and only to a share from 0 to 1.
  EXPECT_EQ(
      RunRapport("--db " + db_ + " settings set member_release_share 1 --by " + kAlice).exit_code,
      1);
  for (const char* bad : {"1.5", "quarter", "0.1234567"}) {
    EXPECT_EQ(Setting(std::string("member_release_share ") + bad), 1) << bad;
  }
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
  EXPECT_EQ(Enrichment("--epsilon 1 --delta 0.5").exit_code, 2);
  ASSERT_EQ(
      RunRapport("--db " + db_ + " consent revoke aggregated --by admin@rapport-tests.example")
          .exit_code,
      0);
  auto revoked = Enrichment("--epsilon 1");
  EXPECT_EQ(revoked.exit_code, 1);
  EXPECT_NE(revoked.err.find("not allowed: consent aggregated not in force"), std::string::npos)
      << revoked.err;
}

}  // namespace
}  // namespace rapport::testing
