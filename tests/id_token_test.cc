// OpenID Connect ID tokens (consent::IdTokens, the dashboard's single sign-on): the nonce, the
// client as audience (and azp when there are several), the issuer, the e-mail only when verified;
// the signature checks are EntraTokens' (tests/entra_token_test.cc), shared through consent/jwt.h.
#include <gtest/gtest.h>

#include <string>

#include "jwt_signing.h"
#include "rapport/consent/id_tokens.h"

namespace rapport {
namespace {

using nlohmann::json;
using namespace testing::jwt;  // NOLINT: the test is about these

constexpr const char* kClient = "rapport-dashboard";
constexpr const char* kNonce = "n-0S6_WzA2Mj";

const PkeyPtr& Key() {
  static const PkeyPtr key = NewKey(2048);
  return key;
}

json IdClaims() {
  json c = Claims();
  c["aud"] = kClient;
  c["sub"] = "248289761001";
  c["nonce"] = kNonce;
  c["email"] = "Alice@Contoso.example";
  c["email_verified"] = true;
  return c;
}

// "username|email|oid|sub", or the refusal.
std::string Verify(const json& claims, const std::string& nonce = kNonce, int64_t now = kNow) {
  auto tokens = consent::IdTokens::FromJwks(Jwks({Jwk(Key().get(), "k1")}), {kIssuer, kClient});
  EXPECT_TRUE(tokens.ok()) << tokens.status().message();
  auto user = tokens->Verify(Sign(Key().get(), Header(), claims), nonce, now);
  if (!user.ok()) return user.status().message();
  return user->username + "|" + user->email + "|" + user->object_id + "|" + user->subject;
}

TEST(IdTokens, AValidTokenNamesItsUser) {
  EXPECT_EQ(Verify(IdClaims()),
            "alice@contoso.example|alice@contoso.example|00000000-0000-0000-66f3-3332eca7ea81|"
            "248289761001");
}

TEST(IdTokens, TheNonceMustBeThisSignInsOwn) {
  EXPECT_EQ(Verify(IdClaims(), "another"), "wrong nonce");
  EXPECT_EQ(Verify(IdClaims(), ""), "wrong nonce");
  json c = IdClaims();
  c.erase("nonce");
  EXPECT_EQ(Verify(c), "wrong nonce");
  c["nonce"] = 7;
  EXPECT_EQ(Verify(c), "malformed token");
}

TEST(IdTokens, TheAudienceIsOurClientAndAzpNamesItAmongSeveral) {
  json c = IdClaims();
  c["aud"] = "someone-else";
  EXPECT_EQ(Verify(c), "wrong audience");
  c["aud"] = json::array({kClient, "someone-else"});
  EXPECT_EQ(Verify(c), "wrong audience") << "several audiences and no azp";
  c["azp"] = "someone-else";
  EXPECT_EQ(Verify(c), "wrong audience");
  c["azp"] = kClient;
  EXPECT_NE(Verify(c).find("248289761001"), std::string::npos);
}

TEST(IdTokens, IssuerAndDatesAreChecked) {
  json c = IdClaims();
  c["iss"] = std::string(kIssuer) + "/";
  EXPECT_EQ(Verify(c), "wrong issuer");
  EXPECT_EQ(Verify(IdClaims(), kNonce, kNow + 3600 + 60), "token expired");
}

TEST(IdTokens, AnUnverifiedEmailNamesNobodyAndSubIsRequired) {
  json c = IdClaims();
  c["email_verified"] = false;
  c.erase("preferred_username");
  c.erase("upn");
  c.erase("oid");
  EXPECT_EQ(Verify(c), "|||248289761001");
  c.erase("sub");
  EXPECT_EQ(Verify(c), "malformed token");
}

TEST(IdTokens, SettingsMustBeComplete) {
  const std::string jwks = Jwks({Jwk(Key().get(), "k1")});
  EXPECT_FALSE(consent::IdTokens::FromJwks(jwks, {"", kClient}).ok());
  EXPECT_FALSE(consent::IdTokens::FromJwks(jwks, {kIssuer, ""}).ok());
  EXPECT_FALSE(consent::IdTokens::FromJwks("{}", {kIssuer, kClient}).ok());
}

}  // namespace
}  // namespace rapport
