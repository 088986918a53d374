// The directory import file (directory_import.h): CSV and Microsoft Graph JSON to a Directory,
// and the one-line error for each thing that can be wrong with a file. The Graph fixtures follow
// the documented responses of GET /users?$select=...&$expand=manager, GET /groups?$expand=members
// and GET /users?$expand=memberOf, with ids and names from the Graph documentation's tenant.
#include "ingest/directory/directory_import.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rapport::ingest {
namespace {

using model::Directory;
using model::DirectoryGroup;
using model::DirectoryRole;
using model::DirectoryUser;
using Strings = std::vector<std::string>;

Directory ParseOk(std::string_view data, std::string_view name) {
  auto r = ParseDirectoryFile(data, name);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : Directory{};
}

std::string CsvError(std::string_view csv) {
  auto r = ParseDirectoryCsv(csv, "d.csv");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  return r.status().message();
}

std::string JsonError(std::string_view json) {
  auto r = ParseDirectoryGraphJson(json, "d.json");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  return r.status().message();
}

void ExpectUser(const DirectoryUser& u, const DirectoryUser& want) {
  EXPECT_EQ(u.key, want.key);
  EXPECT_EQ(u.address, want.address) << want.key;
  EXPECT_EQ(u.aliases, want.aliases) << want.key;
  EXPECT_EQ(u.display_name, want.display_name) << want.key;
  EXPECT_EQ(u.department, want.department) << want.key;
  EXPECT_EQ(u.manager, want.manager) << want.key;
  EXPECT_EQ(u.role, want.role) << want.key;
  EXPECT_EQ(u.groups, want.groups) << want.key;
  EXPECT_EQ(u.line, want.line) << want.key;
}

void ExpectGroup(const DirectoryGroup& g, const DirectoryGroup& want) {
  EXPECT_EQ(g.key, want.key);
  EXPECT_EQ(g.name, want.name) << want.key;
  EXPECT_EQ(g.mail, want.mail) << want.key;
  EXPECT_EQ(g.members, want.members) << want.key;
  EXPECT_EQ(g.line, want.line) << want.key;
}

constexpr DirectoryRole kMember = DirectoryRole::kMember;
constexpr DirectoryRole kGuest = DirectoryRole::kGuest;
const std::string kX500 = "/o=Contoso/ou=Exchange Administrative Group/cn=Recipients/cn=alice";

// ---- CSV ----

TEST(DirectoryCsv, ReadsEveryColumnAndCollectsGroups) {
  Directory d = ParseOk(
      "address,display_name,department,manager,role,aliases,groups\n"
      "alice@contoso.com,Alice Adams,Sales,,member,alice.adams@contoso.com; " +
          kX500 +
          ",Sales;M&A\n"
          "bob@contoso.com,\"Bob, Jr.\",Sales,alice@contoso.com,,,\"Sales\"\n"
          "carol@fabrikam.com,Carol,,alice@contoso.com,Guest,,m&a; sales ;\n",
      "d.csv");
  ASSERT_EQ(d.users.size(), 3u);
  ExpectUser(d.users[0],
             {"alice@contoso.com", "alice@contoso.com", Strings{"alice.adams@contoso.com", kX500},
              "Alice Adams", "Sales", "", kMember, Strings{"Sales", "M&A"}, 2});
  ExpectUser(d.users[1], {"bob@contoso.com",
                          "bob@contoso.com",
                          {},
                          "Bob, Jr.",
                          "Sales",
                          "alice@contoso.com",
                          kMember,
                          Strings{"Sales"},
                          3});
  // Group names match case-insensitively; the first spelling is the key everywhere.
  ExpectUser(d.users[2], {"carol@fabrikam.com",
                          "carol@fabrikam.com",
                          {},
                          "Carol",
                          "",
                          "alice@contoso.com",
                          kGuest,
                          Strings{"M&A", "Sales"},
                          4});
  ASSERT_EQ(d.groups.size(), 2u);
  ExpectGroup(d.groups[0],
              {"Sales", "Sales", "",
               Strings{"alice@contoso.com", "bob@contoso.com", "carol@fabrikam.com"}, 2});
  ExpectGroup(d.groups[1],
              {"M&A", "M&A", "", Strings{"alice@contoso.com", "carol@fabrikam.com"}, 2});
}

TEST(DirectoryCsv, ColumnsInAnyOrderAndCaseWithBomAndCrlf) {
  Directory d = ParseOk(
      "\xEF\xBB\xBFRole,ADDRESS , Display_Name\r\n"
      "guest,dan@fabrikam.com,\"Dan \"\"The Man\"\" Diaz\"\r\n"
      "\r\n"
      ",erin@contoso.com,\"Erin,\r\nEngineering\"\r\n",
      "d.csv");
  ASSERT_EQ(d.users.size(), 2u);
  ExpectUser(
      d.users[0],
      {"dan@fabrikam.com", "dan@fabrikam.com", {}, "Dan \"The Man\" Diaz", "", "", kGuest, {}, 2});
  // A quoted line break is a space in the name, and moves the next line number.
  ExpectUser(
      d.users[1],
      {"erin@contoso.com", "erin@contoso.com", {}, "Erin,  Engineering", "", "", kMember, {}, 4});
  EXPECT_TRUE(d.groups.empty());
}

TEST(DirectoryCsv, JobTitlesFromCsvAndGraph) {
  Directory csv = ParseOk(
      "address,job_title\nalice@contoso.com,Account Executive\nbob@contoso.com,\n", "d.csv");
  ASSERT_EQ(csv.users.size(), 2u);
  EXPECT_EQ(csv.users[0].job_title, "Account Executive");
  EXPECT_EQ(csv.users[1].job_title, "");
  Directory graph =
      ParseOk(R"({"value":[{"id":"u1","mail":"carol@contoso.com","jobTitle":"Head of Sales"}]})",
              "users.json");
  ASSERT_EQ(graph.users.size(), 1u);
  EXPECT_EQ(graph.users[0].job_title, "Head of Sales");
}

TEST(DirectoryCsv, HeaderOnlyIsAnEmptyDirectory) {
  // Rows of empty cells, as spreadsheets save them, are not users.
  Directory d = ParseOk("address,groups\n,\n , \n", "d.csv");
  EXPECT_TRUE(d.users.empty());
  EXPECT_TRUE(d.groups.empty());
}

TEST(DirectoryCsv, SyntaxProblemsNameFileAndLine) {
  EXPECT_EQ(CsvError("address,display_name\na@x.com,A,extra\n"),
            "d.csv:2: 3 columns; the header has 2 (quote a field that holds a comma)");
  EXPECT_EQ(CsvError("address\n\"a@x.com\n"),
            "d.csv:2: a quote is not closed (close it or remove it)");
  EXPECT_EQ(CsvError("address,display_name\na@x.com,\"A\"B\n"),
            "d.csv:2: text after a closing quote (quote the whole field)");
  EXPECT_EQ(CsvError("address,display_name\na@x.com,Caf\xE9\n"),
            "d.csv:2: text is not UTF-8 (save the file as UTF-8)");
  EXPECT_EQ(CsvError("address,display_name\n\"a@x.com\",\"two\nlines\"\n,B\n"),
            "d.csv:4: the address is empty (each row needs the user's address)");
}

TEST(DirectoryCsv, HeaderProblems) {
  const std::string known =
      "address, display_name, department, job_title, manager, role, aliases, groups";
  EXPECT_EQ(CsvError(""),
            "d.csv:1: no header row (start the file with a row naming the columns: " + known + ")");
  EXPECT_EQ(CsvError("a@x.com,Alice\n"),
            "d.csv:1: no header row: the first row holds the address 'a@x.com' (add a first row "
            "naming the columns, such as address,display_name)");
  EXPECT_EQ(CsvError("display_name\nAlice\n"),
            "d.csv:1: no address column (name the column of user addresses 'address')");
  EXPECT_EQ(CsvError("address,email\na@x.com,b@x.com\n"),
            "d.csv:1: unknown column 'email' (the known columns are " + known + ")");
  EXPECT_EQ(CsvError("address,display_name,\n"),
            "d.csv:1: column 3 has no name (name it or remove it)");
  EXPECT_EQ(CsvError("address,Groups,groups\n"),
            "d.csv:1: the column 'groups' appears twice (keep one)");
  // Found by the fuzzer: a quoted first field that spans lines still gives a one-line error,
  // with the value cut short.
  EXPECT_EQ(CsvError("\"x\ny@z.com/" + std::string(80, 'o') + "\"\n"),
            "d.csv:1: no header row: the first row holds the address 'x y@z.com/" +
                std::string(50, 'o') +
                "...' (add a first row naming the columns, such as address,display_name)");
}

TEST(DirectoryCsv, AddressProblems) {
  EXPECT_EQ(CsvError("address,display_name\n ,Alice\n"),
            "d.csv:2: the address is empty (each row needs the user's address)");
  for (const char* bad : {"alice", "a@b@x.com", "@x.com", "alice@", "alice smith@x.com"}) {
    EXPECT_EQ(CsvError(std::string("address\n\"") + bad + "\"\n"),
              std::string("d.csv:2: '") + bad +
                  "' is not an email address (write it like alice@contoso.com)");
  }
  EXPECT_EQ(CsvError("address,aliases\na@x.com,b@x.com;bob\n"),
            "d.csv:2: the alias 'bob' is not an email address or an X.500 DN (separate aliases "
            "with ';')");
  EXPECT_EQ(CsvError("address,manager\na@x.com,the boss\n"),
            "d.csv:2: the manager 'the boss' is not an email address (write the manager's "
            "address)");
}

TEST(DirectoryCsv, RoleAndManagerProblems) {
  EXPECT_EQ(CsvError("address,role\na@x.com,admin\n"),
            "d.csv:2: the role 'admin' is neither member nor guest (leave it empty for a member)");
  EXPECT_EQ(CsvError("address,manager\na@x.com,A@X.com\n"),
            "d.csv:2: the manager 'A@X.com' is the user themself (leave manager empty or name "
            "another user)");
  EXPECT_EQ(CsvError("address,aliases,manager\na@x.com,alias@x.com,alias@x.com\n"),
            "d.csv:2: the manager 'alias@x.com' is the user themself (leave manager empty or "
            "name another user)");
}

TEST(DirectoryCsv, AnAddressBelongsToOneUser) {
  EXPECT_EQ(CsvError("address\na@x.com\nb@x.com\nA@X.COM\n"),
            "d.csv:4: 'A@X.COM' is already the user on line 2 (merge the two rows)");
  EXPECT_EQ(CsvError("address,aliases\na@x.com,sales@x.com\nb@x.com,Sales@x.com\n"),
            "d.csv:3: 'Sales@x.com' is also an address of the user on line 2; an address "
            "belongs to one user (remove it from one of the rows)");
  EXPECT_EQ(CsvError("address,aliases\na@x.com,b@x.com\nb@x.com,\n"),
            "d.csv:3: 'b@x.com' is also an address of the user on line 2; an address belongs "
            "to one user (remove it from one of the rows)");
  // The same alias twice in one row, or the user's own address as an alias, is harmless.
  Directory d = ParseOk("address,aliases\na@x.com,A@x.com;b@x.com;B@X.com\n", "d.csv");
  ASSERT_EQ(d.users.size(), 1u);
  EXPECT_EQ(d.users[0].aliases, Strings{"b@x.com"});
}

// ---- Graph JSON ----

// GET /users?$select=id,displayName,mail,userPrincipalName,department,userType,proxyAddresses,
// otherMails&$expand=manager($select=id,displayName)
constexpr std::string_view kUsersResponse = R"json({
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,mail,userPrincipalName,department,userType,proxyAddresses,otherMails,manager(id,displayName))",
  "@odata.nextLink": "https://graph.microsoft.com/v1.0/users?$select=id&$skiptoken=RFNwdAIAAQAAAD8",
  "value": [
    {
      "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
      "displayName": "Adele Vance",
      "mail": "AdeleV@contoso.com",
      "userPrincipalName": "AdeleV@contoso.com",
      "department": "Retail",
      "userType": "Member",
      "proxyAddresses": [
        "SMTP:AdeleV@contoso.com",
        "smtp:adele.vance@contoso.com",
        "X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=adelev",
        "SIP:adelev@contoso.com",
        "EUM:1234;phone-context=contoso.com",
        "smtp:AdeleV@contoso.onmicrosoft.com"
      ],
      "otherMails": [],
      "manager": {
        "@odata.type": "#microsoft.graph.user",
        "id": "5bde3e51-d13b-4db1-9948-fe4b109d11a7",
        "displayName": "Patti Fernandez"
      }
    },
    {
      "id": "5bde3e51-d13b-4db1-9948-fe4b109d11a7",
      "displayName": "Patti Fernandez",
      "mail": null,
      "userPrincipalName": "PattiF@contoso.com",
      "department": "Executive Management",
      "userType": null,
      "proxyAddresses": ["smtp:PattiF@contoso.com", "SMTP:Patti.Fernandez@contoso.com"],
      "otherMails": null,
      "manager": null
    },
    {
      "id": "e8b753b5-4117-464e-9a08-713e1ff266b3",
      "displayName": "Megan Bowen (Fabrikam)",
      "mail": null,
      "userPrincipalName": "megan.bowen_fabrikam.com#EXT#@contoso.onmicrosoft.com",
      "department": null,
      "proxyAddresses": [],
      "otherMails": ["megan.bowen@fabrikam.com", "megan@bowen.example"]
    },
    {
      "id": "c5e4a7f2-9b37-4c4a-8d4e-3a7d2d9f4b10",
      "displayName": "Lee Gu",
      "mail": "LeeG@fabrikam.com",
      "userPrincipalName": "leeg_fabrikam.com#EXT#@contoso.onmicrosoft.com",
      "userType": "guest",
      "manager": {"id": null, "mail": "AdeleV@contoso.com"}
    }
  ]
})json";

