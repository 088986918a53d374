// The sample organisation's directory export (src/sample/directory_export.h) as a user meets it:
// `rapport sample`, `rapport ingest` of the whole folder (the directory files are skipped as
// files, not rejected), then `rapport directory import` of users.json and groups.json. The
// expectations come from the population (src/sample/population.h), not from the JSON written.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "ingest/directory/accounts_csv.h"
#include "ingest/graph/graph_json.h"
#include "sample/directory_export.h"
#include "sample/organisation.h"
#include "sample/population.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

constexpr uint64_t kMessages = 2000, kSeed = 11;
constexpr const char* kDomain = "northwind.example";

sample::OrganisationSpec Spec(uint64_t seed = kSeed) {
  sample::OrganisationSpec spec;
  spec.messages = kMessages;
  spec.seed = seed;
  spec.internal_domain = kDomain;
  return spec;
}

json RunJson(const std::string& args) {
  auto r = RunRapport(args);
  EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
  return json::parse(r.out, nullptr, false);
}

// One sample, ingested and its directory imported, shared by the tests below.
class SampleDirectory : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    db_ = new std::string(*dir_ / "store.db");
    std::string org = *dir_ / "org";
    auto wrote = RunRapport("sample --out " + org + " --messages " + std::to_string(kMessages) +
                            " --seed " + std::to_string(kSeed));
    ASSERT_EQ(wrote.exit_code, 0) << wrote.err;
    sample_out_ = new std::string(wrote.out);
    ASSERT_EQ(testing::InitConsented(*db_, std::string("--tenant Northwind --domain ") + kDomain)
                  .exit_code,
              0);
    ingest_ = new json(RunJson("--db " + *db_ + " ingest --json " + org));
    stats_before_ = new json(RunJson("--db " + *db_ + " stats --json"));
    for (const char* file : {"users.json", "groups.json"}) {
      auto r = RunRapport("--db " + *db_ + " directory import " + org + "/directory/" + file);
      ASSERT_EQ(r.exit_code, 0) << file << ": " << r.err;
    }
    stats_after_ = new json(RunJson("--db " + *db_ + " stats --json"));
    json list = RunJson("--db " + *db_ + " directory list --json");
    entries_ = new std::map<std::string, json>;
    for (const json& e : list) (*entries_)[e["address"].get<std::string>()] = e;
  }
  static void TearDownTestSuite() {
    delete entries_;
    delete stats_after_;
    delete stats_before_;
    delete ingest_;
    delete sample_out_;
    delete db_;
    delete dir_;
  }

  static json Show(const std::string& who) {
    return RunJson("--db " + *db_ + " people show " + ShellQuote(who) +
                   " --json --as admin@rapport-tests.example");
  }

  // The directory list's entry for `address`, or null.
  static json Entry(const std::string& address) {
    auto it = entries_->find(address);
    return it == entries_->end() ? json() : it->second;
  }

  static inline TempDir* dir_ = nullptr;
  static inline std::string* db_ = nullptr;
  static inline std::string* sample_out_ = nullptr;
  static inline json* ingest_ = nullptr;
  static inline json* stats_before_ = nullptr;
  static inline json* stats_after_ = nullptr;
  static inline std::map<std::string, json>* entries_ = nullptr;
  const sample::Population pop_ = sample::BuildPopulation(Spec());
};

TEST_F(SampleDirectory, SampleSaysWhatTheDirectoryHolds) {
  size_t guests = std::min<size_t>(sample::kDirectoryGuests, pop_.accounts.size());
  size_t teams = 0;
  for (const auto& t : pop_.teams) teams += t.empty() ? 0 : 1;
  std::string line = "  plus a directory of " + std::to_string(pop_.users.size() + guests) +
                     " users (" + std::to_string(guests) + " guests) in " +
                     std::to_string(teams + 1) + " groups, and the CRM's " +
                     std::to_string(pop_.accounts.size()) + " accounts\n";
  EXPECT_NE(sample_out_->find(line), std::string::npos) << *sample_out_;
}

