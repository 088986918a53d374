// Signing JSON Web Tokens in tests: RSA keys made here, their JWKS, and RS256 tokens with the
// claims Microsoft Entra ID puts in an access token (for the verifier's test and the server's).
#pragma once

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "consent/base64url.h"

namespace rapport::testing::jwt {

using nlohmann::json;

using PkeyPtr = std::shared_ptr<EVP_PKEY>;

constexpr int64_t kNow = 1'800'000'000;  // 2027-01-15
constexpr const char* kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr const char* kIssuer =
    "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0";
constexpr const char* kAudience = "api://rapport";

inline std::string B64(std::string_view bytes) {
  return consent::EncodeBase64Url(bytes);
}

inline PkeyPtr NewKey(size_t bits) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits);
  EXPECT_NE(key, nullptr);
  return PkeyPtr(key, EVP_PKEY_free);
}

inline std::string BigEndian(EVP_PKEY* key, const char* param) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, param, &bn), 1);
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

inline json Jwk(EVP_PKEY* key, const std::string& kid) {
  json jwk = {{"kty", "RSA"},
              {"use", "sig"},
              {"n", B64(BigEndian(key, OSSL_PKEY_PARAM_RSA_N))},
              {"e", B64(BigEndian(key, OSSL_PKEY_PARAM_RSA_E))}};
  if (!kid.empty()) jwk["kid"] = kid;
  return jwk;
}

inline std::string Jwks(std::vector<json> keys) {
  return json{{"keys", keys}}.dump();
}

inline std::string PublicPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  EXPECT_EQ(PEM_write_bio_PUBKEY(bio.get(), key), 1);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

inline std::string Rs256(EVP_PKEY* key, std::string_view input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t n = 0;
  EXPECT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key), 1);
  EXPECT_EQ(EVP_DigestSign(ctx.get(), nullptr, &n,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()),
            1);
  std::string sig(n, '\0');
  EXPECT_EQ(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &n,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()),
            1);
  sig.resize(n);
  return sig;
}

// A token of the given header and payload text, signed RS256 by `key`.
inline std::string SignText(EVP_PKEY* key, const std::string& header, const std::string& payload) {
  const std::string input = B64(header) + "." + B64(payload);
  return input + "." + B64(Rs256(key, input));
}

inline std::string Sign(EVP_PKEY* key, const json& header, const json& payload) {
  return SignText(key, header.dump(), payload.dump());
}

inline json Header(const std::string& kid = "k1") {
  return {{"typ", "JWT"}, {"alg", "RS256"}, {"kid", kid}};
}

inline json Claims() {
  return {{"iss", kIssuer},
          {"aud", kAudience},
          {"tid", kTenant},
          {"iat", kNow - 60},
          {"nbf", kNow - 60},
          {"exp", kNow + 3600},
          {"ver", "2.0"},
          {"preferred_username", "Alice@Contoso.example"},
          {"upn", "alice.upn@contoso.example"},
          {"oid", "00000000-0000-0000-66f3-3332eca7ea81"}};
}

}  // namespace rapport::testing::jwt
