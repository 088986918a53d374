#include "rapport/consent/id_tokens.h"

#include "consent/jwks.h"
#include "consent/jwt.h"

namespace rapport::consent {
namespace {

using nlohmann::json;

constexpr int64_t kMaxLeeway = 3600;

Result<SignedInUser> UserOf(const json& claims) {
  auto sub = jwt::ReadString(claims, "sub");
  auto oid = jwt::ReadString(claims, "oid");
  auto preferred = jwt::ReadString(claims, "preferred_username");
  auto upn = jwt::ReadString(claims, "upn");
  auto email = jwt::ReadString(claims, "email");
  if (!sub || !oid || !preferred || !upn || !email) return jwt::Malformed();
  SignedInUser user;
  user.subject = sub->value;
  user.object_id = oid->value;
  user.username = jwt::AsciiLower(!preferred->value.empty() ? preferred->value : upn->value);
  // An address the provider has not verified names nobody (OpenID Connect Core §5.1).
  auto verified = claims.find("email_verified");
  const bool unverified = verified != claims.end() && verified->is_boolean() && !*verified;
  if (!unverified) user.email = jwt::AsciiLower(email->value);
  for (const std::string* s : {&user.subject, &user.object_id, &user.username, &user.email}) {
    if (jwt::HasControl(*s)) return jwt::Malformed();
  }
  if (user.subject.empty()) return jwt::Malformed();  // "sub" is required
  return user;
}

}  // namespace

Result<IdTokens> IdTokens::FromJwks(std::string_view jwks_json, IdTokenSettings settings) {
  if (settings.issuer.empty() || settings.client_id.empty()) {
    return Status::InvalidArgument("OpenID Connect settings need the issuer and the client id");
  }
  if (settings.leeway_seconds < 0 || settings.leeway_seconds > kMaxLeeway) {
    return Status::InvalidArgument("the clock leeway must be 0 to 3600 seconds");
  }
  auto keys = ParseJwks(jwks_json);
  if (!keys.ok()) return keys.status();
  return IdTokens(std::make_shared<const JwkSet>(std::move(*keys)), std::move(settings));
}

Result<SignedInUser> IdTokens::Verify(std::string_view token, std::string_view nonce,
                                      int64_t now) const {
  auto claims = jwt::VerifiedClaims(keys_.get(), token);
  if (!claims.ok()) return claims.status();
  auto iss = jwt::ReadString(*claims, "iss");
  if (!iss) return jwt::Malformed();
  if (iss->value != settings_.issuer) return jwt::Denied("wrong issuer");
  RAPPORT_RETURN_IF_ERROR(jwt::CheckAudience(*claims, settings_.client_id));
  auto aud = claims->find("aud");
  if (aud->is_array() && aud->size() > 1) {  // §3.1.3.7 item 4-5: azp names the client
    auto azp = jwt::ReadString(*claims, "azp");
    if (!azp || azp->value != settings_.client_id) return jwt::Denied("wrong audience");
  }
  RAPPORT_RETURN_IF_ERROR(jwt::CheckDates(*claims, now, settings_.leeway_seconds));
  auto sent = jwt::ReadString(*claims, "nonce");
  if (!sent) return jwt::Malformed();
  if (nonce.empty() || !sent->present || sent->value != nonce) return jwt::Denied("wrong nonce");
  return UserOf(*claims);
}

}  // namespace rapport::consent
