// Entra ID bearer tokens: consent::EntraTokens::Verify against a key set made here, with tokens
// signed here (RS256), forged (alg none, HS256 under the public key, another key with the same
// kid) and broken in every part.
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "jwt_signing.h"
#include "rapport/consent/entra_tokens.h"

namespace rapport {
namespace {

using consent::EntraIdentity;
using consent::EntraSettings;
using consent::EntraTokens;
using nlohmann::json;
using namespace testing::jwt;  // NOLINT: the test is about these

EntraSettings Settings() {
  return EntraSettings{kIssuer, kAudience, kTenant, 60};
}

class EntraTokenTest : public ::testing::Test {
 protected:
  // RSA key generation takes a while: two keys for the whole suite.
  struct Keys {
    PkeyPtr key = NewKey(2048);
    PkeyPtr other = NewKey(2048);
  };
  static const Keys& TheKeys() {
    static const Keys keys;
    return keys;
  }
  static EVP_PKEY* key() { return TheKeys().key.get(); }
  static EVP_PKEY* other() { return TheKeys().other.get(); }

  // The verifier of a set with our key as "k1" and the other as "k2".
  EntraTokens Tokens(std::vector<json> keys = {}) {
    if (keys.empty()) keys = {Jwk(key(), "k1"), Jwk(other(), "k2")};
    auto tokens = EntraTokens::FromJwks(Jwks(keys), Settings());
    EXPECT_TRUE(tokens.ok()) << tokens.status().message();
    return std::move(*tokens);
  }

  // "username|oid" when Verify accepts, else its reason, which must name no part of the token.
  std::string Verify(const std::string& token, int64_t now = kNow, std::vector<json> keys = {}) {
    auto identity = Tokens(std::move(keys)).Verify(token, now);
    if (identity.ok()) return identity->username + "|" + identity->object_id;
    EXPECT_EQ(identity.status().code(), Status::Code::kPermissionDenied);
    const std::string& msg = identity.status().message();
    if (!token.empty()) {
      EXPECT_EQ(msg.find(token), std::string::npos);
    }
    size_t start = 0;
    while (start <= token.size()) {
      size_t end = std::min(token.find('.', start), token.size());
      if (end - start >= 4) {
        EXPECT_EQ(msg.find(token.substr(start, end - start)), std::string::npos);
      }
      start = end + 1;
    }
    return msg;
  }
};

constexpr const char* kAlice = "alice@contoso.example|00000000-0000-0000-66f3-3332eca7ea81";

TEST_F(EntraTokenTest, AValidTokenNamesItsUser) {
  EXPECT_EQ(Verify(Sign(key(), Header(), Claims())), kAlice);
  EXPECT_EQ(Verify(Sign(other(), Header("k2"), Claims())), kAlice);
}

TEST_F(EntraTokenTest, UpnWhenThereIsNoPreferredUsernameAndOidAlone) {
  json claims = Claims();
  claims.erase("preferred_username");
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)),
            "alice.upn@contoso.example|00000000-0000-0000-66f3-3332eca7ea81");
  claims.erase("upn");
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "|00000000-0000-0000-66f3-3332eca7ea81");
  claims.erase("oid");
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "token names no user");
  claims["upn"] = "";
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "token names no user");
}

TEST_F(EntraTokenTest, ExpiryAllowsTheLeewayAndNoMore) {
  json claims = Claims();
  claims["exp"] = kNow - 61;
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "token expired");
  claims["exp"] = kNow - 60;
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "token expired");
  claims["exp"] = kNow - 59;
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), kAlice);
  claims["exp"] = static_cast<double>(kNow) + 0.5;  // NumericDate may have a fraction
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), kAlice);
  claims["exp"] = 1e300;
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), kAlice);
  claims["exp"] = -1e300;
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "token expired");
  claims.erase("exp");
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "malformed token");  // exp is required
}

TEST_F(EntraTokenTest, NotBeforeInTheFutureIsNotYetValid) {
  json claims = Claims();
  claims["nbf"] = kNow + 61;
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "token not yet valid");
  claims["nbf"] = kNow + 60;
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), kAlice);
  claims.erase("nbf");
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), kAlice);
}

TEST_F(EntraTokenTest, TheAudienceMustBeOurs) {
  json claims = Claims();
  claims["aud"] = "api://someone-else";
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "wrong audience");
  claims["aud"] = json::array({"api://someone-else", kAudience});
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), kAlice);
  claims["aud"] = json::array({"api://someone-else", 7});
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "wrong audience");
  claims["aud"] = json::array();
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "wrong audience");
  claims.erase("aud");
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "wrong audience");
  claims["aud"] = 42;
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "malformed token");
}

TEST_F(EntraTokenTest, TheIssuerMustMatchExactly) {
  json claims = Claims();
  claims["iss"] = "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/";  // v1.0
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "wrong issuer");
  claims["iss"] = std::string(kIssuer) + "/";
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "wrong issuer");
  claims.erase("iss");
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "wrong issuer");
}