TEST(DirectoryGraph, UsersWithProxyAddressesManagersAndGuests) {
  Directory d = ParseOk(kUsersResponse, "users.json");
  ASSERT_EQ(d.users.size(), 4u);
  ExpectUser(d.users[0], {"87d349ed-44d7-43e1-9a83-5f2406dee5bd",
                          "AdeleV@contoso.com",
                          Strings{"adele.vance@contoso.com",
                                  "/o=ExchangeLabs/ou=Exchange Administrative Group "
                                  "(FYDIBOHF23SPDLT)/cn=Recipients/cn=adelev",
                                  "AdeleV@contoso.onmicrosoft.com"},
                          "Adele Vance",
                          "Retail",
                          "5bde3e51-d13b-4db1-9948-fe4b109d11a7",
                          kMember,
                          {},
                          1});
  // Without mail, the upper-case SMTP proxy address is the primary one, wherever it is listed.
  ExpectUser(d.users[1], {"5bde3e51-d13b-4db1-9948-fe4b109d11a7",
                          "Patti.Fernandez@contoso.com",
                          Strings{"PattiF@contoso.com"},
                          "Patti Fernandez",
                          "Executive Management",
                          "",
                          kMember,
                          {},
                          2});
  // A guest without mail mails from the address its #EXT# userPrincipalName encodes.
  ExpectUser(d.users[2], {"e8b753b5-4117-464e-9a08-713e1ff266b3",
                          "megan.bowen@fabrikam.com",
                          Strings{"megan@bowen.example"},
                          "Megan Bowen (Fabrikam)",
                          "",
                          "",
                          kGuest,
                          {},
                          3});
  ExpectUser(d.users[3], {"c5e4a7f2-9b37-4c4a-8d4e-3a7d2d9f4b10",
                          "LeeG@fabrikam.com",
                          {},
                          "Lee Gu",
                          "",
                          "AdeleV@contoso.com",
                          kGuest,
                          {},
                          4});
  EXPECT_TRUE(d.groups.empty());
}

