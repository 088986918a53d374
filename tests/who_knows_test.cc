// Who Knows Whom as a user runs it (SPEC §4.2): a hand-built mailbox and calendar whose every
// strength the test derives by hand from docs/strength.md, the policy point in front of it, and
// the properties the issue asks for (order of ingest, opted-out colleagues, one-way traffic,
// bulk senders, declined and cancelled meetings).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "mail_fixtures.h"
#include "rapport/insights/wkw_ranker.h"
#include "rapport/store/store.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

// As of 2026-03-10T00:00:00Z. Defaults: email to 1.0, reply from 1.9, meeting 2.0, half-life
// 730 days, a term divided by (other participants)^0.1, strength = 1 - exp(-raw / 8).
constexpr const char* kAsOf = "2026-03-10";

// A meeting frank organises.
std::string FranksEvent(const std::string& uid, const std::string& start, const std::string& end,
                        const std::string& attendees, const std::string& status = "CONFIRMED") {
  return Event(uid, start, end, "frank@northwind.example", attendees, status);
}

// The fixture's files, in ingest order.
std::vector<std::pair<std::string, std::string>> Files() {
  const std::string carol = "Carol Chen <carol@fabrikam.example>";
  return {
      // alice -> carol, 1 day before as-of: 1.0 * 2^(-1/730)
      {"mail/cur/1", Mail("m1@northwind.example", "Mon, 9 Mar 2026 00:00:00 +0000",
                          "Alice Adams <alice@northwind.example>", carol)},
      // carol answers alice, half a day before: a reply from, 1.9 * 2^(-0.5/730)
      {"mail/cur/2", Mail("m2@fabrikam.example", "Mon, 9 Mar 2026 12:00:00 +0000", carol,
                          "alice@northwind.example", "In-Reply-To: <m1@northwind.example>\r\n")},
      // bob -> carol, dave and three colleagues, 2 days before: 5 others, 2^(-2/730) / 5^0.1 per
      // contact
      {"mail/cur/3", Mail("m3@northwind.example", "Sun, 8 Mar 2026 00:00:00 +0000",
                          "Bob Brown <bob@northwind.example>",
                          "carol@fabrikam.example, dave@fabrikam.example, ann@northwind.example, "
                          "ben@northwind.example, bea@northwind.example")},
      // carol -> erin, who never answers: one-way, no relationship
      {"mail/cur/4", Mail("m4@fabrikam.example", "Sat, 7 Mar 2026 00:00:00 +0000", carol,
                          "erin@northwind.example")},
      // a newsletter from fabrikam to alice, which alice once answered: bulk, no relationship
      {"mail/cur/5", Mail("m5@fabrikam.example", "Fri, 6 Mar 2026 00:00:00 +0000",
                          "Fabrikam News <news@fabrikam.example>", "alice@northwind.example",
                          "Precedence: bulk\r\n")},
      {"mail/cur/6", Mail("m6@northwind.example", "Fri, 6 Mar 2026 01:00:00 +0000",
                          "alice@northwind.example", "news@fabrikam.example")},
      // frank meets carol with hal; gail declined: 3 attended, 4 days 14 hours before,
      // 2.0 * 2^(-4.58333/730) / 2^0.1 each for frank and hal
      {"cal/review.ics",
       FranksEvent("review@northwind.example", "20260305T100000Z", "20260305T110000Z",
                   "ATTENDEE;PARTSTAT=ACCEPTED:mailto:carol@fabrikam.example\r\n"
                   "ATTENDEE;PARTSTAT=ACCEPTED:mailto:hal@northwind.example\r\n"
                   "ATTENDEE;PARTSTAT=DECLINED:mailto:gail@northwind.example\r\n")},
      // a cancelled meeting with ivy: never counted
      {"cal/cancelled.ics",
       FranksEvent("cancelled@northwind.example", "20260304T100000Z", "20260304T110000Z",
                   "ATTENDEE;PARTSTAT=ACCEPTED:mailto:carol@fabrikam.example\r\n"
                   "ATTENDEE;PARTSTAT=ACCEPTED:mailto:ivy@northwind.example\r\n",
                   "CANCELLED")},
  };
}

double Strength(double raw) {
  return 1 - std::exp(-raw / 8);
}