TEST_F(EntraTokenTest, TheTenantMustBeOurs) {
  json claims = Claims();
  claims["tid"] = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "wrong tenant");
  claims.erase("tid");
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "wrong tenant");
  claims["tid"] = "72F988BF-86F1-41AF-91AB-2D7CD011DB47";  // a GUID in upper case is the same
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), kAlice);
}

TEST_F(EntraTokenTest, ASignatureMustBeTheNamedKeysOverTheseBytes) {
  const std::string token = Sign(key(), Header(), Claims());
  const size_t dot1 = token.find('.'), dot2 = token.rfind('.');
  json changed = Claims();
  changed["preferred_username"] = "mallory@contoso.example";
  const std::string tampered = token.substr(0, dot1 + 1) + B64(changed.dump()) + token.substr(dot2);
  EXPECT_EQ(Verify(tampered), "bad signature");
  // Another key that claims our key's kid.
  EXPECT_EQ(Verify(Sign(other(), Header("k1"), Claims())), "bad signature");
  EXPECT_EQ(Verify(token.substr(0, dot2 + 1)), "bad signature");  // RS256 with no signature
  std::string flipped = token;
  flipped[dot2 + 5] = flipped[dot2 + 5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Verify(flipped), "bad signature");
}

TEST_F(EntraTokenTest, AlgNoneIsRefused) {
  const std::string input =
      B64(json{{"alg", "none"}, {"typ", "JWT"}}.dump()) + "." + B64(Claims().dump());
  EXPECT_EQ(Verify(input + "."), "algorithm none not accepted");
  const std::string upper = B64(json{{"alg", "None"}}.dump()) + "." + B64(Claims().dump());
  EXPECT_EQ(Verify(upper + "."), "algorithm not accepted");
}

TEST_F(EntraTokenTest, Hs256UnderThePublicKeyIsRefused) {
  // Key confusion: a verifier that lets the token pick HMAC would use the public key as secret.
  const std::string secret = PublicPem(key());
  const std::string input =
      B64(json{{"alg", "HS256"}, {"kid", "k1"}}.dump()) + "." + B64(Claims().dump());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  ASSERT_NE(HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
                 reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &n),
            nullptr);
  const std::string token = input + "." + B64(std::string(reinterpret_cast<char*>(mac), n));
  EXPECT_EQ(Verify(token), "algorithm HS256 not accepted");
  EXPECT_EQ(Verify(Sign(key(), json{{"alg", "RS512"}, {"kid", "k1"}}, Claims())),
            "algorithm RS512 not accepted");
}

TEST_F(EntraTokenTest, AnAlgorithmNameOfTheSendersOwnIsNotRepeated) {
  const std::string secret_text = "leaked-secret-in-alg";
  EXPECT_EQ(Verify(Sign(key(), json{{"alg", secret_text}, {"kid", "k1"}}, Claims())),
            "algorithm not accepted");
}

TEST_F(EntraTokenTest, TheKeyIsTheOneTheHeaderNames) {
  EXPECT_EQ(Verify(Sign(key(), Header("k9"), Claims())), "unknown signing key");
  json no_kid = {{"alg", "RS256"}};
  EXPECT_EQ(Verify(Sign(key(), no_kid, Claims())), "unknown signing key");  // two keys: which?
  EXPECT_EQ(Verify(Sign(key(), no_kid, Claims()), kNow, {Jwk(key(), "k1")}), kAlice);
  EXPECT_EQ(Verify(Sign(key(), no_kid, Claims()), kNow, {Jwk(key(), "")}), kAlice);
  EXPECT_EQ(Verify(Sign(key(), Header(""), Claims()), kNow, {Jwk(key(), "")}),
            "unknown signing key");
  json bad_kid = {{"alg", "RS256"}, {"kid", 1}};
  EXPECT_EQ(Verify(Sign(key(), bad_kid, Claims())), "malformed token");
}

TEST_F(EntraTokenTest, CriticalHeadersAreRefused) {
  json header = Header();
  header["crit"] = json::array({"exp"});
  EXPECT_EQ(Verify(Sign(key(), header, Claims())), "critical header not understood");
}

