// Personal access tokens (issue 8): `rapport token create|list|revoke` and
// consent::AccessTokens::Authenticate, which turns a bearer token into a principal.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "rapport/consent/access_tokens.h"
#include "rapport/store/store.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::ReadFile;
using testing::RunRapport;
using testing::ShellQuote;
using testing::TempDir;
using testing::WriteFile;

constexpr const char* kAdmin = "admin@rapport-tests.example";
constexpr const char* kMember = "alice@contoso.example";
constexpr const char* kGuest = "gina@partner.example";
constexpr int64_t kY2099 = 4070908800;   // 2099-01-01T00:00:00Z
constexpr int64_t kNow = 1'800'000'000;  // 2027-01-15

// A consented tenant whose directory has one member and one guest.
class AccessTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(testing::InitConsented(db_, "--tenant Contoso --domain contoso.example").exit_code,
              0);
    WriteFile(dir_ / "users.csv",
              "address,display_name,department,manager,role,aliases,groups\n"
              "alice@contoso.example,Alice,Sales,,member,,Sales\n"
              "gina@partner.example,Gina,,,guest,,\n");
    ASSERT_EQ(Rapport("directory import " + ShellQuote(dir_ / "users.csv")).exit_code, 0);
  }

  CommandResult Rapport(const std::string& args) {
    return RunRapport("--db " + ShellQuote(db_) + " " + args);
  }

  // `token create --json` for this user; the token, or "" (with a test failure).
  std::string Create(const std::string& user, const std::string& more = "") {
    CommandResult r = Rapport("token create --json --user " + user + more);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    if (r.exit_code != 0) return "";
    return json::parse(r.out).at("token").get<std::string>();
  }

  std::unique_ptr<store::Store> Open() {
    auto store = testing::OpenTestStore(db_);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return std::move(*store);
  }

  // The reason Authenticate gives, or "user@tenant" when it accepts.
  std::string Authenticate(const std::string& token, int64_t now = kNow) {
    auto store = Open();
    auto principal = consent::AccessTokens(*store).Authenticate(token, now);
    if (!principal.ok()) {
      EXPECT_EQ(principal.status().code(), Status::Code::kPermissionDenied);
      return principal.status().message();
    }
    return principal->address + "@" + principal->tenant;
  }

  TempDir dir_;
  std::string db_ = dir_ / "s.db";
};