// GET /groups?$select=id,displayName,mail,groupTypes,mailEnabled,securityEnabled
// &$expand=members($select=id,displayName)
constexpr std::string_view kGroupsResponse = R"json({
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#groups(id,displayName,mail,groupTypes,mailEnabled,securityEnabled,members(id,displayName))",
  "value": [
    {
      "id": "02bd9fd6-8f93-4758-87c3-1fb73740a315",
      "displayName": "HR Taskforce",
      "mail": "HRTaskforce@contoso.com",
      "groupTypes": ["Unified"],
      "mailEnabled": true,
      "securityEnabled": false,
      "members": [
        {"@odata.type": "#microsoft.graph.user", "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
         "displayName": "Adele Vance"},
        {"@odata.type": "#microsoft.graph.group", "id": "45b7d2e7-b882-4a80-ba97-10b7a63b8fa4",
         "displayName": "Golf Assist"},
        {"@odata.type": "#microsoft.graph.device", "id": "000e2e4c-5bf0-4fa1-a3b8-2b1ea3d9a1f6"},
        {"@odata.type": "#microsoft.graph.user", "id": "5bde3e51-d13b-4db1-9948-fe4b109d11a7",
         "displayName": "Patti Fernandez"}
      ]
    },
    {
      "id": "b320ee12-b1cd-4cca-b648-a437be61c5cd",
      "displayName": "Security readers",
      "mail": null,
      "groupTypes": [],
      "mailEnabled": false,
      "securityEnabled": true,
      "members": []
    }
  ]
})json";

