#include "consent/jwks.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include <nlohmann/json.hpp>

#include "consent/base64url.h"

namespace rapport::consent {
namespace {

using nlohmann::json;

constexpr int kMinBits = 2048;  // NIST SP 800-131A: shorter RSA keys are no longer acceptable
constexpr int kMaxBits = 8192;  // more only costs verify time, which an attacker would choose
constexpr int kMaxDepth = 8;    // a JWK Set is two levels deep; anything deeper is not one

using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

// A string member of a JSON object: absent -> "", present but not a string -> std::nullopt.
std::optional<std::string> OptionalString(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) return std::string();
  if (!it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

BnPtr ToBignum(const std::string& bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr),
               BN_free);
}

// An EVP_PKEY from the modulus and exponent (big-endian bytes), or null when OpenSSL refuses.
std::shared_ptr<EVP_PKEY> RsaPublicKey(const std::string& n, const std::string& e) {
  BnPtr bn_n = ToBignum(n), bn_e = ToBignum(e);
  ParamBldPtr bld(OSSL_PARAM_BLD_new(), OSSL_PARAM_BLD_free);
  if (!bn_n || !bn_e || !bld ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
    return nullptr;
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()), OSSL_PARAM_free);
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return std::shared_ptr<EVP_PKEY>(raw, EVP_PKEY_free);
}

// Strips leading zero bytes (some encoders keep a sign byte), so sizes below are honest.
std::string_view Magnitude(const std::string& bytes) {
  std::string_view v = bytes;
  while (!v.empty() && v.front() == '\0') v.remove_prefix(1);
  return v;
}

// Whether the exponent can be used at all (the modulus is judged by its size, below). Odd keys
// are skipped rather than refused, so that one stray key in a provider's set does not stop every
// sign-in.
bool UsableExponent(std::string_view e) {
  if (e.empty() || e.size() > 4) return false;
  const auto last = static_cast<unsigned char>(e.back());
  return (last & 1) == 1 && (e.size() > 1 || last >= 3);
}

Status Malformed(size_t index, const char* what) {
  std::string msg = "JWK Set: key ";
  msg.append(std::to_string(index)).append(": ").append(what);
  msg.append(" (give the set as the provider publishes it)");
  return Status::InvalidArgument(std::move(msg));
}

}  // namespace

Result<JwkSet> ParseJwks(std::string_view text) {
  bool too_deep = false;
  json::parser_callback_t limit = [&too_deep](int depth, json::parse_event_t, json&) {
    if (depth > kMaxDepth) too_deep = true;
    return depth <= kMaxDepth;
  };
  json doc = json::parse(text.begin(), text.end(), limit, /*allow_exceptions=*/false);
  if (doc.is_discarded() || too_deep || !doc.is_object()) {
    return Status::InvalidArgument(
        "JWK Set: not a JSON object (give the provider's discovery/v2.0/keys document)");
  }
  auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) {
    return Status::InvalidArgument(
        "JWK Set: no \"keys\" array (give the provider's discovery/v2.0/keys document)");
  }
  JwkSet set;
  for (size_t i = 0; i < keys->size(); ++i) {
    const json& jwk = (*keys)[i];
    if (!jwk.is_object()) return Malformed(i, "not a JSON object");
    auto kty = OptionalString(jwk, "kty");
    auto use = OptionalString(jwk, "use");
    auto alg = OptionalString(jwk, "alg");
    if (!kty || !use || !alg) return Malformed(i, "kty, use or alg is not a string");
    if (*kty != "RSA" || (!use->empty() && *use != "sig")) continue;
    if (!alg->empty() && *alg != "RS256") continue;
    auto kid = OptionalString(jwk, "kid");
    if (!kid) return Malformed(i, "kid is not a string");
    auto n_text = OptionalString(jwk, "n");
    auto e_text = OptionalString(jwk, "e");
    if (!n_text || !e_text || n_text->empty() || e_text->empty()) {
      return Malformed(i, "an RSA key needs n and e");
    }
    auto n = DecodeBase64Url(*n_text);
    auto e = DecodeBase64Url(*e_text);
    if (!n || !e) return Malformed(i, "n or e is not base64url");
    const std::string_view modulus = Magnitude(*n);
    const bool odd = !modulus.empty() && (static_cast<unsigned char>(modulus.back()) & 1) == 1;
    if (!odd || modulus.size() > kMaxBits / 8 || !UsableExponent(Magnitude(*e))) continue;
    auto key = RsaPublicKey(*n, *e);
    if (!key) {
      ERR_clear_error();
      return Malformed(i, "OpenSSL does not take it as an RSA public key");
    }
    const int bits = EVP_PKEY_get_bits(key.get());
    if (bits < kMinBits || bits > kMaxBits) continue;
    set.keys.push_back(RsaKey{std::move(*kid), std::move(key)});
  }
  if (set.keys.empty()) {
    return Status::InvalidArgument(
        "JWK Set: no RSA signing key of 2048 to 8192 bits (is this the provider's key set?)");
  }
  return set;
}

bool VerifyRs256(EVP_PKEY* key, std::string_view input, std::string_view signature) {
  MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1;
  // A failed check leaves entries in this thread's OpenSSL error queue; they are no news here.
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace rapport::consent