TEST_F(AccessTokenTest, AMemberGetsATokenThatAuthenticatesToThem) {
  CommandResult r = Rapport(std::string("token create --user ") + kMember);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(r.out.starts_with("token: rpt_")) << r.out;
  EXPECT_NE(r.out.find("only once"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("id: 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expires: never"), std::string::npos) << r.out;
  const std::string token = r.out.substr(7, r.out.find('\n') - 7);
  EXPECT_EQ(token.size(), 47u);
  EXPECT_EQ(Authenticate(token), std::string(kMember) + "@Contoso");
}

TEST_F(AccessTokenTest, TheAdminAndAGuestGetTokensToo) {
  EXPECT_EQ(Authenticate(Create(kAdmin)), std::string(kAdmin) + "@Contoso");
  EXPECT_EQ(Authenticate(Create(kGuest)), std::string(kGuest) + "@Contoso");
}

TEST_F(AccessTokenTest, SomeoneWhoIsNotAUserGetsNone) {
  CommandResult r = Rapport("token create --user mallory@elsewhere.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("is not a user of this tenant"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("directory import"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_EQ(json::parse(Rapport("token list --json").out).size(), 0u);
}

TEST_F(AccessTokenTest, WrongAndGarbledTokensAreUnknown) {
  const std::string token = Create(kMember);
  std::string wrong = token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(Authenticate(wrong), "unknown token");
  EXPECT_EQ(Authenticate(""), "unknown token");
  EXPECT_EQ(Authenticate("rpt_short"), "unknown token");
  EXPECT_EQ(Authenticate(token + "x"), "unknown token");
  std::string bad_char = token;
  bad_char[10] = '+';
  EXPECT_EQ(Authenticate(bad_char), "unknown token");
  EXPECT_EQ(Authenticate("xyz_" + token.substr(4)), "unknown token");
  EXPECT_EQ(Authenticate("Bearer " + token), "unknown token");
}

TEST_F(AccessTokenTest, ARevokedTokenNoLongerAuthenticates) {
  const std::string token = Create(kMember);
  const std::string other = Create(kMember);
  CommandResult r = Rapport("token revoke 1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Authenticate(token), "token revoked");
  EXPECT_EQ(Authenticate(other), std::string(kMember) + "@Contoso");  // only that one
  json list = json::parse(Rapport("token list --json").out);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_FALSE(list[0].at("revoked_at").is_null());
  EXPECT_TRUE(list[1].at("revoked_at").is_null());
}

TEST_F(AccessTokenTest, RevokingTwiceKeepsTheFirstTime) {
  Create(kMember);
  auto store = Open();
  ASSERT_TRUE(store->RevokeAccessToken(1, 100).ok());
  ASSERT_TRUE(store->RevokeAccessToken(1, 200).ok());
  auto tokens = store->ListAccessTokens();
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].revoked_at, std::optional<int64_t>(100));
}

TEST_F(AccessTokenTest, RevokingAMissingTokenFails) {
  CommandResult r = Rapport("token revoke 42");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no access token 42"), std::string::npos) << r.err;
  EXPECT_EQ(Rapport("token revoke notanumber").exit_code, 2);
  auto store = Open();
  EXPECT_EQ(store->RevokeAccessToken(42, kNow).code(), Status::Code::kNotFound);
}

TEST_F(AccessTokenTest, AnExpiredTokenNoLongerAuthenticates) {
  const std::string token = Create(kMember, " --expires 2099-01-01");
  EXPECT_EQ(Authenticate(token, kY2099 - 1), std::string(kMember) + "@Contoso");
  EXPECT_EQ(Authenticate(token, kY2099), "token expired");
  EXPECT_EQ(Authenticate(token, kY2099 + 86400), "token expired");
  json list = json::parse(Rapport("token list --json").out);
  EXPECT_EQ(list.at(0).at("expires_at"), "2099-01-01T00:00:00Z");
}

TEST_F(AccessTokenTest, ABadOrPastExpiryIsAUsageError) {
  CommandResult bad = Rapport(std::string("token create --expires 2099-13-45 --user ") + kMember);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--expires"), std::string::npos) << bad.err;
  EXPECT_EQ(Rapport(std::string("token create --expires soon --user ") + kMember).exit_code, 2);
  EXPECT_EQ(Rapport(std::string("token create --expires 2099-02-30 --user ") + kMember).exit_code,
            2);
  EXPECT_EQ(Rapport(std::string("token create --expires 2001-01-01 --user ") + kMember).exit_code,
            2);
  EXPECT_EQ(json::parse(Rapport("token list --json").out).size(), 0u);
  // The library refuses an expiry that is not after now as well.
  auto store = Open();
  auto created = consent::AccessTokens(*store).Create(kMember, kNow, kNow);
  EXPECT_EQ(created.status().code(), Status::Code::kInvalidArgument);
}

TEST_F(AccessTokenTest, ListNeverShowsTheTokenOrItsHash) {
  const std::string token = Create(kMember);
  std::string hash;
  {
    auto store = Open();
    auto tokens = store->ListAccessTokens();
    ASSERT_TRUE(tokens.ok());
    ASSERT_EQ(tokens->size(), 1u);
    hash = (*tokens)[0].token_hash;
    EXPECT_EQ(hash.size(), 64u);
    EXPECT_EQ((*tokens)[0].user, kMember);
  }
  for (const char* args : {"token list", "token list --json"}) {
    CommandResult r = Rapport(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(kMember), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find(token), std::string::npos) << args;
    EXPECT_EQ(r.out.find(token.substr(4)), std::string::npos) << args;
    EXPECT_EQ(r.out.find(hash), std::string::npos) << args;
  }
  json list = json::parse(Rapport("token list --json").out);
  EXPECT_EQ(list.at(0).size(), 5u);  // id, user, created_at, expires_at, revoked_at
}

TEST_F(AccessTokenTest, TheStoreFilesNeverHoldTheToken) {
  std::vector<std::string> tokens = {Create(kMember), Create(kAdmin)};
  {  // and an in-process create, authenticate and revoke, with the store then closed
    auto store = Open();
    consent::AccessTokens access(*store);
    auto created = access.Create(kGuest, std::nullopt, kNow);
    ASSERT_TRUE(created.ok()) << created.status().message();
    tokens.push_back(created->token);
    ASSERT_TRUE(access.Authenticate(created->token, kNow).ok());
    ASSERT_TRUE(access.Revoke(created->id, kNow).ok());
  }
  for (const char* suffix : {"", "-wal", "-journal", "-shm"}) {
    const std::string path = db_ + suffix;
    if (!std::filesystem::exists(path)) continue;
    const std::string bytes = ReadFile(path);
    for (const auto& token : tokens) {
      ASSERT_EQ(token.size(), 47u);
      EXPECT_EQ(bytes.find(token.substr(4)), std::string::npos) << path;
    }
  }
}

TEST_F(AccessTokenTest, TokensSurviveReopeningAndPurges) {
  std::string token;
  {
    auto store = Open();
    auto created = consent::AccessTokens(*store).Create(kMember, kY2099, kNow);
    ASSERT_TRUE(created.ok()) << created.status().message();
    token = created->token;
    EXPECT_EQ(created->expires_at, std::optional<int64_t>(kY2099));
  }
  EXPECT_EQ(Authenticate(token), std::string(kMember) + "@Contoso");
  // Revoking every consent purges all collected data; credentials are not collected data.
  for (const char* type : {"personal", "aggregated", "identifiable"}) {
    ASSERT_EQ(Rapport(std::string("consent revoke ") + type + " --by " + kAdmin).exit_code, 0);
  }
  EXPECT_EQ(Authenticate(token), std::string(kMember) + "@Contoso");
}

TEST_F(AccessTokenTest, TwoTokensForOneUserDiffer) {
  const std::string a = Create(kMember);
  const std::string b = Create(kMember);
  EXPECT_NE(a, b);
  EXPECT_EQ(Authenticate(a), Authenticate(b));
  json list = json::parse(Rapport("token list --json").out);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].at("id"), 1);
  EXPECT_EQ(list[1].at("id"), 2);
}

TEST_F(AccessTokenTest, CreateAsJsonSaysWhatItMade) {
  CommandResult r =
      Rapport(std::string("token create --json --expires 2099-01-01 --user ") + kMember);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json out = json::parse(r.out);
  EXPECT_EQ(out.at("id"), 1);
  EXPECT_EQ(out.at("user"), kMember);
  // The user as stored: the address's key, whatever case it was typed in.
  CommandResult upper = Rapport("token create --json --user ALICE@Contoso.example");
  ASSERT_EQ(upper.exit_code, 0) << upper.err;
  EXPECT_EQ(json::parse(upper.out).at("user"), kMember);
  EXPECT_EQ(out.at("expires_at"), "2099-01-01T00:00:00Z");
  EXPECT_TRUE(out.at("token").get<std::string>().starts_with("rpt_"));
}

}  // namespace
}  // namespace rapport