TEST(DirectoryGraph, GroupsWithExpandedMembers) {
  Directory d = ParseOk(kGroupsResponse, "groups.json");
  EXPECT_TRUE(d.users.empty());
  ASSERT_EQ(d.groups.size(), 2u);
  // Nested groups and devices are members in Graph, but not people.
  ExpectGroup(
      d.groups[0],
      {"02bd9fd6-8f93-4758-87c3-1fb73740a315", "HR Taskforce", "HRTaskforce@contoso.com",
       Strings{"87d349ed-44d7-43e1-9a83-5f2406dee5bd", "5bde3e51-d13b-4db1-9948-fe4b109d11a7"}, 1});
  ExpectGroup(d.groups[1], {"b320ee12-b1cd-4cca-b648-a437be61c5cd", "Security readers", "", {}, 2});
}

// A later page of /groups/delta and /users/delta as Graph documents them: a group's members as
// members@delta (who joined, who left), and deleted objects as "@removed" items.
TEST(DirectoryGraph, DeltaPagesGiveMemberChangesAndRemovals) {
  Directory groups = ParseOk(R"json({
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#groups",
    "@odata.deltaLink": "https://graph.microsoft.com/v1.0/groups/delta?$deltatoken=x",
    "value": [
      {"id": "g1", "displayName": "Sales", "members@delta": [
        {"@odata.type": "#microsoft.graph.user", "id": "u1"},
        {"@odata.type": "#microsoft.graph.user", "id": "u2", "@removed": {"reason": "deleted"}},
        {"@odata.type": "#microsoft.graph.group", "id": "g9"}]},
      {"id": "g2", "@removed": {"reason": "changed"}}
    ]})json",
                             "delta.json");
  ASSERT_EQ(groups.groups.size(), 1u);
  EXPECT_TRUE(groups.groups[0].members_incremental);
  EXPECT_EQ(groups.groups[0].members, Strings{"u1"});
  EXPECT_EQ(groups.groups[0].members_removed, Strings{"u2"});
  EXPECT_EQ(groups.removed_groups, Strings{"g2"});
  Directory users = ParseOk(R"json({
    "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
    "value": [{"id": "u3", "@removed": {"reason": "deleted"}},
              {"id": "u4", "mail": "dana@contoso.com"}]})json",
                            "delta.json");
  EXPECT_EQ(users.removed_users, Strings{"u3"});
  ASSERT_EQ(users.users.size(), 1u);
  EXPECT_EQ(users.users[0].address, "dana@contoso.com");
}

