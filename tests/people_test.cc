// People: one person per human, whatever address they write from (SPEC §3, issue 4).
// Every expected count below is worked out by hand from the messages written in the test.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_store.h"
#include "test_support.h"

namespace rapport {
namespace {

using nlohmann::json;
using testing::DumpStore;
using testing::RunRapport;
using testing::TempDir;
using testing::WriteFile;

class PeopleCli : public ::testing::Test {
 protected:
  void Init(const std::string& extra = "") {
    db_ = dir_ / "store.db";
    auto r = testing::InitConsented(db_, "--tenant N --domain northwind.example " + extra);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void Mail(int n, const std::string& from, const std::string& to) {
    WriteFile(dir_ / ("m/cur/" + std::to_string(n)),
              "Message-ID: <" + std::to_string(n) + "@x>\nDate: " + std::to_string(n) +
                  " Jun 2026 10:00 +0000\nFrom: " + from + "\nTo: " + to + "\nSubject: s" +
                  std::to_string(n) + "\n\n");
  }
  void Ingest() {
    auto r = RunRapport("--db " + db_ + " ingest " + (dir_ / "m"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  json Show(const std::string& who) {
    auto r = RunRapport("--db " + db_ + " people show " + testing::ShellQuote(who) +
                        " --json --as admin@rapport-tests.example");
    EXPECT_EQ(r.exit_code, 0) << who << ": " << r.err;
    return json::parse(r.out, nullptr, false);
  }
  json Stats() {
    auto r = RunRapport("--db " + db_ + " stats --json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  testing::CommandResult Import(const std::string& name, const std::string& data) {
    WriteFile(dir_ / name, data);
    return RunRapport("--db " + db_ + " directory import " + (dir_ / name));
  }
  TempDir dir_;
  std::string db_;
};

constexpr const char* kHeader = "address,display_name,department,manager,role,aliases,groups\n";

// Alice writes from two addresses. Message 4 goes to both of them, so it must count once.
//   1 alice -> bob   2 bob -> alice   3 alice.smith -> bob
//   4 bob -> alice.smith, alice       5 carol -> alice.smith
TEST_F(PeopleCli, AnAliasImportMergesTwoPeopleAndCountsNothingTwice) {
  Init();
  Mail(1, "alice@northwind.example", "bob@fabrikam.com");
  Mail(2, "bob@fabrikam.com", "alice@northwind.example");
  Mail(3, "alice.smith@northwind.example", "bob@fabrikam.com");
  Mail(4, "bob@fabrikam.com", "alice.smith@northwind.example, alice@northwind.example");
  Mail(5, "carol@fabrikam.com", "Alice Smith <alice.smith@northwind.example>");
  Ingest();

  json alice = Show("alice@northwind.example"), smith = Show("alice.smith@northwind.example");
  EXPECT_NE(alice["id"], smith["id"]);
  EXPECT_EQ(alice["messages_sent"], 1);      // 1
  EXPECT_EQ(alice["messages_received"], 2);  // 2, 4
  EXPECT_EQ(smith["messages_sent"], 1);      // 3
  EXPECT_EQ(smith["messages_received"], 2);  // 4, 5
  EXPECT_EQ(smith["display_name"], "Alice Smith");
  EXPECT_EQ(alice["in_directory"], false);
  json before = Stats();
  EXPECT_EQ(before["messages"], 5);
  EXPECT_EQ(before["people"], json({{"internal", 2}, {"guest", 0}, {"external", 2}}));
  json bob_before = Show("bob@fabrikam.com");

  auto r = Import("dir.csv", std::string(kHeader) +
                                 "alice@northwind.example,Alice Smith,Sales,,member,"
                                 "alice.smith@northwind.example,Sales Team\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("people merged 1"), std::string::npos) << r.out;

  json merged = Show("alice.smith@northwind.example");
  EXPECT_EQ(merged, Show("alice@northwind.example"));
  EXPECT_EQ(merged["id"], alice["id"]);  // the older person survives
  EXPECT_EQ(merged["addresses"],
            json({"alice.smith@northwind.example", "alice@northwind.example"}));
  EXPECT_EQ(merged["messages_sent"], 2);      // 1, 3
  EXPECT_EQ(merged["messages_received"], 3);  // 2, 4, 5: message 4 once
  EXPECT_EQ(merged["in_directory"], true);
  EXPECT_EQ(merged["department"], "Sales");
  EXPECT_EQ(merged["groups"], json({"Sales Team"}));
  json after = Stats();
  EXPECT_EQ(after["messages"], 5);  // nothing re-read, nothing lost
  EXPECT_EQ(after["people"], json({{"internal", 1}, {"guest", 0}, {"external", 2}}));
  EXPECT_EQ(Show("bob@fabrikam.com"), bob_before);  // the other side is untouched

  // The directory drops the alias: the two addresses are two people again, as before.
  r = Import("dir2.csv", std::string(kHeader) + "alice@northwind.example,Alice Smith,Sales,,,,\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Show("alice.smith@northwind.example")["messages_received"], 2);
  EXPECT_EQ(Show("alice@northwind.example")["messages_sent"], 1);
  EXPECT_EQ(Stats()["people"], json({{"internal", 2}, {"guest", 0}, {"external", 2}}));
}

// An export names each recipient as its directory knew them (X-To). Pairing that name with the
// address the message went to is evidence enough within one organisation, but not across two:
// the export's "Schwartz, Charles" entry was the colleague, and cschwartz@velaw.example the law
// firm's Charles Schwartz. Only the directory can give a colleague an outside address; a
// colleague's free-mail address stays theirs and makes no account.
TEST_F(PeopleCli, MailEvidenceNeverGivesAColleagueAnOutsideAddress) {
  Init();
  const std::string dn = "/O=NORTHWIND/OU=NA/CN=RECIPIENTS/CN=CSCHWARTZ";
  int n = 0;
  auto mail = [&](const std::string& to, const std::string& x_to) {
    ++n;
    WriteFile(dir_ / ("m/cur/" + std::to_string(n)),
              "Message-ID: <x" + std::to_string(n) + "@x>\nDate: " + std::to_string(n) +
                  " Jun 2026 10:00 +0000\nFrom: dana@northwind.example\nTo: " + to +
                  "\nX-From: Dana\nX-To: " + x_to + "\nSubject: s\n\n");
  };
  mail("charles.schwartz@northwind.example", "Schwartz, Charles <" + dn + ">");
  mail("cschwartz@velaw.example", "Schwartz, Charles <" + dn + ">");
  mail("charles.schwartz@gmail.com", "Schwartz, Charles <" + dn + ">");
  mail("jdoe@fabrikam.example", "Doe, Jane <jane.doe@fabrikam.example>");
  Ingest();

  json colleague = Show("charles.schwartz@northwind.example");
  EXPECT_EQ(colleague["kind"], "internal");
  EXPECT_EQ(Show(dn)["id"], colleague["id"]);  // X.500 and SMTP: one person, as before
  EXPECT_EQ(Show("charles.schwartz@gmail.com")["id"], colleague["id"]);
  EXPECT_EQ(colleague["account"], nullptr);
  json lawyer = Show("cschwartz@velaw.example");
  EXPECT_NE(lawyer["id"], colleague["id"]);
  EXPECT_EQ(lawyer["kind"], "external");
  EXPECT_EQ(lawyer["addresses"], json({"cschwartz@velaw.example"}));
  // Two addresses of one outside organisation still join on the export's pairing.
  EXPECT_EQ(Show("jdoe@fabrikam.example")["id"], Show("jane.doe@fabrikam.example")["id"]);

  // The directory may say otherwise: then the outside address is the colleague's.
  auto r = Import("dir.csv", std::string(kHeader) +
                                 "charles.schwartz@northwind.example,Charles Schwartz,Legal,,"
                                 "member,cschwartz@velaw.example,\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Show("cschwartz@velaw.example")["id"], colleague["id"]);
}

TEST_F(PeopleCli, DirectoryListsUsersAndFlagsInternalPeopleItDoesNotKnow) {
  Init();
  Mail(1, "alice@northwind.example", "dave@northwind.example, eve@partner.example");
  Ingest();
  auto r =
      Import("dir.csv", std::string(kHeader) +
                            "alice@northwind.example,Alice,Sales,,member,,Sales\n"
                            "gina@northwind.example,Gina,Sales,alice@northwind.example,,,Sales\n"
                            "eve@partner.example,Eve,,,guest,,\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = RunRapport("--db " + db_ + " directory list --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json list = json::parse(r.out);
  ASSERT_EQ(list.size(), 4u) << list;
  EXPECT_EQ(list[0]["address"], "alice@northwind.example");
  EXPECT_EQ(list[1]["address"], "eve@partner.example");
  EXPECT_EQ(list[1]["role"], "guest");
  EXPECT_EQ(list[2]["address"], "gina@northwind.example");
  EXPECT_EQ(list[2]["manager"], "alice@northwind.example");
  EXPECT_EQ(list[2]["groups"], json({"Sales"}));
  EXPECT_EQ(list[3]["address"], "dave@northwind.example");  // in mail, at an internal domain
  EXPECT_EQ(list[3]["in_directory"], false);
  EXPECT_EQ(Show("eve@partner.example")["kind"], "guest");
  EXPECT_EQ(Show("dave@northwind.example")["kind"], "internal");
  r = RunRapport("--db " + db_ + " people show Gina --as admin@rapport-tests.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("too short to name one person"), std::string::npos) << r.err;
}

TEST_F(PeopleCli, AnAddressClaimedByTwoUsersFailsTheImportAndChangesNothing) {
  Init();
  Mail(1, "alice@northwind.example", "bob@fabrikam.com");
  Ingest();
  ASSERT_EQ(Import("a.csv", std::string(kHeader) +
                                "alice@northwind.example,Alice,,,,a.s@northwind.example,\n")
                .exit_code,
            0);
  const std::string before = DumpStore(db_);
  auto r = Import("b.csv", std::string(kHeader) + "dave@northwind.example,Dave,,,,,\n" +
                               "erin@northwind.example,Erin,,,,A.S@northwind.example,\n");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "rapport: error: " + (dir_ / "b.csv") +
                ":3: address A.S@northwind.example of user erin@northwind.example already "
                "belongs to directory user alice@northwind.example (give each address to one "
                "user)\n");
  EXPECT_EQ(DumpStore(db_), before);  // dave was not half-imported
}

TEST_F(PeopleCli, AnX500ProxyAddressFromGraphClaimsMailSentUnderIt) {
  Init();
  // Exchange wrote the sender as an IMCEAEX-encapsulated X.500 address.
  Mail(1, "IMCEAEX-_O=NORTHWIND_OU=EXCHANGE_CN=RECIPIENTS_CN=DAVE@northwind.example",
       "bob@fabrikam.com");
  Mail(2, "dave@northwind.example", "bob@fabrikam.com");
  Ingest();
  EXPECT_EQ(Show("dave@northwind.example")["messages_sent"], 1);
  auto r = Import("users.json", R"({
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
    "value": [{"id": "6e7b768e-07e2-4810-8459-485f84f8f204", "displayName": "Dave Ng",
               "mail": "dave@northwind.example", "userPrincipalName": "dave@northwind.example",
               "userType": "Member", "department": "Legal",
               "proxyAddresses": ["SMTP:dave@northwind.example",
                                  "X500:/o=Northwind/ou=Exchange/cn=Recipients/cn=dave"]}]})");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json dave = Show("/O=NORTHWIND/OU=EXCHANGE/CN=RECIPIENTS/CN=DAVE");
  EXPECT_EQ(dave["display_name"], "Dave Ng");
  EXPECT_EQ(dave["messages_sent"], 2);  // 1 under the X.500 address, 2 under SMTP
  EXPECT_EQ(dave["addresses"],
            json({"/o=northwind/ou=exchange/cn=recipients/cn=dave", "dave@northwind.example"}));
  // The view was audited; asked about by any of dave's addresses, the audit finds it.
  auto r2 = RunRapport("--db " + db_ + " audit list --json --subject dave@northwind.example");
  ASSERT_EQ(r2.exit_code, 0) << r2.err;
  json audit = json::parse(r2.out);
  ASSERT_GE(audit.size(), 2u);  // dave, before the import; then his X.500 address
  EXPECT_EQ(audit.back()["insight"], "person");
}

TEST_F(PeopleCli, PlusAddressesFoldOnlyWhenTheTenantSaysSo) {
  Init("--fold-plus-addresses");
  Mail(1, "bob+news@fabrikam.com", "alice@northwind.example");
  Mail(2, "bob@fabrikam.com", "alice@northwind.example");
  Ingest();
  EXPECT_EQ(Show("bob+news@fabrikam.com")["messages_sent"], 2);
  EXPECT_EQ(Stats()["people"]["external"], 1);

  TempDir other;
  std::string plain = other / "plain.db";
  ASSERT_EQ(testing::InitConsented(plain, "--tenant N --domain northwind.example").exit_code, 0);
  ASSERT_EQ(RunRapport("--db " + plain + " ingest " + (dir_ / "m")).exit_code, 0);
  auto r = RunRapport("--db " + plain + " stats --json");
  EXPECT_EQ(json::parse(r.out)["people"]["external"], 2);
}

TEST_F(PeopleCli, InternationalisedDomainsAreOneAddressWhateverTheSpelling) {
  Init();
  Mail(1,
       "J\xC3\xB6rg <j\xC3\xB6rg@B\xC3\xBC"
       "cher.de>",
       "alice@northwind.example");
  Mail(2, "j\xC3\xB6rg@xn--bcher-kva.de", "alice@northwind.example");
  Ingest();
  json jorg = Show(
      "j\xC3\xB6rg@b\xC3\xBC"
      "cher.de");
  EXPECT_EQ(jorg["messages_sent"], 2);
  EXPECT_EQ(jorg["addresses"].size(), 1u) << jorg;
}

TEST_F(PeopleCli, UnknownPeopleAndAmbiguousNamesGetOneClearLine) {
  Init();
  Mail(1, "Sam Lee <sam@northwind.example>", "Sam Lee <sam.lee@fabrikam.com>");
  Ingest();
  auto r = RunRapport("--db " + db_ +
                      " people show nobody@nowhere.example --as admin@rapport-tests.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "rapport: error: nobody with the address nobody@nowhere.example is in this store "
            "(check the spelling, or ingest mail that has it)\n");
  r = RunRapport("--db " + db_ + " people show 'Lee, Sam' --as admin@rapport-tests.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "rapport: error: \"Lee, Sam\" names 2 people; give one of their addresses instead\n");
}

}  // namespace
}  // namespace rapport

namespace rapport {
namespace {

// The Enron release names senders and recipients as Exchange knew them (X-From, X-To, X-cc):
// "Lohman, TK </O=ENRON/OU=NA/CN=RECIPIENTS/CN=TLOHMAN>" next to From: tk.lohman@enron.com.
class EnronPeople : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string corpus = testing::SharedCorpus();
    if (corpus.empty()) return;
    dir_ = new TempDir();
    db_ = *dir_ / "enron.db";
    const std::string enron =
        corpus + "/jpvance123_Amdocs_ML_Email_Analytics/MailDir_to_MBOX/enron/";
    ASSERT_EQ(testing::InitConsented(db_, "--tenant Enron --domain enron.com").exit_code, 0);
    // Phillip Allen's mailboxes, Darrell Schoolcraft's, and Diana Scholtes' FERC folder.
    auto r = RunRapport("--db " + db_ + " ingest " + enron + "enron.allen-p.* " + enron +
                        "enron.schoolcraft-d.* " + enron + "enron.scholtes-d.ferc");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  json Show(const std::string& who) {
    auto r = RunRapport("--db " + db_ + " people show " + testing::ShellQuote(who) +
                        " --json --as admin@rapport-tests.example");
    EXPECT_EQ(r.exit_code, 0) << who << ": " << r.err;
    return json::parse(r.out, nullptr, false);
  }
  static TempDir* dir_;
  static std::string db_;
};
TempDir* EnronPeople::dir_ = nullptr;
std::string EnronPeople::db_;

TEST_F(EnronPeople, X500AndImceaexAddressesAreTheSmtpAddressesPerson) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  json lohman = Show("tk.lohman@enron.com");
  EXPECT_EQ(lohman["kind"], "internal");
  EXPECT_EQ(Show("/O=ENRON/OU=NA/CN=RECIPIENTS/CN=TLOHMAN")["id"], lohman["id"]);
  EXPECT_EQ(Show("IMCEAEX-_O=ENRON_OU=NA_CN=RECIPIENTS_CN=TLOHMAN@ENRON.com")["id"], lohman["id"]);
  EXPECT_EQ(Show("Lohman, TK")["id"], lohman["id"]);

  // Ray Alvarez's X-From is IMCEAEX-encapsulated; his recipients' X-To lists the same DN bare.
  json alvarez = Show("ray.alvarez@enron.com");
  EXPECT_EQ(Show("IMCEAEX-_O=ENRON_OU=NA_CN=RECIPIENTS_CN=NOTESADDR_CN=EBE4476B-2D94882A-86256A14-"
                 "75FF3B@ENRON.com")["id"],
            alvarez["id"]);
  EXPECT_EQ(
      Show("/O=ENRON/OU=NA/CN=RECIPIENTS/CN=NOTESADDR/CN=EBE4476B-2D94882A-86256A14-75FF3B")["id"],
      alvarez["id"]);

  // In that 47-recipient message, X-To's "Belden, Tim </O=.../CN=TBELDEN>" is tim.belden@.
  EXPECT_EQ(Show("/o=enron/ou=na/cn=recipients/cn=tbelden")["id"],
            Show("tim.belden@enron.com")["id"]);
}

TEST_F(EnronPeople, DisplayNameVariantsAreOnePerson) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  // Phillip Allen sends as phillip.allen@ ("Phillip K Allen") and as k..allen@ ("Allen, Phillip
  // K. </O=ENRON/OU=NA/CN=RECIPIENTS/CN=PALLEN>").
  json allen = Show("phillip.allen@enron.com");
  EXPECT_EQ(Show("k..allen@enron.com")["id"], allen["id"]);
  EXPECT_EQ(Show("/o=enron/ou=na/cn=recipients/cn=pallen")["id"], allen["id"]);
  EXPECT_EQ(Show("Phillip K Allen")["id"], allen["id"]);
  EXPECT_EQ(Show("Allen, Phillip K.")["id"], allen["id"]);
  EXPECT_EQ(allen["kind"], "internal");
  EXPECT_EQ(allen["in_directory"], false);
  // His sent mail counts once per message, whichever address it went out under.
  EXPECT_GT(allen["messages_sent"].get<int>(), 0);
}

// The release derived l..johnson@enron.com for both "Johnson, Robert L." and "Johnson, David
// L.": an address written with two people's names joins neither to the other.
TEST_F(EnronPeople, AnAddressSharedByNamesakesJoinsNobody) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  json robert = Show("/o=enron/ou=na/cn=recipients/cn=rjohnso3");
  json david = Show("/o=enron/ou=na/cn=recipients/cn=djohnso");
  EXPECT_NE(robert["id"], david["id"]);
  EXPECT_NE(Show("l..johnson@enron.com")["id"], robert["id"]);
  EXPECT_NE(Show("david.johnson@enron.com")["id"], Show("robert.l.johnson@enron.com")["id"]);
}

// The Enron release dropped List-Id, Precedence and the like; its robots show by their address.
TEST_F(EnronPeople, RobotsAreAutomatedAndPeopleAreNot) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  json commissioner = Show("noreply@ccomad3.uu.commissioner.com");  // CBS SportsLine's robot
  EXPECT_EQ(commissioner["role_address"], true);
  EXPECT_EQ(commissioner["automated"], true);
  EXPECT_EQ(commissioner["account"], nullptr);  // a robot's domain makes no account
  EXPECT_EQ(Show("postmaster@glmail2.networkpromotion.com")["automated"], true);
  EXPECT_EQ(Show("Phillip K Allen")["automated"], false);
}

}  // namespace
}  // namespace rapport