TEST_F(EntraTokenTest, MalformedTokensSaySo) {
  const std::string token = Sign(key(), Header(), Claims());
  const size_t dot1 = token.find('.'), dot2 = token.rfind('.');
  EXPECT_EQ(Verify(""), "malformed token");
  EXPECT_EQ(Verify(token.substr(0, dot2)), "malformed token");  // two parts
  EXPECT_EQ(Verify(token + ".AAAA"), "malformed token");        // four parts
  EXPECT_EQ(Verify("Bearer " + token), "malformed token");
  std::string bad = token;
  bad[dot1 + 3] = '+';
  EXPECT_EQ(Verify(bad), "malformed token");
  EXPECT_EQ(Verify(token + "=="), "malformed token");   // padding
  EXPECT_EQ(Verify(token + "AAA"), "malformed token");  // 4k+1 characters: no such length
  // The same signature bytes spelt with a non-zero unused bit (256 bytes leave 4 bits unused).
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string spelling = token;
  const size_t sextet = alphabet.find(spelling.back());
  ASSERT_EQ(sextet % 16, 0u);
  spelling.back() = alphabet[sextet | 1];
  EXPECT_EQ(Verify(spelling), "malformed token");
  EXPECT_EQ(Verify(SignText(key(), "{\"alg\":\"RS256\",", Claims().dump())), "malformed token");
  EXPECT_EQ(Verify(SignText(key(), "[\"RS256\"]", Claims().dump())), "malformed token");
  EXPECT_EQ(Verify(SignText(key(), "{\"kid\":\"k1\"}", Claims().dump())), "malformed token");
  EXPECT_EQ(Verify(SignText(key(), Header().dump(), "[1,2,3]")), "malformed token");
  EXPECT_EQ(Verify(SignText(key(), Header().dump(), "not json")), "malformed token");
  json claims = Claims();
  claims["exp"] = "tomorrow";
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "malformed token");
  claims = Claims();
  claims["nbf"] = json::object();
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "malformed token");
  claims = Claims();
  claims["preferred_username"] = json::array({"a"});
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "malformed token");
  claims = Claims();
  claims["preferred_username"] = "alice\n@contoso.example";
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "malformed token");
  claims = Claims();
  claims["pad"] = std::string(16 * 1024, 'x');
  EXPECT_EQ(Verify(Sign(key(), Header(), claims)), "malformed token");  // too long
  std::string deep(200, '[');
  EXPECT_EQ(
      Verify(SignText(key(), Header().dump(), "{\"a\":" + deep + std::string(200, ']') + "}")),
      "malformed token");
}

TEST_F(EntraTokenTest, AKeySetWithoutAUsableRsaSigningKeyIsRefused) {
  auto reason = [](const std::string& jwks) {
    auto tokens = EntraTokens::FromJwks(jwks, Settings());
    EXPECT_FALSE(tokens.ok());
    if (tokens.ok()) return std::string();
    EXPECT_EQ(tokens.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(tokens.status().message().find('\n'), std::string::npos);
    return tokens.status().message();
  };
  EXPECT_NE(reason("").find("not a JSON object"), std::string::npos);
  EXPECT_NE(reason("[]").find("not a JSON object"), std::string::npos);
  EXPECT_NE(reason("{\"keys\":{}}").find("no \"keys\" array"), std::string::npos);
  EXPECT_NE(reason(Jwks({})).find("no RSA signing key"), std::string::npos);
  json ec = {{"kty", "EC"}, {"crv", "P-256"}, {"x", "AAAA"}, {"y", "AAAA"}, {"kid", "e"}};
  EXPECT_NE(reason(Jwks({ec})).find("no RSA signing key"), std::string::npos);
  json enc = Jwk(key(), "k1");
  enc["use"] = "enc";
  EXPECT_NE(reason(Jwks({enc})).find("no RSA signing key"), std::string::npos);
  json no_n = Jwk(key(), "k1");
  no_n.erase("n");
  EXPECT_NE(reason(Jwks({no_n})).find("needs n and e"), std::string::npos);
  json bad_n = Jwk(key(), "k1");
  bad_n["n"] = "AQAB==";
  EXPECT_NE(reason(Jwks({bad_n})).find("not base64url"), std::string::npos);
  PkeyPtr weak = NewKey(1024);
  EXPECT_NE(reason(Jwks({Jwk(weak.get(), "weak")})).find("no RSA signing key"), std::string::npos);
  EXPECT_TRUE(EntraTokens::FromJwks(Jwks({Jwk(key(), "k1")}), Settings()).ok());
}

TEST_F(EntraTokenTest, AShortKeyInASetIsIgnored) {
  PkeyPtr weak = NewKey(1024);
  std::vector<json> keys = {Jwk(weak.get(), "weak"), Jwk(key(), "k1")};
  EXPECT_EQ(Verify(Sign(weak.get(), Header("weak"), Claims()), kNow, keys), "unknown signing key");
  EXPECT_EQ(Verify(Sign(key(), Header("k1"), Claims()), kNow, keys), kAlice);
}

TEST_F(EntraTokenTest, SettingsMustBeComplete) {
  const std::string jwks = Jwks({Jwk(key(), "k1")});
  EntraSettings settings = Settings();
  settings.tenant_id.clear();
  EXPECT_EQ(EntraTokens::FromJwks(jwks, settings).status().code(), Status::Code::kInvalidArgument);
  settings = Settings();
  settings.leeway_seconds = -1;
  EXPECT_EQ(EntraTokens::FromJwks(jwks, settings).status().code(), Status::Code::kInvalidArgument);
}

TEST_F(EntraTokenTest, CopiesVerifyOnManyThreadsAtOnce) {
  const EntraTokens tokens = Tokens();
  const std::string good = Sign(key(), Header(), Claims());
  const std::string bad = Sign(other(), Header("k1"), Claims());
  std::vector<std::thread> threads;
  std::vector<int> accepted(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([copy = tokens, &good, &bad, &accepted, t] {
      for (int i = 0; i < 50; ++i) {
        accepted[t] += copy.Verify(good, kNow).ok();
        accepted[t] += copy.Verify(bad, kNow).ok();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(accepted, std::vector<int>(4, 50));
}

}  // namespace
}  // namespace rapport
