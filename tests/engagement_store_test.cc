// What account engagement reads from the store (SPEC §4.5): a hand-built mailbox and calendar
// ingested with the real CLI, then every item ScanAccountActivity gives worked out by hand; and
// the budget ledger.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "mail_fixtures.h"
#include "rapport/store/store.h"
#include "schema_undo.h"
#include "store/sqlite/db.h"
#include "test_support.h"

namespace rapport::store {
namespace {

using rapport::testing::Attendee;
using rapport::testing::InitConsented;
using rapport::testing::Mail;
using rapport::testing::RunRapport;
using rapport::testing::TempDir;
using rapport::testing::WriteFile;

constexpr int64_t kMarch = 1772323200;  // 2026-03-01T00:00:00Z
constexpr int64_t kApril = 1775001600;  // 2026-04-01T00:00:00Z

std::string HourEvent(const std::string& uid, const std::string& start,
                      const std::string& organizer, const std::string& attendees,
                      const std::string& status = "CONFIRMED") {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
         "\r\nDTSTAMP:20260201T000000Z\r\nDTSTART:" + start +
         "\r\nDURATION:PT1H\r\nSTATUS:" + status + "\r\nORGANIZER:mailto:" + organizer + "\r\n" +
         attendees + "END:VEVENT\r\nEND:VCALENDAR\r\n";
}

const std::string kAlice = "alice@northwind.example", kBob = "bob@northwind.example",
                  kAnn = "ann@northwind.example", kCarol = "carol@fabrikam.example",
                  kDave = "dave@fabrikam.example", kZed = "zed@contoso.example";

std::vector<std::pair<std::string, std::string>> Files() {
  return {
      // zed answers m8 in 30 min, read (and numbered) before it: the scan meets it first.
      {"mail/cur/00",
       Mail("m0@c", "Thu, 5 Mar 2026 09:30:00 +0000", kZed, kBob, "In-Reply-To: <m8@n>\r\n")},
      // Ours to fabrikam with an internal Cc; carol's second address is still carol.
      {"mail/cur/01", Mail("m1@n", "Tue, 3 Mar 2026 09:00:00 +0000", kAlice,
                           kCarol + ", carol+x@fabrikam.example", "Cc: " + kAnn + "\r\n")},
      // Theirs to two of ours, with a colleague and a role address (ignored) on copy.
      {"mail/cur/02", Mail("m2@f", "Tue, 3 Mar 2026 10:00:00 +0000", kCarol, kAlice + ", " + kBob,
                           "Cc: " + kDave + ", noreply@fabrikam.example\r\n")},
      // carol answers m1 in 4 h; dave answers it by References in 5 h.
      {"mail/cur/03",
       Mail("m3@f", "Tue, 3 Mar 2026 13:00:00 +0000", kCarol, kAlice, "In-Reply-To: <m1@n>\r\n")},
      {"mail/cur/04", Mail("m4@f", "Tue, 3 Mar 2026 14:00:00 +0000", kDave, kAlice,
                           "References: <m0@x> <m1@n>\r\n")},
      // Bulk mail, a role sender, ours to a role address only: nothing.
      {"mail/cur/05",
       Mail("m5@f", "Wed, 4 Mar 2026 09:00:00 +0000", kCarol, kAlice, "Precedence: bulk\r\n")},
      {"mail/cur/06",
       Mail("m6@f", "Wed, 4 Mar 2026 09:00:00 +0000", "noreply@fabrikam.example", kAlice)},
      {"mail/cur/07",
       Mail("m7@n", "Wed, 4 Mar 2026 10:00:00 +0000", kAlice, "notifications@fabrikam.example")},
      // To two accounts: two items.
      {"mail/cur/08", Mail("m8@n", "Thu, 5 Mar 2026 09:00:00 +0000", kBob, kCarol + ", " + kZed)},
      // Among ourselves, among them, and theirs to us copying another account: one item.
      {"mail/cur/09", Mail("m9@n", "Thu, 5 Mar 2026 10:00:00 +0000", kAlice, kBob)},
      {"mail/cur/10", Mail("m10@f", "Thu, 5 Mar 2026 11:00:00 +0000", kCarol, kDave)},
      {"mail/cur/11",
       Mail("m11@c", "Thu, 5 Mar 2026 12:00:00 +0000", kZed, kBob, "Cc: " + kCarol + "\r\n")},
      // An answer (by carol, in March) to mail alice sent before the window, and the window's
      // edges: the first second in, the first second after out.
      {"mail/cur/12", Mail("m12@n", "Fri, 20 Feb 2026 12:00:00 +0000", kAlice, kCarol)},
      {"mail/cur/13",
       Mail("m13@f", "Mon, 2 Mar 2026 09:00:00 +0000", kCarol, kAlice, "In-Reply-To: <m12@n>\r\n")},
      {"mail/cur/14", Mail("m14@n", "Sun, 1 Mar 2026 00:00:00 +0000", kAnn, kDave)},
      {"mail/cur/15", Mail("m15@n", "Wed, 1 Apr 2026 00:00:00 +0000", kAnn, kDave)},
      // Ours (dave declined), theirs with another account's zed, a cancelled one, one without
      // us, one outside the window.
      {"cal/g1.ics", HourEvent("g1", "20260310T100000Z", kAlice,
                               Attendee(kCarol) + Attendee(kBob) + Attendee(kDave, "DECLINED"))},
      {"cal/g2.ics",
       HourEvent("g2", "20260311T100000Z", kCarol, Attendee(kAlice) + Attendee(kZed))},
      {"cal/g3.ics", HourEvent("g3", "20260312T100000Z", kAlice, Attendee(kCarol), "CANCELLED")},
      {"cal/g4.ics", HourEvent("g4", "20260313T100000Z", kCarol, Attendee(kDave))},
      {"cal/g5.ics", HourEvent("g5", "20260401T000000Z", kAlice, Attendee(kCarol))},
  };
}

class EngagementStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "store.db";
    ASSERT_EQ(
        InitConsented(db_, "--tenant N --domain northwind.example --fold-plus-addresses").exit_code,
        0);
    for (const auto& [name, text] : Files()) WriteFile(dir_ / name, text);
    WriteFile(dir_ / "accounts.csv", "Contoso Ltd,contoso.example\n");
    auto r = RunRapport("--db " + db_ + " accounts import " + (dir_ / "accounts.csv"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = RunRapport("--db " + db_ + " ingest " + (dir_ / "mail") + " " + (dir_ / "cal"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto store = OpenSqliteStore(db_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    for (const auto& a : {kAlice, kBob, kAnn, kCarol, kDave, kZed}) {
      auto p = store_->IdentifyPerson(a);
      ASSERT_TRUE(p.ok()) << a << ": " << p.status().message();
      names_[p->id] = a.substr(0, a.find('@'));
    }
    auto accounts = store_->ListAccounts();
    ASSERT_TRUE(accounts.ok());
    for (const auto& a : *accounts) accounts_[a.id] = a.name;
    auto db = SqliteDb::Open(db_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(
        ForEachRow(*db, "SELECT id, message_id FROM message UNION ALL SELECT id, uid FROM meeting",
                   [&](SqlStatement& s) { items_[s.ColumnInt(0)].push_back(s.ColumnText(1)); })
            .ok());
  }

  // Sorted by name, so that expectations do not depend on person ids.
  std::string Names(const std::vector<int64_t>& people) {
    std::vector<std::string> names;
    for (int64_t p : people) names.push_back(names_.count(p) ? names_[p] : "?");
    std::sort(names.begin(), names.end());
    std::string out;
    for (const auto& n : names) {
      if (!out.empty()) out.push_back(',');
      out.append(n);
    }
    return out;
  }
  std::string Item(int64_t id, bool meeting) {
    const auto& ids = items_[id];
    for (const auto& i : ids) {
      if ((i.find('@') == std::string::npos) == meeting) return i;
    }
    return "?";
  }

  int64_t RowOf(const std::string& message_id) {
    for (const auto& [row, ids] : items_) {
      if (std::find(ids.begin(), ids.end(), message_id) != ids.end()) return row;
    }
    return 0;
  }

  // Each item as one line, sorted: "m1@n fabrikam.example ours alice internal=alice,ann ...".
  std::vector<std::string> Scan(int64_t from, int64_t to) {
    std::vector<std::string> out;
    Status st = store_->ScanAccountActivity(
        from, to,
        [&](const AccountMail& m) {
          std::string line = Item(m.id, false);
          line.append(" ").append(accounts_[m.account]);
          line.append(m.from_account ? " theirs " : " ours ").append(Names({m.sender}));
          line.append(" internal=").append(Names(m.internal));
          line.append(" contacts=").append(Names(m.contacts));
          if (m.answers != 0 || m.reply_seconds != -1) {
            line.append(" answers=").append(Names({m.answers}));
            line.append("/").append(std::to_string(m.reply_seconds));
          }
          out.push_back(std::move(line));
        },
        [&](const AccountMeeting& g) {
          std::string line = Item(g.id, true);
          line.append(" ").append(accounts_[g.account]);
          line.append(g.by_internal ? " by-us" : "").append(g.by_account ? " by-them" : "");
          line.append(" organizer=").append(g.organizer ? Names({g.organizer}) : "none");
          line.append(" internal=").append(Names(g.internal));
          line.append(" contacts=").append(Names(g.contacts));
          line.append(" ").append(std::to_string(g.start)).append("-");
          line.append(std::to_string(g.end - g.start));
          out.push_back(std::move(line));
        });
    EXPECT_TRUE(st.ok()) << st.message();
    std::sort(out.begin(), out.end());
    return out;
  }

  TempDir dir_;
  std::string db_;
  std::unique_ptr<Store> store_;
  std::map<int64_t, std::string> names_, accounts_;
  std::map<int64_t, std::vector<std::string>> items_;  // row id -> Message-IDs and UIDs
};

TEST_F(EngagementStoreTest, EveryItemOfMarchByHand) {
  const std::vector<std::string> expected = {
      // 10 Mar 10:00, 11 Mar 10:00 UTC.
      "m0@c Contoso Ltd theirs zed internal=bob contacts=zed answers=bob/1800",
      "g1 fabrikam.example by-us organizer=alice internal=alice,bob contacts=carol 1773136800"
      "-3600",
      "g2 Contoso Ltd organizer=carol internal=alice contacts=zed 1773223200-3600",
      "g2 fabrikam.example by-them organizer=carol internal=alice contacts=carol 1773223200-3600",
      "m11@c Contoso Ltd theirs zed internal=bob contacts=zed",
      "m13@f fabrikam.example theirs carol internal=alice contacts=carol answers=alice/853200",
      "m14@n fabrikam.example ours ann internal=ann contacts=dave",
      "m1@n fabrikam.example ours alice internal=alice,ann contacts=carol",
      "m2@f fabrikam.example theirs carol internal=alice,bob contacts=carol,dave",
      "m3@f fabrikam.example theirs carol internal=alice contacts=carol answers=alice/14400",
      "m4@f fabrikam.example theirs dave internal=alice contacts=dave answers=alice/18000",
      "m8@n Contoso Ltd ours bob internal=bob contacts=zed",
      "m8@n fabrikam.example ours bob internal=bob contacts=carol",
  };
  // m0 answers m8 but was stored first: the answer is found after the scan has passed it.
  EXPECT_LT(RowOf("m0@c"), RowOf("m8@n"));
  std::vector<std::string> sorted = expected;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(Scan(kMarch, kApril), sorted);
}

TEST_F(EngagementStoreTest, TheWindowIsHalfOpen) {
  // Only 1 March 00:00:00 itself.
  EXPECT_EQ(Scan(kMarch, kMarch + 1),
            std::vector<std::string>{"m14@n fabrikam.example ours ann internal=ann contacts=dave"});
  // April: m15 and g5 start on its first second.
  auto april = Scan(kApril, kApril + 86400);
  ASSERT_EQ(april.size(), 2u);
  EXPECT_EQ(april[0].substr(0, 3), "g5 ");
  EXPECT_EQ(april[1].substr(0, 4), "m15@");
  EXPECT_TRUE(Scan(kApril + 86400, kApril + 2 * 86400).empty());
  // February: alice's m12 (answered in March, which does not matter here).
  EXPECT_EQ(Scan(kMarch - 28 * 86400, kMarch),
            std::vector<std::string>{"m12@n fabrikam.example ours alice internal=alice "
                                     "contacts=carol"});
}

constexpr int64_t kFebruary = 1769904000;  // 2026-02-01T00:00:00Z

// A release charging `rho_nano` and `delta_atto` to each of `months`.
PrivacyRelease Release(const std::string& key, int64_t at, std::vector<int64_t> months,
                       int64_t rho_nano, int64_t delta_atto = 0) {
  PrivacyRelease r;
  r.request_key = key;
  r.requested_by = "ceo@northwind.example";
  r.released_at = at;
  r.epsilon_micro = 1'000'000;
  r.delta = "1e-07";
  r.rows = 3;
  r.body = "{\"key\":\"" + key + "\"}";
  for (int64_t m : months) r.charges.push_back({m, rho_nano, delta_atto});
  return r;
}

void ExpectSame(const PrivacyRelease& a, const PrivacyRelease& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.request_key, b.request_key);
  EXPECT_EQ(a.requested_by, b.requested_by);
  EXPECT_EQ(a.released_at, b.released_at);
  EXPECT_EQ(a.epsilon_micro, b.epsilon_micro);
  EXPECT_EQ(a.delta, b.delta);
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.body, b.body);
  ASSERT_EQ(a.charges.size(), b.charges.size());
  for (size_t i = 0; i < a.charges.size(); ++i) {
    EXPECT_EQ(a.charges[i].month, b.charges[i].month);
    EXPECT_EQ(a.charges[i].rho_nano, b.charges[i].rho_nano);
    EXPECT_EQ(a.charges[i].delta_atto, b.charges[i].delta_atto);
  }
}

std::vector<std::string> Keys(const Result<std::vector<PrivacyRelease>>& releases) {
  std::vector<std::string> keys;
  if (releases.ok()) {
    for (const auto& r : *releases) keys.push_back(r.request_key);
  }
  return keys;
}

class BudgetLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = CreateSqliteStore(dir_ / "s.db");
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    ASSERT_TRUE(store_->InitTenant({"N", {"northwind.example"}, 0, false}).ok());
  }
  // Each month's rho spent, by month.
  std::map<int64_t, int64_t> Spent() {
    std::map<int64_t, int64_t> out;
    auto spent = store_->PrivacySpent(INT64_MIN, INT64_MAX);
    for (const auto& m : *spent) out[m.month] = m.rho_nano;
    return out;
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

constexpr ReleaseLimits kLimits{1'000'000'000, 50'000'000'000, 0, std::nullopt};  // rho 1, 5e-8

TEST_F(BudgetLedgerTest, AppendFindAndListWithCharges) {
  EXPECT_FALSE(store_->FindRelease("a")->has_value());
  EXPECT_TRUE(store_->ListReleases(0)->empty());
  auto a = store_->AppendRelease(Release("a", kMarch + 100, {kFebruary, kMarch}, 300'000'000, 7),
                                 kLimits);
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_GT(a->id, 0);
  ASSERT_TRUE(
      store_->AppendRelease(Release("b", kMarch + 50, {kMarch}, 200'000'000), kLimits).ok());
  auto found = store_->FindRelease("a");
  ASSERT_TRUE(found.ok() && found->has_value());
  ExpectSame(**found, *a);
  EXPECT_EQ(Keys(store_->ListReleases(kMarch)), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(Keys(store_->ListReleases(kMarch + 51)), std::vector<std::string>{"a"});
  ExpectSame(store_->ListReleases(0)->at(1), *a);
  auto spent = store_->PrivacySpent(kFebruary, kApril);
  ASSERT_TRUE(spent.ok());
  ASSERT_EQ(spent->size(), 2u);
  EXPECT_EQ(spent->at(0).month, kFebruary);
  EXPECT_EQ(spent->at(0).rho_nano, 300'000'000);
  EXPECT_EQ(spent->at(0).delta_atto, 7);
  EXPECT_EQ(spent->at(0).releases, 1);
  EXPECT_EQ(spent->at(1).rho_nano, 500'000'000);
  EXPECT_EQ(spent->at(1).releases, 2);
  EXPECT_EQ(store_->PrivacySpent(kMarch, kMarch + 1)->size(), 1u);  // [from, to)
  EXPECT_TRUE(store_->PrivacySpent(kApril, kApril + 1)->empty());
}

TEST_F(BudgetLedgerTest, TheSameRequestAgainCostsNothing) {
  auto a = store_->AppendRelease(Release("a", kMarch, {kMarch}, 900'000'000), kLimits);
  ASSERT_TRUE(a.ok());
  // The identical request (even one that would not fit now) returns the stored release.
  auto again = store_->AppendRelease(Release("a", kMarch + 9, {kMarch}, 500'000'000), kLimits);
  ASSERT_TRUE(again.ok()) << again.status().message();
  ExpectSame(*again, *a);
  EXPECT_EQ(store_->ListReleases(0)->size(), 1u);
  EXPECT_EQ(Spent()[kMarch], 900'000'000);
}

// Issue 16: every month a release reads pays; one month short refuses the whole release, and
// the refusal stores nothing. Budgets never reset: release time does not matter.
TEST_F(BudgetLedgerTest, AMonthThatCannotPayRefusesTheReleaseForLife) {
  ASSERT_TRUE(store_->AppendRelease(Release("a", kMarch, {kMarch}, 900'000'000), kLimits).ok());
  auto over =
      store_->AppendRelease(Release("b", kMarch + 1, {kFebruary, kMarch}, 200'000'000), kLimits);
  EXPECT_EQ(over.status().code(), Status::Code::kResourceExhausted);
  EXPECT_FALSE(store_->FindRelease("b")->has_value());
  EXPECT_EQ(Spent().count(kFebruary), 0u);  // February was not charged either
  // Years later, the same month is still spent.
  const int64_t later = kMarch + 3 * 365 * 86400;
  EXPECT_EQ(
      store_->AppendRelease(Release("c", later, {kMarch}, 100'000'001), kLimits).status().code(),
      Status::Code::kResourceExhausted);
  EXPECT_TRUE(store_->AppendRelease(Release("d", later, {kMarch}, 100'000'000), kLimits).ok());
  // delta is a budget too.
  EXPECT_EQ(store_->AppendRelease(Release("e", later, {kFebruary}, 1, 50'000'000'001), kLimits)
                .status()
                .code(),
            Status::Code::kResourceExhausted);
  // A release made wholly of earlier releases' rows charges nothing, and fits a spent month.
  EXPECT_TRUE(store_->AppendRelease(Release("f", later, {}, 0), kLimits).ok());
  PrivacyRelease no_epsilon = Release("g", later, {kFebruary}, 1);
  no_epsilon.epsilon_micro = 0;
  EXPECT_EQ(store_->AppendRelease(no_epsilon, kLimits).status().code(),
            Status::Code::kInvalidArgument);
}

TEST_F(BudgetLedgerTest, ACappedCallerMakesAtMostTheirReleasesAMonth) {
  ReleaseLimits capped = kLimits;
  capped.caller_since = kMarch;
  capped.caller_releases_per_month = 2;
  PrivacyRelease r = Release("m1", kMarch, {kMarch}, 1);
  r.requested_by = "mo@northwind.example";
  ASSERT_TRUE(store_->AppendRelease(r, capped).ok());
  r.request_key = "m2";
  ASSERT_TRUE(store_->AppendRelease(r, capped).ok());
  r.request_key = "m3";
  auto over = store_->AppendRelease(r, capped);
  EXPECT_EQ(over.status().code(), Status::Code::kResourceExhausted);
  EXPECT_NE(over.status().message().find("mo@northwind.example made 2 new releases"),
            std::string::npos)
      << over.status().message();
  r.request_key = "m1";
  EXPECT_TRUE(store_->AppendRelease(r, capped).ok());  // stored: free
  EXPECT_EQ(*store_->ReleasesBy("mo@northwind.example", kMarch), 2);
  EXPECT_EQ(*store_->ReleasesBy("mo@northwind.example", kMarch + 1), 0);
  capped.caller_since = kApril;  // a new month
  r.request_key = "m3";
  EXPECT_TRUE(store_->AppendRelease(r, capped).ok());
}

TEST_F(BudgetLedgerTest, SurvivesReopeningAndPurges) {
  auto a = store_->AppendRelease(Release("a", kMarch, {kMarch}, 1'000'000'000), kLimits);
  ASSERT_TRUE(a.ok());
  PurgePlan everything;
  everything.everything = true;
  ASSERT_TRUE(store_->Purge(everything, nullptr).ok());
  store_.reset();
  auto store = OpenSqliteStore(dir_ / "s.db");
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto found = (*store)->FindRelease("a");
  ASSERT_TRUE(found.ok() && found->has_value());
  ExpectSame(**found, *a);
  // The purged ledger still counts against the month's budget.
  EXPECT_EQ((*store)->AppendRelease(Release("b", kMarch, {kMarch}, 1), kLimits).status().code(),
            Status::Code::kResourceExhausted);
}

// A release made by the version before issue 16 (a quarter's epsilon, over a range) is charged on
// upgrade to every month of its range: epsilon-DP is epsilon^2/2-zCDP, rounded up.
TEST_F(BudgetLedgerTest, ReleasesFromBeforeTheUpgradeAreChargedToTheirMonths) {
  store_.reset();
  {
    auto db = SqliteDb::Open(dir_ / "s.db");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec(rapport::testing::kUndoWriterMarksLateParticipants).ok());
    ASSERT_TRUE(db->Exec(rapport::testing::kUndoMessageKeyedByTime).ok());
    ASSERT_TRUE(
        db->Exec(
              "PRAGMA user_version = 10; DROP INDEX account_name_key; "
              "DROP TRIGGER participant_sent_at; DROP INDEX "
              "participant_address; ALTER TABLE participant DROP COLUMN sent_at; CREATE INDEX "
              "participant_address ON participant (address); "
              "ALTER TABLE directory_address RENAME COLUMN "
              "directory_user TO user; ALTER TABLE group_member RENAME COLUMN member TO user; "
              "ALTER TABLE access_token RENAME COLUMN owner TO user; ALTER TABLE message_copy "
              "RENAME COLUMN source_offset TO offset; ALTER TABLE meeting_copy RENAME COLUMN "
              "source_offset TO offset; DROP TABLE privacy_charge; DROP TABLE "
              "mailbox_item; DROP TABLE sync_cursor; DROP TABLE sync_source; "
              "DROP TABLE calendar_item; ALTER TABLE access_token DROP COLUMN kind; "
              "DROP INDEX message_sent; "
              "ALTER TABLE directory_user DROP COLUMN job_title; DROP TRIGGER tie_message_out; "
              "DROP TRIGGER tie_participant_late; DROP TRIGGER tie_participant_out; DROP TRIGGER "
              "tie_message_changed; DROP TRIGGER tie_attendee_in; DROP TRIGGER tie_attendee_out; "
              "DROP TRIGGER tie_attendee_changed; DROP TRIGGER tie_meeting_in; DROP TRIGGER "
              "tie_meeting_out; DROP TRIGGER tie_meeting_changed; DROP TRIGGER "
              "tie_address_changed; DROP TRIGGER tie_address_added; DROP TRIGGER tie_address_out; "
              "DROP TRIGGER tie_person_changed; DROP TRIGGER tie_person_out; DROP TABLE tie; DROP "
              "TABLE tie_stale; DROP TABLE tie_watermark; DROP TABLE tie_pending")
            .ok());
    ASSERT_TRUE(db->Exec("INSERT INTO privacy_release (tenant_id, request_key, requested_by, "
                         "released_at, epsilon_micro, delta, rows, body) VALUES (1, "
                         "'engagement/1 x', 'ceo@northwind.example', 1, 2000000, '1e-06', 0, "
                         "'{\"from\":" +
                         std::to_string(kFebruary) + ",\"to\":" + std::to_string(kApril) +
                         ",\"delta\":1e-06}')")
                    .ok());
  }
  auto store = OpenSqliteStore(dir_ / "s.db");
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto spent = (*store)->PrivacySpent(INT64_MIN, INT64_MAX);
  ASSERT_TRUE(spent.ok()) << spent.status().message();
  ASSERT_EQ(spent->size(), 2u);  // February and March
  EXPECT_EQ(spent->at(0).month, kFebruary);
  EXPECT_EQ(spent->at(1).month, kMarch);
  EXPECT_EQ(spent->at(0).rho_nano, 2'000'000'001);        // epsilon 2: rho 2, rounded up
  EXPECT_GE(spent->at(0).delta_atto, 1'000'000'000'000);  // delta 1e-6, rounded up
}

}  // namespace
}  // namespace rapport::store
