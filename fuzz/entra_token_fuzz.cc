// libFuzzer target: consent::EntraTokens::Verify on arbitrary bytes, against a key set of one RSA
// key made at start-up (kid "k1").
//
// Besides "no crash, no sanitizer report", it checks Verify's promises: a refusal is
// PermissionDenied with one of the documented reasons, which never repeats the input; nothing is
// ever accepted (the fuzzer cannot sign with the key), unless the input is a token signed here.
// The first byte picks the mode: raw bytes, or the rest as claims signed with the key (so that the
// claim checks past the signature are reached too).
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "consent/base64url.h"
#include "rapport/consent/entra_tokens.h"

#include "fuzz_invariants.h"

namespace rapport::consent {
namespace {

using fuzz::Require;

constexpr int64_t kNow = 1'800'000'000;

std::string B64(std::string_view bytes) {
  return consent::EncodeBase64Url(bytes);
}

std::string BigEndian(EVP_PKEY* key, const char* param) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &bn) != 1) std::abort();
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

struct Fixture {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}), EVP_PKEY_free};
  EntraTokens tokens = Make(key.get());

  static EntraTokens Make(EVP_PKEY* key) {
    if (key == nullptr) std::abort();
    const std::string jwks = "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"kid\":\"k1\",\"n\":\"" +
                             B64(BigEndian(key, OSSL_PKEY_PARAM_RSA_N)) + "\",\"e\":\"" +
                             B64(BigEndian(key, OSSL_PKEY_PARAM_RSA_E)) + "\"}]}";
    auto tokens = EntraTokens::FromJwks(
        jwks, EntraSettings{"https://login.microsoftonline.com/t/v2.0", "api://rapport", "t", 60});
    if (!tokens.ok()) std::abort();
    return std::move(*tokens);
  }

  std::string Sign(std::string_view payload) const {
    const std::string input = B64(R"({"alg":"RS256","kid":"k1"})") + "." + B64(payload);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    size_t n = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(input.data());
    if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &n, in, input.size()) != 1) {
      std::abort();
    }
    std::string sig(n, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &n, in,
                       input.size()) != 1) {
      std::abort();
    }
    sig.resize(n);
    return input + "." + B64(sig);
  }
};

const Fixture& TheFixture() {
  static const Fixture fixture;
  return fixture;
}

bool KnownReason(std::string_view msg) {
  static constexpr std::array<std::string_view, 11> kReasons = {
      "malformed token",     "algorithm not accepted", "critical header not understood",
      "unknown signing key", "bad signature",          "token expired",
      "token not yet valid", "wrong issuer",           "wrong audience",
      "wrong tenant",        "token names no user"};
  for (std::string_view r : kReasons) {
    if (msg == r) return true;
  }
  return msg.starts_with("algorithm ") && msg.ends_with(" not accepted") && msg.size() <= 30;
}

void Check(std::string_view token, bool signed_here) {
  auto identity = TheFixture().tokens.Verify(token, kNow);
  if (identity.ok()) {
    Require(signed_here, "only a token signed with the key is accepted", token);
    Require(!identity->username.empty() || !identity->object_id.empty(), "a user is named", token);
    Require(fuzz::IsCleanText(identity->username), "username is clean text", identity->username);
    return;
  }
  const std::string& msg = identity.status().message();
  Require(identity.status().code() == Status::Code::kPermissionDenied, "a refusal is denial", msg);
  Require(KnownReason(msg), "a refusal gives a documented reason", msg);
}

}  // namespace
}  // namespace rapport::consent

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    rapport::consent::Check(rest, false);
  } else {
    rapport::consent::Check(rapport::consent::TheFixture().Sign(rest), true);
  }
  return 0;
}