const double kAliceRaw = 1.0 * std::exp2(-1.0 / 730) + 1.9 * std::exp2(-0.5 / 730);     // 2.8981
const double kMeetingRaw = 2.0 * std::exp2(-(4 + 14.0 / 24) / 730) / std::pow(2, 0.1);  // 1.8580
const double kBobRaw = std::exp2(-2.0 / 730) / std::pow(5, 0.1);                        // 0.8497

class WhoKnowsTest : public ::testing::Test {
 protected:
  void SetUp() override { db_ = Build(dir_, false); }

  // A store with the fixture ingested, file by file, in order or reversed.
  static std::string Build(const TempDir& dir, bool reversed) {
    const std::string db = dir / "store.db";
    EXPECT_EQ(InitConsented(db, "--tenant N --domain northwind.example").exit_code, 0);
    auto files = Files();
    if (reversed) std::reverse(files.begin(), files.end());
    for (const auto& [name, text] : files) {
      WriteFile(dir / name, text);
      auto r = RunRapport("--db " + db + " ingest " + ShellQuote(dir / name));
      EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    }
    return db;
  }

  CommandResult Ask(const std::string& target, const std::string& as = "alice@northwind.example",
                    const std::string& extra = "") {
    return RunRapport("--db " + db_ + " who-knows " + ShellQuote(target) + " --as " + as +
                      " --as-of " + kAsOf + " --json " + extra);
  }

  json Colleagues(const std::string& target, const std::string& extra = "") {
    auto r = Ask(target, "alice@northwind.example", extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false)["colleagues"];
  }

  TempDir dir_;
  std::string db_;
};

TEST_F(WhoKnowsTest, RanksColleaguesByHandComputedStrength) {
  json c = Colleagues("carol@fabrikam.example");
  ASSERT_EQ(c.size(), 4u) << c.dump(2);  // alice, frank, hal, bob; not erin, gail or ivy
  EXPECT_EQ(c[0]["address"], "alice@northwind.example");
  EXPECT_EQ(c[0]["name"], "Alice Adams");
  EXPECT_NEAR(c[0]["strength"].get<double>(), Strength(kAliceRaw), 1e-4);  // 0.3039
  EXPECT_EQ(c[0]["label"], "weak");
  EXPECT_EQ(c[0]["explanation"]["emails_to"], 1);
  EXPECT_EQ(c[0]["explanation"]["emails_from"], 1);
  EXPECT_EQ(c[0]["explanation"]["replies_from"], 1);
  EXPECT_EQ(c[0]["explanation"]["last"], "2026-03-09T12:00:00Z");
  // Her reply weighs 1.8991 of the 2.8982: 66 %, her mail the other 34 %.
  EXPECT_EQ(c[0]["why"], json({"was answered once (66 %)", "wrote to them once (34 %)"}));
  std::set<std::string> met{c[1]["address"], c[2]["address"]};
  EXPECT_EQ(met, (std::set<std::string>{"frank@northwind.example", "hal@northwind.example"}));
  EXPECT_NEAR(c[1]["strength"].get<double>(), Strength(kMeetingRaw), 1e-4);  // 0.2072
  EXPECT_EQ(c[1]["explanation"]["meetings"], 1);
  EXPECT_EQ(c[1]["why"], json({"met them once (100 %)"}));
  EXPECT_EQ(c[3]["address"], "bob@northwind.example");
  EXPECT_NEAR(c[3]["strength"].get<double>(), Strength(kBobRaw), 1e-4);  // 0.1008
  EXPECT_EQ(c[3]["label"], "weak");
  EXPECT_EQ(Colleagues("carol@fabrikam.example", "--top 2").size(), 2u);
}

// A store whose pairs each exchange exactly the same mail: one writes at midnight, the other
// answers at noon (9 March 2026), one ingest per pair, so the first pair's people get the smaller
// ids.
class WhoKnowsEqualScores : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(InitConsented(db_, "--tenant N --domain northwind.example").exit_code, 0);
  }
  void Exchange(const std::string& writer, const std::string& answerer) {
    const std::string pair = writer + "-" + answerer;  // the Message-IDs' tail
    WriteFile(dir_ / ("mail/cur/" + std::to_string(++files_)),
              Mail("to-" + pair, "Mon, 9 Mar 2026 00:00:00 +0000", writer, answerer));
    WriteFile(dir_ / ("mail/cur/" + std::to_string(++files_)),
              Mail("re-" + pair, "Mon, 9 Mar 2026 12:00:00 +0000", answerer, writer,
                   "In-Reply-To: <to-" + pair + ">\r\n"));
    ASSERT_EQ(RunRapport("--db " + db_ + " ingest " + ShellQuote(dir_ / "mail")).exit_code, 0);
  }
  TempDir dir_;
  const std::string db_ = dir_ / "store.db";
  int files_ = 0;
};

