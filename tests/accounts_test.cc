// Accounts: which domains are companies, which addresses are people, and the accounts a user
// sees after ingest and after an import.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "ingest/directory/accounts_csv.h"
#include "ingest/identity/mail_domains.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

TEST(MailDomains, OrganisationDomainRollsSubdomainsUp) {
  EXPECT_EQ(ingest::OrganisationDomain("mail.fabrikam.com"), "fabrikam.com");
  EXPECT_EQ(ingest::OrganisationDomain("EU.Mail.Fabrikam.CO.UK"), "fabrikam.co.uk");
  EXPECT_EQ(ingest::OrganisationDomain("fabrikam.com."), "fabrikam.com");
  EXPECT_EQ(ingest::OrganisationDomain("co.uk"), "");  // a public suffix is nobody's
  EXPECT_EQ(ingest::OrganisationDomain("[10.0.0.1]"), "");
  EXPECT_EQ(ingest::OrganisationDomain("localhost"), "");
  // Not a host name: control characters, spaces, punctuation (libpsl alone would accept them).
  for (std::string_view bad :
       {std::string_view("mgila.com\x01", 10), std::string_view("fabrikam.com\0\0#om", 17),
        std::string_view("a#b.com"), std::string_view("fab rikam.com"),
        std::string_view("x.c\xC2\x85om")}) {
    EXPECT_EQ(ingest::OrganisationDomain(bad), "") << bad;
  }
  EXPECT_EQ(ingest::OrganisationDomain("m\xC3\xBCller.example"), "m\xC3\xBCller.example");
}

TEST(MailDomains, FreeMailAndRoleAddresses) {
  EXPECT_TRUE(ingest::IsFreeMailDomain("gmail.com"));
  EXPECT_TRUE(ingest::IsFreeMailDomain(ingest::OrganisationDomain("houston.rr.com")));
  EXPECT_FALSE(ingest::IsFreeMailDomain("dynegy.com"));
  for (const char* role :
       {"noreply@x.example", "no-reply@x.example", "MAILER-DAEMON@x.example",
        "postmaster@x.example", "bounces+123@x.example", "calendar-notification@google.com"}) {
    EXPECT_TRUE(ingest::IsRoleAddress(role)) << role;
  }
  for (const char* person : {"noreen@x.example", "rootbeer@x.example", "jeff.skilling@enron.com"}) {
    EXPECT_FALSE(ingest::IsRoleAddress(person)) << person;
  }
}

TEST(AccountsCsv, ReadsNamesAndDomainsWithQuotesAndHeader) {
  auto r = ingest::ParseAccountsCsv(
      "\xEF\xBB\xBFname,domains\r\n\"Fabrikam, Inc.\",fabrikam.com; mail.fabrikam.co.uk\r\n"
      "Contoso,contoso.example\r\n",
      "a.csv");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "Fabrikam, Inc.");
  EXPECT_EQ((*r)[0].domains, (std::vector<std::string>{"fabrikam.com", "fabrikam.co.uk"}));
  EXPECT_EQ((*r)[1].line, 3);
}

TEST(AccountsCsv, ProblemsNameFileAndLine) {
  auto message = [](std::string_view csv) {
    return ingest::ParseAccountsCsv(csv, "a.csv").status().message();
  };
  EXPECT_EQ(message("A,a.example\nB,b.example,extra\n"),
            "a.csv:2: 3 columns; expected 2: name,domain[;domain...]");
  EXPECT_EQ(message("A,\"a.example\n"), "a.csv:1: a quote is not closed (close it or remove it)");
  EXPECT_EQ(message("A,gmail.com\n"),
            "a.csv:1: 'gmail.com' is a free-mail domain; it cannot belong to an account");
  EXPECT_EQ(message("A,a.example\nB,www.a.example\n"),
            "a.csv:2: 'a.example' is already given to 'A' on line 1");
  EXPECT_EQ(message("A,not a domain\n"),
            "a.csv:1: 'not a domain' is not a company domain (write it like fabrikam.com)");
  EXPECT_EQ(message("Caf\xE9,a.example\n"), "a.csv:1: text is not UTF-8 (save the file as UTF-8)");
  // What fuzz/accounts_csv_fuzz found: a domain with control characters was taken.
  EXPECT_EQ(message(std::string_view("A,mgila.com\x01\0\0\0#om\n", 20)),
            "a.csv:1: 'mgila.com    #om' is not a company domain (write it like fabrikam.com)");
}

class AccountsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "store.db";
    ASSERT_EQ(testing::InitConsented(db_, "--tenant N --domain northwind.example").exit_code, 0);
  }
  json List() {
    auto r = RunRapport("--db " + db_ + " accounts list --json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(AccountsCli, CompaniesBecomeAccountsAndAnImportClaimsTheirDomains) {
  // Two people at Fabrikam (one on a subdomain), one Gmail user, one noreply robot.
  WriteFile(dir_ / "m/cur/1",
            "Message-ID: <1@x>\nDate: 1 Jun 2026 10:00 +0000\nFrom: alice@northwind.example\n"
            "To: bob@fabrikam.com, carol@eu.fabrikam.com, dan@gmail.com, noreply@contoso.com\n\n");
  ASSERT_EQ(RunRapport("--db " + db_ + " ingest " + (dir_ / "m")).exit_code, 0);
  json before = List();
  ASSERT_EQ(before.size(), 1u) << before;  // no account for gmail.com, nor for a robot's domain
  EXPECT_EQ(before[0]["name"], "fabrikam.com");
  EXPECT_EQ(before[0]["origin"], "domain");
  EXPECT_EQ(before[0]["people"], 2);

  WriteFile(dir_ / "accounts.csv", "Fabrikam Group,fabrikam.com;fabrikam.de\n");
  auto r = RunRapport("--db " + db_ + " accounts import " + (dir_ / "accounts.csv"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json after = List();
  ASSERT_EQ(after.size(), 1u) << after;  // the domain account went into the imported one
  EXPECT_EQ(after[0]["name"], "Fabrikam Group");
  EXPECT_EQ(after[0]["domains"], json({"fabrikam.com", "fabrikam.de"}));
  EXPECT_EQ(after[0]["people"], 2);
  // The account keeps its CRM name, and its domains still find it.
  for (const char* target : {"Fabrikam Group", "FABRIKAM group", "fabrikam.de", "FABRIKAM.COM"}) {
    auto who = RunRapport("--db " + db_ + " who-knows '" + target +
                          "' --as alice@northwind.example --as-of 2026-06-02");
    EXPECT_EQ(who.exit_code, 0) << target << ": " << who.err;
    EXPECT_NE(who.out.find("who knows Fabrikam Group (account)"), std::string::npos) << who.out;
  }

  // A bad file changes nothing and says where it is wrong.
  WriteFile(dir_ / "bad.csv", "Contoso,contoso.com\nBroken\n");
  r = RunRapport("--db " + db_ + " accounts import " + (dir_ / "bad.csv"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.csv:2: 1 columns"), std::string::npos) << r.err;
  EXPECT_EQ(List(), after);

  // Part of a name finds the one account it belongs to; a bare domain is that domain; part of
  // several names says which.
  auto ask = [&](const std::string& target) {
    return RunRapport("--db " + db_ + " who-knows '" + target +
                      "' --as alice@northwind.example --as-of 2026-06-02");
  };
  auto partial = ask("fabrikam gr");
  EXPECT_NE(partial.out.find("who knows Fabrikam Group (account)"), std::string::npos)
      << partial.out << partial.err;
  auto domain = ask("gmail.com");
  EXPECT_NE(domain.out.find("who knows @gmail.com (domain)"), std::string::npos)
      << domain.out << domain.err;
  WriteFile(dir_ / "more.csv", "Fabrikam Labs,fabrikamlabs.example\n");
  ASSERT_EQ(RunRapport("--db " + db_ + " accounts import " + (dir_ / "more.csv")).exit_code, 0);
  auto several = ask("fabrikam");
  EXPECT_EQ(several.exit_code, 1);
  EXPECT_EQ(several.err,
            "rapport: error: 'fabrikam' is part of 2 account names (Fabrikam Group, Fabrikam "
            "Labs): give more of the one you mean\n");
}

TEST(AccountsCorpus, EnronExternalPeopleGroupIntoAccountsAndFreeMailFormsNone) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  TempDir dir;
  std::string db = dir / "enron.db";
  ASSERT_EQ(testing::InitConsented(db, "--tenant Enron --domain enron.com").exit_code, 0);
  ASSERT_EQ(RunRapport("--db " + db + " ingest " + corpus + "/jpvance123_Amdocs_ML_Email_Analytics")
                .exit_code,
            0);
  auto r = RunRapport("--db " + db + " accounts list --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json accounts = json::parse(r.out);
  std::map<std::string, int> people;
  for (const auto& a : accounts) {
    for (const auto& d : a["domains"]) people[d.get<std::string>()] = a["people"].get<int>();
  }
  for (const char* free : {"aol.com", "hotmail.com", "yahoo.com", "msn.com", "rr.com"}) {
    EXPECT_EQ(people.count(free), 0u) << free;
  }
  EXPECT_EQ(people.count("enron.com"), 0u);  // the tenant's own people are internal
  // Companies Enron dealt with, each with several people (counted from the corpus by SQL:
  // distinct non-role external addresses at the domain).
  EXPECT_GT(people["caiso.com"], 50);
  EXPECT_GT(people["dynegy.com"], 20);
}

}  // namespace
}  // namespace rapport::testing