// /users/delta names a manager as manager@delta, and only when it changed: a user on a delta
// page without it keeps the manager already known; in an export, no manager means none.
TEST(DirectoryGraph, ManagerDeltaSetsClearsOrKeepsTheManager) {
  Directory page = ParseOk(R"json({
    "@odata.nextLink": "https://graph.microsoft.com/v1.0/users/delta?$skiptoken=y",
    "value": [
      {"id": "u1", "mail": "a@contoso.com", "manager@delta": [
        {"@odata.type": "#microsoft.graph.user", "id": "u9"}]},
      {"id": "u2", "mail": "b@contoso.com", "manager@delta": [
        {"@odata.type": "#microsoft.graph.user", "id": "u9", "@removed": {"reason": "deleted"}}]},
      {"id": "u3", "mail": "c@contoso.com"}
    ]})json",
                           "delta.json");
  ASSERT_EQ(page.users.size(), 3u);
  EXPECT_EQ(page.users[0].manager, "u9");
  EXPECT_FALSE(page.users[0].manager_unchanged);
  EXPECT_EQ(page.users[1].manager, "");
  EXPECT_FALSE(page.users[1].manager_unchanged);
  EXPECT_TRUE(page.users[2].manager_unchanged);
  Directory exported =
      ParseOk(R"json({"value": [{"id": "u3", "mail": "c@contoso.com"}]})json", "users.json");
  ASSERT_EQ(exported.users.size(), 1u);
  EXPECT_FALSE(exported.users[0].manager_unchanged);
  EXPECT_EQ(ParseDirectoryGraphJson(R"json({"@odata.deltaLink": "x", "value": [{"id": "u1",
    "mail": "a@contoso.com", "manager@delta": [{"id": "u1"}]}]})json",
                                    "delta.json")
                .status()
                .message(),
            "delta.json: item 1 (id u1): the user is their own manager (fix the manager in the "
            "directory)");
}