// Equal scores are ordered by address, however few are shown: only the colleagues shown are
// read in full (who_knows_whom.cc), so the cut must not fall between equals. zed is stored first
// (the smaller person id), amy second, each with exactly the same exchange with carol.
TEST_F(WhoKnowsEqualScores, AreOrderedByAddressWhateverTheTop) {
  const std::string carol = "carol@fabrikam.example";
  Exchange("zed@northwind.example", carol);
  Exchange("amy@northwind.example", carol);
  auto ask = [&](const std::string& extra) {
    auto r = RunRapport("--db " + db_ + " who-knows " + carol +
                        " --as zed@northwind.example --as-of " + kAsOf + " --json " + extra);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const json answer = json::parse(r.out, nullptr, false);
    std::vector<std::string> out;
    for (const auto& c : answer["colleagues"]) out.push_back(c["address"]);
    return out;
  };
  const std::vector<std::string> both{"amy@northwind.example", "zed@northwind.example"};
  EXPECT_EQ(ask(""), both);
  EXPECT_EQ(ask("--top 1"), std::vector<std::string>{"amy@northwind.example"});
  // With amy out of sight, the next in order is read on demand.
  ASSERT_EQ(RunRapport("--db " + db_ + " optout add amy@northwind.example").exit_code, 0);
  EXPECT_EQ(ask("--top 1"), std::vector<std::string>{"zed@northwind.example"});
}