TEST_F(SampleDirectory, IngestSkipsDirectoryFilesAsFilesNotAsRejectedItems) {
  const json& s = *ingest_;
  // directory/users.json, directory/groups.json and the Graph export's graph/users.json; and
  // directory/accounts.csv, the CRM's list, named for what it is and what reads it.
  EXPECT_EQ(s["files"]["skipped"],
            json({{std::string(ingest::kSkipDirectoryExport), 3},
                  {"account list (import it with rapport accounts import)", 1}}));
  EXPECT_EQ(s["files"]["read"].get<uint64_t>() + 4, s["files"]["total"].get<uint64_t>());
  EXPECT_EQ(s["messages"]["rejected"], 0);
  EXPECT_TRUE(s["messages"]["rejected_by_reason"].empty()) << s["messages"];
  EXPECT_TRUE(s["items_skipped"].empty()) << s["items_skipped"];
}

TEST_F(SampleDirectory, ImportChangesNoMessageCount) {
  EXPECT_EQ((*stats_after_)["messages"], (*stats_before_)["messages"]);
  // What the ingest stored, less the messages the Graph delta deleted.
  EXPECT_EQ((*stats_after_)["messages"].get<uint64_t>(),
            (*ingest_)["messages"]["stored"].get<uint64_t>() -
                (*ingest_)["removed"]["deleted"].get<uint64_t>());
}

TEST_F(SampleDirectory, EveryInternalUserHasTheirTeamAsDepartmentAndTheirManager) {
  std::map<std::string, std::set<uint32_t>> teams_by_department;
  for (uint32_t t = 0; t < pop_.teams.size(); ++t) {
    const std::vector<uint32_t>& team = pop_.teams[t];
    for (uint32_t u : team) {
      const std::string& address = pop_.people[u].address;
      json e = Entry(address);
      ASSERT_TRUE(e.is_object()) << address << " is not in the directory list";
      EXPECT_EQ(e["role"], "member") << address;
      EXPECT_EQ(e["in_directory"], true) << address;
      std::string department = e["department"];
      EXPECT_FALSE(department.empty()) << address;
      teams_by_department[department].insert(t);
      EXPECT_NE(std::find(e["groups"].begin(), e["groups"].end(), department), e["groups"].end())
          << address << " should be in their team's group";
      // Members report to their team's first user, who reports to user 0, the CEO.
      uint32_t lead = team.front();
      json expected = u == 0      ? json()
                      : u == lead ? json(pop_.people[0].address)
                                  : json(pop_.people[lead].address);
      EXPECT_EQ(e["manager"], expected) << address;
    }
  }
  // One department per team, and every user listed.
  for (const auto& [department, teams] : teams_by_department) {
    EXPECT_EQ(teams.size(), 1u) << department;
  }
  size_t members = 0;
  for (const auto& [address, e] : *entries_) members += e["role"] == "member" && e["in_directory"];
  EXPECT_EQ(members, pop_.users.size());
}

TEST_F(SampleDirectory, CeoHasNoManagerAndLeadershipHoldsTheCeoAndTheLeads) {
  json ceo = Show(pop_.people[0].address);
  EXPECT_EQ(ceo["kind"], "internal");
  EXPECT_EQ(ceo["in_directory"], true);
  EXPECT_TRUE(ceo["manager"].is_null()) << ceo;
  std::set<std::string> leads;
  for (const auto& team : pop_.teams) {
    if (!team.empty()) leads.insert(pop_.people[team.front()].address);
  }
  EXPECT_TRUE(leads.count(pop_.people[0].address)) << "the CEO leads their own team";
  std::set<std::string> leadership;
  for (const auto& [address, e] : *entries_) {
    if (std::find(e["groups"].begin(), e["groups"].end(), "Leadership") != e["groups"].end()) {
      leadership.insert(address);
    }
  }
  EXPECT_EQ(leadership, leads);
  for (const std::string& lead : leads) {
    json p = Show(lead);
    EXPECT_NE(std::find(p["groups"].begin(), p["groups"].end(), "Leadership"), p["groups"].end())
        << lead;
  }
}