// A bare array of typed items: a user with $expand=memberOf, then one of its groups.
constexpr std::string_view kMixedArray = R"json([
  {
    "@odata.type": "#microsoft.graph.user",
    "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
    "mail": "AdeleV@contoso.com",
    "memberOf": [
      {"@odata.type": "#microsoft.graph.group", "id": "02bd9fd6-8f93-4758-87c3-1fb73740a315",
       "displayName": "HR Taskforce", "mail": "HRTaskforce@contoso.com"},
      {"@odata.type": "#microsoft.graph.directoryRole", "id": "6ad4bb2a-7b1d-4e0a-8b3c-6f1a3d1e2c5b",
       "displayName": "Global Reader"},
      {"@odata.type": "#microsoft.graph.group", "id": "4d0f5e3c-1a2b-4c3d-9e8f-7a6b5c4d3e2f"}
    ]
  },
  {
    "@odata.type": "#microsoft.graph.group",
    "id": "02bd9fd6-8f93-4758-87c3-1fb73740a315",
    "displayName": "HR Taskforce (all staff)",
    "mail": "HRTaskforce@contoso.com",
    "members": [{"id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd"}, {"id": "61b0c52f-a902-4769-9a09-c6628335b00a"}]
  }
])json";

TEST(DirectoryGraph, MemberOfGroupsMergeWithGroupItems) {
  Directory d = ParseOk(kMixedArray, "mixed.json");
  ASSERT_EQ(d.users.size(), 1u);
  ExpectUser(d.users[0], {"87d349ed-44d7-43e1-9a83-5f2406dee5bd",
                          "AdeleV@contoso.com",
                          {},
                          "",
                          "",
                          "",
                          kMember,
                          Strings{"02bd9fd6-8f93-4758-87c3-1fb73740a315",
                                  "4d0f5e3c-1a2b-4c3d-9e8f-7a6b5c4d3e2f"},
                          1});
  // The group's own item gives its name and line; the member is listed once.
  ASSERT_EQ(d.groups.size(), 1u);
  ExpectGroup(
      d.groups[0],
      {"02bd9fd6-8f93-4758-87c3-1fb73740a315", "HR Taskforce (all staff)",
       "HRTaskforce@contoso.com",
       Strings{"87d349ed-44d7-43e1-9a83-5f2406dee5bd", "61b0c52f-a902-4769-9a09-c6628335b00a"}, 2});
}

