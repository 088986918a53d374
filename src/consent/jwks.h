// The pieces of JOSE that EntraTokens needs: the RSA signing keys of a JSON Web Key Set (RFC 7517,
// RFC 7518 §6.3.1) and an RS256 signature check (RFC 7518 §3.3). Internal to src/consent.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/status.h"

namespace rapport::consent {

// Keys are shared, never modified after ParseJwks made them: OpenSSL allows concurrent verifies
// with one EVP_PKEY as long as each has its own EVP_MD_CTX.
struct RsaKey {
  std::string kid;  // "" when the key has none
  std::shared_ptr<EVP_PKEY> key;
};

struct JwkSet {
  std::vector<RsaKey> keys;
};

// The RSA signing keys of a JWK Set: "kty":"RSA", "use" absent or "sig", "alg" absent or "RS256",
// a modulus of 2048 to 8192 bits and an odd public exponent from 3 to 2^32-1. Other keys are
// skipped (a published set may hold keys for other uses and algorithms). InvalidArgument when the
// text is no JWK Set, when an RSA signing key is unreadable, or when no usable key remains.
Result<JwkSet> ParseJwks(std::string_view json);

// True when `signature` is an RSASSA-PKCS1-v1_5 SHA-256 signature of `input` by `key`.
bool VerifyRs256(EVP_PKEY* key, std::string_view input, std::string_view signature);

}  // namespace rapport::consent
