// The checks of a signed JSON Web Token that EntraTokens and IdTokens share (RFC 7515, RFC 7519,
// RS256 only). Internal to src/consent. Every refusal is PermissionDenied with a short reason that
// never holds any part of the token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "consent/jwks.h"
#include "rapport/status.h"

namespace rapport::consent::jwt {

Status Denied(std::string reason);
Status Malformed();  // "malformed token"

// The claims of a compact JWS (header.payload.signature, base64url without padding) whose
// signature by one of `keys` verifies: the key is the one the header's kid names, or the set's
// only key when it names none. The algorithm must be RS256; "crit" is refused; keys a token
// brings or points to are ignored. Refusals: "malformed token", "algorithm X not accepted",
// "critical header not understood", "unknown signing key", "bad signature".
Result<nlohmann::json> VerifiedClaims(const JwkSet* keys, std::string_view token);

// A claim that, when present, must be a string. nullopt: wrong type; present false: absent.
struct StringClaim {
  bool present = false;
  std::string value;
};
std::optional<StringClaim> ReadString(const nlohmann::json& object, const char* name);

// "aud" is `audience` or an array holding it; else "wrong audience".
Status CheckAudience(const nlohmann::json& claims, const std::string& audience);
// "exp" (required) and "nbf" (when present) against `now`, with `leeway` seconds of clock skew.
Status CheckDates(const nlohmann::json& claims, int64_t now, int64_t leeway);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool HasControl(std::string_view s);  // control characters have no place in a logged name
std::string AsciiLower(std::string s);

}  // namespace rapport::consent::jwt
