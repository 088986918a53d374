#include "rapport/consent/entra_tokens.h"

#include <optional>

#include <nlohmann/json.hpp>

#include "consent/jwks.h"
#include "consent/jwt.h"

namespace rapport::consent {
namespace {

using jwt::AsciiLower;
using jwt::CheckAudience;
using jwt::CheckDates;
using jwt::Denied;
using jwt::EqualsIgnoreCase;
using jwt::HasControl;
using jwt::Malformed;
using jwt::ReadString;
using nlohmann::json;

constexpr int64_t kMaxLeeway = 3600;

Result<EntraIdentity> Identity(const json& claims) {
  auto preferred = ReadString(claims, "preferred_username");
  auto upn = ReadString(claims, "upn");
  auto oid = ReadString(claims, "oid");
  if (!preferred || !upn || !oid) return Malformed();
  EntraIdentity out;
  out.username = AsciiLower(!preferred->value.empty() ? preferred->value : upn->value);
  out.object_id = oid->value;
  if (HasControl(out.username) || HasControl(out.object_id)) return Malformed();
  if (out.username.empty() && out.object_id.empty()) return Denied("token names no user");
  return out;
}

}  // namespace

Result<EntraTokens> EntraTokens::FromJwks(std::string_view jwks_json, EntraSettings settings) {
  if (settings.issuer.empty() || settings.audience.empty() || settings.tenant_id.empty()) {
    return Status::InvalidArgument(
        "Entra ID settings need the issuer, the audience (rapport's client id) and the tenant id");
  }
  if (settings.leeway_seconds < 0 || settings.leeway_seconds > kMaxLeeway) {
    return Status::InvalidArgument("Entra ID clock leeway must be 0 to 3600 seconds");
  }
  auto keys = ParseJwks(jwks_json);
  if (!keys.ok()) return keys.status();
  return EntraTokens(std::make_shared<const JwkSet>(std::move(*keys)), std::move(settings));
}

Result<EntraIdentity> EntraTokens::Verify(std::string_view token, int64_t now) const {
  auto claims = jwt::VerifiedClaims(keys_.get(), token);
  if (!claims.ok()) return claims.status();

  // Only now is the payload Entra's word.
  auto iss = ReadString(*claims, "iss");
  if (!iss) return Malformed();
  if (iss->value != settings_.issuer) return Denied("wrong issuer");
  RAPPORT_RETURN_IF_ERROR(CheckAudience(*claims, settings_.audience));
  RAPPORT_RETURN_IF_ERROR(CheckDates(*claims, now, settings_.leeway_seconds));
  auto tid = ReadString(*claims, "tid");
  if (!tid) return Malformed();
  if (!tid->present || !EqualsIgnoreCase(tid->value, settings_.tenant_id)) {
    return Denied("wrong tenant");
  }
  return Identity(*claims);
}

}  // namespace rapport::consent
