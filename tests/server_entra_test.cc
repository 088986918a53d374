// Signing in to the HTTP API with Microsoft Entra ID access tokens: a server configured with a
// key set made here accepts an RS256 token for a tenant user, and answers 401 to an expired one,
// one for another audience or tenant, a forged signature and `alg: none`.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "jwks_endpoint.h"
#include "jwt_signing.h"
#include "served_tenant.h"

namespace rapport::testing {
namespace {

using namespace jwt;  // NOLINT: the test is about these

class EntraSignIn : public ::testing::Test {
 protected:
  static server::ServerOptions Options(const std::string& jwks_file) {
    server::ServerOptions options;
    options.entra = server::EntraOptions{kTenant, kAudience, kIssuer, jwks_file};
    return options;
  }
  // Claims for dave, valid for an hour from now.
  static json DaveClaims() {
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    json claims = Claims();
    claims["preferred_username"] = "Dave@Northwind.example";
    claims["iat"] = claims["nbf"] = now - 60;
    claims["exp"] = now + 3600;
    return claims;
  }
  std::string Session(ServedTenant& served, const std::string& token, int& status) {
    auto res = served.Client().Get("/v1/session", {{"Authorization", "Bearer " + token}});
    status = res ? res->status : 0;
    return res ? res->body : "";
  }

  TempDir dir_;
  PkeyPtr key_ = NewKey(2048);
};

TEST_F(EntraSignIn, ATenantUsersTokenIsThatUserAndForgeriesAre401) {
  WriteFile(dir_ / "jwks.json", Jwks({Jwk(key_.get(), "k1")}));
  ServedTenant served("all", Options(dir_ / "jwks.json"));
  int status = 0;
  auto body = json::parse(Session(served, Sign(key_.get(), Header(), DaveClaims()), status));
  EXPECT_EQ(status, 200) << body;
  EXPECT_EQ(body["address"], "dave@northwind.example");
  EXPECT_EQ(body["role"], "member");
  // The principal goes to the policy point like a personal token's would.
  auto wkw = served.Client().Get(
      ("/v1/who-knows?target=" + kContact + "&as_of=" + kAsOf).c_str(),
      {{"Authorization", "Bearer " + Sign(key_.get(), Header(), DaveClaims())}});
  ASSERT_TRUE(wkw);
  EXPECT_EQ(wkw->status, 200) << wkw->body;

  PkeyPtr other = NewKey(2048);
  auto with = [](json claims, const char* name, json value) {
    claims[name] = std::move(value);
    return claims;
  };
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  const std::pair<std::string, std::string> forged[] = {
      {Sign(key_.get(), Header(), with(DaveClaims(), "exp", now - 3600)), "token expired"},
      {Sign(key_.get(), Header(), with(DaveClaims(), "aud", "api://someone-else")),
       "wrong audience"},
      {Sign(key_.get(), Header(),
            with(DaveClaims(), "tid", "00000000-0000-0000-0000-000000000001")),
       "wrong tenant"},
      {Sign(other.get(), Header(), DaveClaims()), "bad signature"},
      {B64(R"({"alg":"none","typ":"JWT"})") + "." + B64(DaveClaims().dump()) + ".",
       "algorithm none not accepted"},
  };
  for (const auto& [token, reason] : forged) {
    auto refused = json::parse(Session(served, token, status));
    EXPECT_EQ(status, 401) << reason;
    EXPECT_EQ(refused.value("code", ""), "unauthorized");
    EXPECT_EQ(refused.value("message", ""), reason);
  }
}

// The key set as an https:// URL (an endpoint on a loopback port whose certificate the system's
// trust is told of): fetched once at start; a burst of tokens naming a key the set lacks is refused
// at once and makes no fetch (the next is allowed 5 min after the last), and the server answers
// on meanwhile.
TEST_F(EntraSignIn, AKeySetUrlIsFetchedOnceAndUnknownKeysDoNotFetchItAgain) {
  JwksEndpoint endpoint(Jwks({Jwk(key_.get(), "k1")}));
  setenv("SSL_CERT_FILE", endpoint.ca_file().c_str(), 1);
  ServedTenant served("all", Options(endpoint.url()));
  unsetenv("SSL_CERT_FILE");
  EXPECT_EQ(endpoint.requests(), 1);

  PkeyPtr rolled = NewKey(2048);
  std::vector<std::pair<int, json>> refused(10);
  std::vector<std::thread> burst;
  for (auto& r : refused) {
    burst.emplace_back([&] {
      r.second =
          json::parse(Session(served, Sign(rolled.get(), Header("k2"), DaveClaims()), r.first));
    });
  }
  for (auto& t : burst) t.join();
  for (const auto& [status, body] : refused) {
    EXPECT_EQ(status, 401);
    EXPECT_EQ(body.value("message", ""), "unknown signing key");
  }
  int status = 0;
  Session(served, Sign(key_.get(), Header("k1"), DaveClaims()), status);
  EXPECT_EQ(status, 200);
  auto health = served.Client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(endpoint.requests(), 1);
}

TEST_F(EntraSignIn, AServerWithoutAUsableKeySetDoesNotStart) {
  WriteFile(dir_ / "jwks.json", R"({"keys":[]})");
  Tenant tenant("all");
  auto options = Options(dir_ / "jwks.json");
  options.db = tenant.path();
  auto server = server::Server::Create(options);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(server.status().message().find("--entra-jwks"), std::string::npos)
      << server.status().message();
}

}  // namespace
}  // namespace rapport::testing