// `rapport me` ranks the caller's contacts the same way: equal scores by address, whichever
// contact's mail came in first.
TEST_F(WhoKnowsEqualScores, MeListsEqualContactsByAddress) {
  const std::string zed = "zed@northwind.example";
  Exchange(zed, "zoe@fabrikam.example");
  Exchange(zed, "amy@contoso.example");
  auto r = RunRapport("--db " + db_ + " me --as " + zed + " --as-of " + kAsOf + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json me = json::parse(r.out, nullptr, false);
  ASSERT_EQ(me["top_contacts"].size(), 2u) << r.out;
  EXPECT_EQ(me["top_contacts"][0]["address"], "amy@contoso.example");
  EXPECT_EQ(me["top_contacts"][1]["address"], "zoe@fabrikam.example");
  EXPECT_EQ(me["top_contacts"][0]["strength"], me["top_contacts"][1]["strength"]);
}

TEST_F(WhoKnowsTest, AnAccountCountsEveryoneThereAsOneTie) {
  // bob's message reached carol and dave: two terms for the account. A domain is read as
  // addresses are (case does not matter), an account's name too.
  for (const char* target :
       {"@fabrikam.example", "@FABRIKAM.Example", "fabrikam.example", "Fabrikam.Example"}) {
    json c = Colleagues(target);
    ASSERT_EQ(c.size(), 4u) << target << c.dump(2);
    EXPECT_EQ(c[0]["address"], "alice@northwind.example");
    EXPECT_EQ(c[3]["address"], "bob@northwind.example");
    EXPECT_NEAR(c[3]["strength"].get<double>(), Strength(2 * kBobRaw), 1e-4);  // 0.1914
    EXPECT_EQ(c[3]["contacts_known"], 2);
  }
}

TEST_F(WhoKnowsTest, AContactNobodyKnowsFallsBackToTheirAccount) {
  // dave heard from bob only in bob's group message: bob knows him; after bob, those who know
  // carol, his colleague at fabrikam, follow.
  json c = Colleagues("dave@fabrikam.example");
  ASSERT_EQ(c.size(), 4u) << c.dump(2);
  EXPECT_EQ(c[0]["address"], "bob@northwind.example");
  EXPECT_EQ(c[0]["via_account"], false);
  EXPECT_EQ(c[1]["address"], "alice@northwind.example");
  EXPECT_EQ(c[1]["via_account"], true);
}

// The chance shown is the trained ranker's curve applied to the raw score derived above: bob knows
// dave (direct curve), alice knows only carol, dave's colleague (via-account curve).
TEST_F(WhoKnowsTest, TheChanceIsTheTrainedCurveOfTheHandComputedRawScore) {
  {
    auto store = testing::OpenTestStore(db_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    insights::WkwRanker r;
    r.why = "the formula ranks: a hand-made ranker";
    r.model.direct_chance = {0.9, -1.5};
    r.model.via_account_chance = {0.6, -2.5};
    ASSERT_TRUE(insights::SaveWkwRanker(**store, r).ok());
  }
  const auto sigmoid = [](double x) { return 1 / (1 + std::exp(-x)); };
  const double bob = sigmoid(-1.5 + 0.9 * std::log1p(kBobRaw));      // 0.2796
  const double alice = sigmoid(-2.5 + 0.6 * std::log1p(kAliceRaw));  // 0.1566
  auto r = Ask("dave@fabrikam.example");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json answer = json::parse(r.out);
  EXPECT_EQ(answer["ranked_by"], "formula");
  EXPECT_EQ(answer["chance_horizon_days"], 90);
  EXPECT_EQ(answer["ranker_note"], "the formula ranks: a hand-made ranker");
  const json& c = answer["colleagues"];
  ASSERT_EQ(c.size(), 4u) << c.dump(2);
  EXPECT_EQ(c[0]["address"], "bob@northwind.example");
  EXPECT_NEAR(c[0]["chance"].get<double>(), bob, 1e-4);
  EXPECT_EQ(c[1]["address"], "alice@northwind.example");
  EXPECT_NEAR(c[1]["chance"].get<double>(), alice, 1e-4);
  auto text =
      RunRapport("--db " + db_ +
                 " who-knows dave@fabrikam.example --as alice@northwind.example --as-of " + kAsOf);
  EXPECT_NE(text.out.find(" 28 % "), std::string::npos) << text.out;
  EXPECT_NE(text.out.find(" 16 % "), std::string::npos) << text.out;
  // An account gets no chance: the ranker learns about contacts.
  json account = Colleagues("@fabrikam.example");
  ASSERT_FALSE(account.empty());
  EXPECT_TRUE(account[0]["chance"].is_null());
}

TEST_F(WhoKnowsTest, BulkSendersAndOneWayTrafficMakeNoRelationship) {
  EXPECT_TRUE(Colleagues("news@fabrikam.example").empty());
  auto r = Ask("carol@fabrikam.example", "erin@northwind.example");  // erin may ask; not listed
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("erin@"), std::string::npos);
}

TEST_F(WhoKnowsTest, GoesThroughThePolicyPoint) {
  auto stranger = Ask("carol@fabrikam.example", "mallory@evil.example");
  EXPECT_EQ(stranger.exit_code, 1);
  EXPECT_EQ(stranger.err, "rapport: error: not allowed: caller is not a user of this tenant\n");
  EXPECT_EQ(stranger.out, "");
  // Even an unknown target is decided (and audited) first: a stranger learns nothing.
  auto probe = Ask("nobody@fabrikam.example", "mallory@evil.example");
  EXPECT_EQ(probe.exit_code, 1);
  EXPECT_NE(probe.err.find("not allowed"), std::string::npos) << probe.err;

  ASSERT_EQ(
      RunRapport("--db " + db_ + " consent revoke identifiable --by admin@rapport-tests.example")
          .exit_code,
      0);
  auto revoked = Ask("@fabrikam.example");
  EXPECT_EQ(revoked.exit_code, 1);
  EXPECT_EQ(revoked.err, "rapport: error: not allowed: consent identifiable not in force\n");
  auto audit = RunRapport("--db " + db_ + " audit list --json");
  EXPECT_NE(audit.out.find("who-knows-whom"), std::string::npos);
}

TEST_F(WhoKnowsTest, AnOptedOutColleagueNeverAppears) {
  ASSERT_EQ(RunRapport("--db " + db_ + " optout add bob@northwind.example").exit_code, 0);
  for (const char* target : {"carol@fabrikam.example", "@fabrikam.example"}) {
    auto r = Ask(target);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find("bob@"), std::string::npos) << target;
    EXPECT_EQ(json::parse(r.out)["colleagues"].size(), 3u);
  }
}