TEST_F(SampleDirectory, GuestsAreExternalContactsOfKindGuest) {
  std::set<std::string> guests;
  for (const auto& [address, e] : *entries_) {
    if (e["role"] == "guest") guests.insert(address);
  }
  EXPECT_EQ(guests.size(), std::min<size_t>(sample::kDirectoryGuests, pop_.accounts.size()));
  for (const std::string& g : guests) {
    EXPECT_EQ(g.find(kDomain), std::string::npos) << g << " should be an external address";
    json p = Show(g);
    EXPECT_EQ(p["kind"], "guest") << g;
    EXPECT_EQ(p["in_directory"], true) << g;
    EXPECT_GT(p["messages_sent"].get<uint64_t>() + p["messages_received"].get<uint64_t>(), 0u)
        << g << " should be someone the organisation mails with";
  }
}

TEST_F(SampleDirectory, X500ProxyAddressIsTheSamePerson) {
  for (uint32_t u : {0u, static_cast<uint32_t>(pop_.users.size() - 1)}) {
    const std::string& address = pop_.people[u].address;
    std::string x500 =
        "/o=Northwind/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=" +
        address.substr(0, address.find('@'));
    json by_mail = Show(address), by_x500 = Show(x500);
    ASSERT_TRUE(by_mail.contains("id")) << address;
    EXPECT_EQ(by_x500["id"], by_mail["id"]) << x500;
  }
}

// The files themselves: same seed, same bytes; the organisation's name comes from the domain.
class DirectoryFiles : public ::testing::Test {
 protected:
  static std::string Write(const TempDir& dir, const std::string& name,
                           const sample::OrganisationSpec& spec) {
    auto s = sample::WriteSampleOrganisation(spec, dir / name);
    EXPECT_TRUE(s.ok()) << s.status().message();
    if (s.ok()) {
      EXPECT_EQ(s->directory_files, 3u);  // users.json, groups.json, accounts.csv
      EXPECT_GT(s->directory_accounts, 0u);
      EXPECT_GT(s->directory_groups, 1u);
      EXPECT_EQ(s->directory_guests, sample::kDirectoryGuests);
    }
    return dir / name;
  }
};

TEST_F(DirectoryFiles, SameSeedWritesIdenticalFilesAndAnotherSeedDoesNot) {
  TempDir dir;
  std::string a = Write(dir, "a", Spec()), b = Write(dir, "b", Spec()),
              c = Write(dir, "c", Spec(12));
  for (const char* file : {"/directory/users.json", "/directory/groups.json"}) {
    std::string first = ReadFile(a + file);
    EXPECT_FALSE(first.empty()) << file;
    EXPECT_EQ(first, ReadFile(b + file)) << file;
    EXPECT_NE(first, ReadFile(c + file)) << file;
  }
}

TEST_F(DirectoryFiles, NamesComeFromTheDomainAndAreReadable) {
  EXPECT_EQ(sample::OrganisationName("northwind.example"), "Northwind");
  EXPECT_EQ(sample::OrganisationName("blue-yonder.example"), "Blue Yonder");
  std::set<std::string> names;
  for (uint32_t k = 0; k < 700; ++k) names.insert(sample::TeamName(k));
  EXPECT_EQ(names.size(), 700u) << "team names must be unique";
  EXPECT_EQ(sample::TeamName(0), "Sales East");
  EXPECT_EQ(sample::TeamName(1), "Engineering");
  EXPECT_EQ(sample::TeamName(9), "Engineering 2");

  TempDir dir;
  sample::OrganisationSpec spec = Spec();
  spec.internal_domain = "blue-yonder.example";
  std::string out = Write(dir, "o", spec);
  json users = json::parse(ReadFile(out + "/directory/users.json"));
  EXPECT_EQ(users["value"][0]["proxyAddresses"][1].get<std::string>().rfind(
                "X500:/o=Blue Yonder/ou=Exchange Administrative Group", 0),
            0u);
  for (const json& u : users["value"]) {
    if (u["userType"] != "Guest") continue;
    std::string mail = u["mail"], upn = u["userPrincipalName"];
    mail[mail.find('@')] = '_';
    EXPECT_EQ(upn, mail + "#EXT#@blue-yonder.example");
  }
}

}  // namespace
}  // namespace rapport::testing