TEST(DirectoryGraph, SingleObjectsAndKindsByContextOrShape) {
  // GET /users/{id}: one object, its kind from its context.
  Directory one = ParseOk(
      R"({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity",
          "id": "u1", "displayName": "Alex Wilber", "mail": "AlexW@contoso.com"})",
      "me.json");
  ASSERT_EQ(one.users.size(), 1u);
  EXPECT_EQ(one.users[0].key, "u1");
  EXPECT_EQ(one.users[0].line, 1);
  // Untyped items in a bare array: told apart by their fields.
  Directory shaped = ParseOk(
      "\xEF\xBB\xBF \n[{\"id\": \"g1\", \"displayName\": \"Sales\", \"securityEnabled\": true},\n"
      " {\"id\": \"u1\", \"userPrincipalName\": \"AlexW@contoso.com\"}]",
      "shaped.json");
  ASSERT_EQ(shaped.groups.size(), 1u);
  EXPECT_EQ(shaped.groups[0].name, "Sales");
  ASSERT_EQ(shaped.users.size(), 1u);
  EXPECT_EQ(shaped.users[0].address, "AlexW@contoso.com");
  EXPECT_EQ(shaped.users[0].line, 2);
  Directory empty = ParseOk(R"({"@odata.context": "x#users", "value": []})", "empty.json");
  EXPECT_TRUE(empty.users.empty());
}

TEST(DirectoryGraph, DocumentProblems) {
  EXPECT_EQ(JsonError("{\"value\": [\n  {\"id\": \"a\",}\n]}"),
            "d.json: invalid JSON: parse error at line 2, column 14: syntax error while parsing "
            "object key - unexpected '}'; expected string literal (export the file again; it "
            "may be cut short)");
  EXPECT_EQ(JsonError("{\"value\": ["),
            "d.json: invalid JSON: parse error at line 1, column 12: syntax error while parsing "
            "value - unexpected end of input; expected '[', '{', or a literal (export the file "
            "again; it may be cut short)");
  EXPECT_EQ(JsonError(std::string(100, '[') + std::string(100, ']')),
            "d.json: JSON nested deeper than 64 levels (not a Graph export of users or groups)");
  EXPECT_EQ(JsonError("42"),
            "d.json: the JSON is a number, not Graph users or groups (export /users or /groups)");
  EXPECT_EQ(JsonError(R"({"error": {"code": "Authorization_RequestDenied",
                                    "message": "Insufficient privileges to complete the operation."}})"),
            "d.json: a Graph error response, not a directory: Authorization_RequestDenied: "
            "Insufficient privileges to complete the operation.");
}