TEST_F(WhoKnowsTest, TheSameWhateverOrderTheMailWasIngestedIn) {
  TempDir other;
  const std::string reversed = Build(other, true);
  for (std::string question :
       {"who-knows carol@fabrikam.example", "who-knows @fabrikam.example",
        "relationship carol@fabrikam.example --days 14", "relationship fabrikam.example", "me"}) {
    question += " --as alice@northwind.example --as-of " + std::string(kAsOf) + " --json";
    auto a = RunRapport("--db " + db_ + " " + question);
    auto b = RunRapport("--db " + reversed + " " + question);
    ASSERT_EQ(a.exit_code, 0) << question << ": " << a.err;
    EXPECT_EQ(a.out, b.out) << question;
  }
}

TEST_F(WhoKnowsTest, BadTargetsSayWhatToGive) {
  auto colleague = Ask("bob@northwind.example");
  EXPECT_EQ(colleague.exit_code, 1);
  EXPECT_NE(colleague.err.find("is a colleague"), std::string::npos) << colleague.err;
  auto nobody = Ask("@nowhere.example");
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_NE(nobody.err.find("nobody at @nowhere.example"), std::string::npos) << nobody.err;
  auto date = RunRapport("--db " + db_ +
                         " who-knows @fabrikam.example --as alice@northwind.example "
                         "--as-of yesterday");
  EXPECT_EQ(date.exit_code, 2);
}

TEST_F(WhoKnowsTest, IntroduceDraftsAMessageToTheColleague) {
  const std::string out = dir_ / "intro.eml";
  auto r = RunRapport("--db " + db_ +
                      " introduce carol@fabrikam.example --via frank@northwind.example "
                      "--as bob@northwind.example --as-of " +
                      kAsOf + " --out " + out);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string eml = ReadFile(out);
  EXPECT_NE(eml.find("From: \"Bob Brown\" <bob@northwind.example>\r\n"), std::string::npos) << eml;
  EXPECT_NE(eml.find("To: frank@northwind.example\r\n"), std::string::npos) << eml;
  EXPECT_NE(eml.find("Subject: Introduction to Carol Chen <carol@fabrikam.example>?\r\n"),
            std::string::npos);
  EXPECT_NE(eml.find("1 meetings"), std::string::npos);
  // The draft parses as mail: rapport itself reads it back.
  WriteFile(dir_ / "intro/cur/1", eml);
  EXPECT_EQ(RunRapport("--db " + db_ + " ingest " + (dir_ / "intro")).exit_code, 0);

  auto nobody = RunRapport("--db " + db_ +
                           " introduce carol@fabrikam.example --via "
                           "erin@northwind.example --as bob@northwind.example --as-of " +
                           kAsOf);
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_NE(nobody.err.find("no two-way relationship"), std::string::npos) << nobody.err;
}