namespace rapport::testing {
namespace {

// Issue 16: the CRM's account list beside the directory, as `rapport accounts import` reads it.
TEST(SampleAccounts, TheAccountListParsesAndListsEveryAccount) {
  TempDir dir;
  sample::OrganisationSpec spec = Spec();
  auto written = sample::WriteSampleOrganisation(spec, dir / "org");
  ASSERT_TRUE(written.ok()) << written.status().message();
  const std::string csv = ReadFile(dir / "org/directory/accounts.csv");
  auto accounts = ingest::ParseAccountsCsv(csv, "accounts.csv");
  ASSERT_TRUE(accounts.ok()) << accounts.status().message();
  const sample::Population pop = sample::BuildPopulation(spec);
  ASSERT_EQ(accounts->size(), pop.accounts.size());
  EXPECT_EQ(written->directory_accounts, pop.accounts.size());
  std::set<std::string> names;
  for (size_t i = 0; i < accounts->size(); ++i) {
    EXPECT_EQ((*accounts)[i].name, pop.accounts[i].name);
    EXPECT_EQ((*accounts)[i].domains, std::vector<std::string>{pop.accounts[i].domain});
    names.insert((*accounts)[i].name);
  }
  EXPECT_EQ(names.size(), pop.accounts.size()) << "account names are unique";
  auto imported = RunRapport("--db " + (dir / "s.db") + " init --tenant N --domain " + kDomain +
                             " --admin admin@" + std::string(kDomain));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  imported = RunRapport("--db " + (dir / "s.db") + " accounts import " +
                        (dir / "org/directory/accounts.csv"));
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
}

// Issue 16: accounts have heavy-tailed sizes. In a 1,000-user company a few key accounts are tied
// to hundreds of colleagues (about half of whom write to them in a month) and the median account
// to a handful: counted from the population's ties, which is what the mail follows.
TEST(SampleAccounts, AccountSizesAreHeavyTailed) {
  sample::OrganisationSpec spec;
  spec.users = 1000;
  spec.messages = 600000;
  const sample::Population pop = sample::BuildPopulation(spec);
  std::vector<std::set<uint32_t>> colleagues(pop.accounts.size());
  for (uint32_t u = 0; u < pop.users.size(); ++u) {
    const sample::User& user = pop.users[u];
    for (uint32_t t = user.first_tie; t < user.first_tie + user.tie_count; ++t) {
      const int32_t account = pop.people[pop.ties[t]].account;
      if (account >= 0) colleagues[static_cast<size_t>(account)].insert(u);
    }
  }
  std::vector<size_t> sizes;
  for (const auto& c : colleagues) sizes.push_back(c.size());
  std::sort(sizes.begin(), sizes.end());
  const size_t largest = sizes.back(), median = sizes[sizes.size() / 2];
  EXPECT_GE(largest, 150u);
  EXPECT_LE(median, 20u);
  EXPECT_GE(largest, 10 * median);
  // A colleague works a few accounts closely: most ties of a user are at three accounts or fewer.
  size_t focused = 0;
  for (const sample::User& user : pop.users) {
    std::map<int32_t, int> per_account;
    int external = 0;
    for (uint32_t t = user.first_tie; t < user.first_tie + user.tie_count; ++t) {
      const int32_t account = pop.people[pop.ties[t]].account;
      if (account < 0) continue;
      ++per_account[account];
      ++external;
    }
    std::vector<int> counts;
    for (const auto& [a, n] : per_account) counts.push_back(n);
    std::sort(counts.rbegin(), counts.rend());
    int top = 0;
    for (size_t i = 0; i < counts.size() && i < 3; ++i) top += counts[i];
    if (2 * top >= external) ++focused;
  }
  EXPECT_GE(focused, pop.users.size() * 8 / 10);
}

}  // namespace
}  // namespace rapport::testing