TEST(DirectoryGraph, ItemProblemsNameTheItem) {
  EXPECT_EQ(JsonError(R"({"value": [{"id": "u1", "mail": "a@x.com"}, 7]})"),
            "d.json: item 2: not a JSON object (list users and groups)");
  EXPECT_EQ(JsonError(R"([{"@odata.type": "#microsoft.graph.event", "id": "AAMkAGI1"}])"),
            "d.json: item 1 (id AAMkAGI1): '#microsoft.graph.event' is not a user or a group "
            "(export users from /users and groups from /groups)");
  EXPECT_EQ(
      JsonError(
          R"({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('a')/events",
                          "value": [{"id": "AAMkAGI2", "subject": "Sync", "start": {}}]})"),
      "d.json: item 1 (id AAMkAGI2): neither a user nor a group (export users from /users "
      "and groups from /groups)");
  EXPECT_EQ(JsonError(R"([{"@odata.type": "#microsoft.graph.user", "mail": "a@x.com"}])"),
            "d.json: item 1: user has no id (export with $select=id,mail,userPrincipalName,"
            "proxyAddresses)");
  EXPECT_EQ(JsonError(R"({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
      "value": [{"id": "u0", "mail": "a@x.com"}, {"id": "u1", "mail": "b@x.com"},
                {"id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd", "displayName": "Adele Vance",
                 "mail": null, "proxyAddresses": ["SIP:adelev@contoso.com"]}]})"),
            "d.json: item 3 (id 87d349ed-44d7-43e1-9a83-5f2406dee5bd): user has no mail, "
            "userPrincipalName or SMTP proxy address (export with "
            "$select=mail,userPrincipalName,proxyAddresses)");
  EXPECT_EQ(JsonError(R"([{"id": "u1", "mail": "Adele Vance"}])"),
            "d.json: item 1 (id u1): the mail 'Adele Vance' is not an email address (fix it in "
            "the directory)");
  EXPECT_EQ(JsonError(R"([{"id": "u1", "mail": "a@x.com", "userType": "Admin"}])"),
            "d.json: item 1 (id u1): userType 'Admin' is neither Member nor Guest");
  EXPECT_EQ(JsonError(R"([{"id": "u1", "mail": "a@x.com", "manager": {"id": "u1"}}])"),
            "d.json: item 1 (id u1): the user is their own manager (fix the manager in the "
            "directory)");
  EXPECT_EQ(JsonError(R"([{"id": "u1", "mail": "a@x.com", "proxyAddresses": ["smtp:b@x.com"],
                          "manager": {"id": null, "userPrincipalName": "B@x.com"}}])"),
            "d.json: item 1 (id u1): the user is their own manager (fix the manager in the "
            "directory)");
  EXPECT_EQ(JsonError(R"([{"@odata.type": "#microsoft.graph.group", "displayName": "Sales"}])"),
            "d.json: item 1: group has no id (export with $select=id,displayName,mail)");
}

TEST(DirectoryGraph, DuplicatesNameBothItems) {
  EXPECT_EQ(JsonError(R"([{"id": "u1", "mail": "a@x.com"}, {"id": "u2", "mail": "b@x.com"},
                          {"id": "u1", "mail": "c@x.com"}])"),
            "d.json: item 3 (id u1): the same user id as item 1 (id u1) (export each user once)");
  EXPECT_EQ(JsonError(R"([{"id": "u1", "mail": "a@x.com", "proxyAddresses": ["smtp:sales@x.com"]},
                          {"id": "u2", "mail": "Sales@X.com"}])"),
            "d.json: item 2 (id u2): 'Sales@X.com' is also an address of item 1 (id u1); an "
            "address belongs to one user (fix the directory)");
  EXPECT_EQ(JsonError(R"([{"@odata.type": "#microsoft.graph.group", "id": "g1"},
                          {"@odata.type": "#microsoft.graph.group", "id": "g1"}])"),
            "d.json: item 2 (id g1): the same group id appears twice (export each group once)");
}

// ---- Which reader ----

TEST(DirectoryFile, ChoosesTheReaderByContent) {
  EXPECT_EQ(ParseOk("address\na@x.com\n", "x.json").users.size(), 1u);
  EXPECT_EQ(
      ParseOk("\xEF\xBB\xBF\r\n  [{\"id\": \"u\", \"mail\": \"a@x.com\"}]", "x.csv").users.size(),
      1u);
  EXPECT_EQ(ParseDirectoryFile("{", "f").status().message().substr(0, 17), "f: invalid JSON: ");
  EXPECT_EQ(ParseDirectoryFile("", "f").status().message().substr(0, 20), "f:1: no header row (");
}

}  // namespace
}  // namespace rapport::ingest