// The issue's bar on real mail: on Enron (internal enron.com, split 2001-06-01, horizon 180
// days) rapport's ranking beats frequency-only and recency-only on MRR, with Recall@5 not below
// either, on both query sets; and Who Knows Whom, relationship analytics and personal insights
// answer for real people.
TEST(InsightsEnron, AnswerAndWhoKnowsWhomBeatsTheBaselines) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  TempDir dir;
  const std::string db = dir / "enron.db";
  ASSERT_EQ(InitConsented(db, "--tenant Enron --domain enron.com").exit_code, 0);
  ASSERT_EQ(RunRapport("--db " + db + " ingest " + corpus + "/jpvance123_Amdocs_ML_Email_Analytics")
                .exit_code,
            0);
  auto r = RunRapport("--db " + db + " eval wkw --split 2001-06-01 --horizon 180 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json eval = json::parse(r.out);
  for (const char* set : {"known_contacts", "new_contacts_at_known_accounts"}) {
    const json& s = eval[set];
    EXPECT_GT(s["queries"].get<int>(), 100) << set;
    for (const char* baseline : {"frequency", "recency"}) {
      EXPECT_GT(s["rapport"]["mrr"].get<double>(), s[baseline]["mrr"].get<double>())
          << set << " vs " << baseline;
      EXPECT_GE(s["rapport"]["recall_at_5"].get<double>(), s[baseline]["recall_at_5"].get<double>())
          << set << " vs " << baseline;
    }
  }
  // The learned ranker is reported beside them, with its training and 95 % intervals; it is
  // not asserted to win (docs/strength.md: on Enron it does not yet).
  for (const char* set : {"known_contacts", "new_contacts_at_known_accounts"}) {
    const json& learned = eval[set]["learned"];
    ASSERT_TRUE(learned.is_object()) << set;
    EXPECT_LE(learned["mrr_ci95"][0].get<double>(), learned["mrr"].get<double>());
    EXPECT_GE(learned["mrr_ci95"][1].get<double>(), learned["mrr"].get<double>());
  }
  EXPECT_EQ(eval["model"]["trained"], true);
  EXPECT_EQ(eval["model"]["horizon_days"], 90);
  EXPECT_EQ(eval["model"]["cutoffs"][0], "2001-03-03");  // 90 days before the split
  auto two = RunRapport("--db " + db +
                        " eval wkw --split 2001-01-01 --split 2001-06-01 --model formula --json");
  ASSERT_EQ(two.exit_code, 0) << two.err;
  json both = json::parse(two.out);
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0]["split"], "2001-01-01");
  EXPECT_EQ(both[1]["known_contacts"]["rapport"], eval["known_contacts"]["rapport"]);
  EXPECT_FALSE(both[1]["known_contacts"].contains("learned"));

  // Jeff Smith of austintx.com, Phillip Allen's contact: Allen knows him best.
  auto who = RunRapport("--db " + db +
                        " who-knows jsmith@austintx.com --as admin@rapport-tests.example "
                        "--as-of 2001-06-01 --json");
  ASSERT_EQ(who.exit_code, 0) << who.err;
  json c = json::parse(who.out)["colleagues"];
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c[0]["address"], "phillip.allen@enron.com");
  // The ingest trained the ranker (docs/strength.md): on Enron's last 90 days the learned model
  // is not better than the formula on both query sets, so the formula ranks and gives the chance.
  EXPECT_EQ(json::parse(who.out)["ranked_by"], "formula");
  EXPECT_EQ(json::parse(who.out)["chance_horizon_days"], 90);
  EXPECT_GT(c[0]["chance"].get<double>(), 0.0);
  EXPECT_LT(c[0]["chance"].get<double>(), 1.0);
  auto train = RunRapport("--db " + db + " train --json");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  json ranker = json::parse(train.out);
  EXPECT_EQ(ranker["learned_ranks"], false);
  EXPECT_GE(ranker["check"]["known_queries"].get<int>(), 30);
  EXPECT_EQ(ranker["why"].get<std::string>().rfind("the formula ranks", 0), 0u) << ranker["why"];

  // Relationship analytics: in the 90 days to 1 June 2001 Enron wrote to him 20 times (by SQL:
  // non-bulk messages from enron.com people with him as a recipient) and he never wrote back:
  // one-way, so Poor whatever the volume.
  auto rel = RunRapport("--db " + db +
                        " relationship jsmith@austintx.com --days 90 --as "
                        "admin@rapport-tests.example --as-of 2001-06-01 --json");
  ASSERT_EQ(rel.exit_code, 0) << rel.err;
  json analytics = json::parse(rel.out);
  EXPECT_EQ(analytics["by_us"]["emails_sent"], 20);
  EXPECT_EQ(analytics["by_them"]["emails_sent"], 0);
  EXPECT_EQ(analytics["health"]["grade"], "Poor");
  EXPECT_EQ(analytics["most_contacted"][0]["address"], "phillip.allen@enron.com");

  // Personal insights, for Phillip Allen himself only.
  auto me = RunRapport("--db " + db + " me --as phillip.allen@enron.com --as-of 2001-06-01 --json");
  ASSERT_EQ(me.exit_code, 0) << me.err;
  EXPECT_EQ(json::parse(me.out)["top_contacts"][0]["address"], "jsmith@austintx.com");
  auto other = RunRapport("--db " + db + " me --as john.arnold@enron.com --as-of 2001-06-01");
  EXPECT_EQ(other.exit_code, 0) << other.err;  // his own: allowed
  EXPECT_EQ(other.out.find("phillip"), std::string::npos);
}

}  // namespace
}  // namespace rapport::testing
