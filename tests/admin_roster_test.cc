// `rapport admin add|remove|list`: only admins change the admins, the last one cannot go, every
// change is in the audit ledger (whose chain stays valid), and a store made without an admin can
// name its first one.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "rapport/consent/admin_roster.h"
#include "rapport/store/store.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport {
namespace {

using testing::RunRapport;
using testing::ShellQuote;
using testing::TempDir;

class AdminCommand : public ::testing::Test {
 protected:
  testing::CommandResult Rapport(const std::string& args) {
    return RunRapport("--db " + ShellQuote(db_) + " " + args);
  }
  std::vector<std::string> Admins() {
    auto r = Rapport("admin list --json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out).get<std::vector<std::string>>();
  }
  TempDir dir_;
  std::string db_ = dir_ / "s.db";
};

TEST_F(AdminCommand, InitNeedsAnAdminAndSaysSo) {
  auto r = Rapport("init --tenant T --domain t.example");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--admin"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(db_)) << "a refused init leaves no store";
}

TEST_F(AdminCommand, AdminsAddAndRemoveAdminsButNeverTheLast) {
  ASSERT_EQ(Rapport("init --tenant T --domain t.example --admin Ann@t.example").exit_code, 0);
  EXPECT_EQ(Admins(), std::vector<std::string>{"ann@t.example"});

  // A member cannot make themselves an admin; nor can a change name no admin.
  auto r = Rapport("admin add bob@t.example --by bob@t.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bob@t.example is not an admin of tenant T"), std::string::npos) << r.err;
  r = Rapport("admin add bob@t.example");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--by ADMIN"), std::string::npos) << r.err;
  r = Rapport("admin add not-an-address --by ann@t.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not an address"), std::string::npos) << r.err;

  r = Rapport("admin add Bob@T.example --by ann@t.example");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Bob@T.example is now an admin (recorded in the audit ledger)\n");
  EXPECT_EQ(Admins(), (std::vector<std::string>{"ann@t.example", "bob@t.example"}));
  r = Rapport("admin add bob@t.example --by ann@t.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is an admin already"), std::string::npos) << r.err;

  // The new admin can act as one: grant consent, remove the first admin.
  EXPECT_EQ(Rapport("consent grant personal --by bob@t.example").exit_code, 0);
  ASSERT_EQ(Rapport("admin remove ann@t.example --by bob@t.example").exit_code, 0);
  EXPECT_EQ(Admins(), std::vector<std::string>{"bob@t.example"});
  r = Rapport("consent grant aggregated --by ann@t.example");
  EXPECT_EQ(r.exit_code, 1) << "a removed admin is no longer one";

  r = Rapport("admin remove bob@t.example --by bob@t.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "rapport: error: bob@t.example is the only admin; add another admin first (rapport "
            "admin add EMAIL --by bob@t.example)\n");
  EXPECT_EQ(Admins(), std::vector<std::string>{"bob@t.example"});
  r = Rapport("admin remove carol@t.example --by bob@t.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("carol@t.example is not an admin"), std::string::npos) << r.err;

  // Both changes are in the audit ledger, by whom and of whom, and the chain is intact.
  r = Rapport("audit list --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> changes;
  for (const auto& e : nlohmann::json::parse(r.out)) {
    const std::string what = e.value("insight", "");
    if (what.rfind("admin-", 0) == 0) {
      changes.push_back(what + " " + e.value("subject", "") + " by " + e.value("principal", ""));
    }
  }
  EXPECT_EQ(changes, (std::vector<std::string>{"admin-add bob@t.example by ann@t.example",
                                               "admin-remove ann@t.example by bob@t.example"}));
  r = Rapport("audit verify");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(AdminRoster, AStoreWithoutAnAdminTakesItsFirstOnceOnly) {
  TempDir dir;
  {
    auto store = testing::CreateTestStoreAt(dir / "s.db");
    ASSERT_TRUE(store.ok()) << store.status().message();
    ASSERT_TRUE((*store)->InitTenant({"T", {"t.example"}}).ok());  // as versions before 0.18 did
  }
  auto r = RunRapport("--db " + ShellQuote(dir / "s.db") + " admin list");
  EXPECT_EQ(r.out, "no admin yet: name the first with rapport admin add EMAIL\n");
  r = RunRapport("--db " + ShellQuote(dir / "s.db") + " admin add ann@t.example");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto store = testing::OpenTestStore(dir / "s.db");
  ASSERT_TRUE(store.ok());
  consent::AdminRoster roster(**store);
  EXPECT_EQ(*roster.List(), std::vector<std::string>{"ann@t.example"});
  // Once there is one, nobody becomes an admin without an admin's say.
  EXPECT_EQ(roster.AddFirst("eve@t.example", 1).code(), Status::Code::kFailedPrecondition);
  r = RunRapport("--db " + ShellQuote(dir / "s.db") + " admin add eve@t.example");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_EQ(*roster.List(), std::vector<std::string>{"ann@t.example"});
}

}  // namespace
}  // namespace rapport
