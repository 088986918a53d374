// EntraTokens: how a caller of the HTTP API signed in with Microsoft Entra ID (Azure AD) becomes a
// user, by the OpenID Connect bearer token Entra issued for rapport (SPEC §2).
//
// Contract: a token is accepted only when it is a compact JWS (RFC 7515, RFC 7519) signed with
// RS256 by a key of the tenant's published key set, carries this tenant's issuer, tenant id and
// rapport's audience, and is within its validity period. Nothing in the token chooses how it is
// checked: other algorithms ("none", HS256, ...) are refused, and keys a token brings or points
// to ("jwk", "jku", "x5u", "x5c") are ignored. Keys come only from FromJwks, which does not fetch
// anything; refreshing the set when Entra rolls its keys is the caller's job (a token signed with a
// new key is an "unknown signing key" until then; rapport serve's is src/server/entra_key_cache.h).
//
// Tokens Entra issues for other resources (Microsoft Graph's carry a "nonce" header and cannot be
// verified by anyone but Graph) fail with "bad signature" or "wrong audience".
//
// An EntraTokens never changes after FromJwks: copies share the keys, and Verify may run on many
// threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "rapport/status.h"

namespace rapport::consent {

struct EntraSettings {
  // Must equal the "iss" claim exactly: https://login.microsoftonline.com/{tenant id}/v2.0 for
  // v2.0 tokens, https://sts.windows.net/{tenant id}/ for v1.0 ones.
  std::string issuer;
  // rapport's application (client) id or App ID URI: "aud" is it, or an array that holds it.
  std::string audience;
  // The directory's id (a GUID); must equal the "tid" claim, ignoring ASCII case.
  std::string tenant_id;
  // Clock skew allowed on "exp" and "nbf", 0 to 3600 seconds.
  int64_t leeway_seconds = 60;
};

struct EntraIdentity {
  // "preferred_username", else "upn", lower-cased (ASCII); "" when the token has neither. Entra
  // lets these change, so they are for finding the directory user, not for remembering one.
  std::string username;
  std::string object_id;  // "oid": the user's immutable id in the tenant; "" when absent
};

struct JwkSet;  // src/consent/jwks.h

class EntraTokens {
 public:
  // `jwks_json`: a JSON Web Key Set (RFC 7517) as Entra publishes it at
  // https://login.microsoftonline.com/{tenant id}/discovery/v2.0/keys. Only RSA signing keys are
  // kept ("kty":"RSA" with n and e, "use" absent or "sig", "alg" absent or "RS256", 2048 to 8192
  // bits); others are skipped. InvalidArgument with a one-line reason when the set is malformed,
  // holds no such key, or `settings` lack an issuer, audience or tenant id.
  static Result<EntraTokens> FromJwks(std::string_view jwks_json, EntraSettings settings);

  // The user a bearer token (header.payload.signature, base64url without padding; no "Bearer "
  // prefix) names, at `now` (UTC seconds). The key is the one whose kid the header names, or the
  // set's only key when the header names none. Checks, in order: the form, the algorithm, the key,
  // the signature, then "iss", "aud", "exp" (required), "nbf" (when present), "tid", and that a
  // user is named ("preferred_username", "upn" or "oid"). PermissionDenied otherwise, with one of:
  // "malformed token", "algorithm RS512 not accepted" (the name only when it is a registered JOSE
  // one), "critical header not understood", "unknown signing key", "bad signature",
  // "wrong issuer", "wrong audience", "token expired", "token not yet valid", "wrong tenant",
  // "token names no user". A message never holds any part of the token.
  Result<EntraIdentity> Verify(std::string_view token, int64_t now) const;

 private:
  EntraTokens(std::shared_ptr<const JwkSet> keys, EntraSettings settings)
      : keys_(std::move(keys)), settings_(std::move(settings)) {}

  std::shared_ptr<const JwkSet> keys_;  // shared by copies, never modified
  EntraSettings settings_;
};

}  // namespace rapport::consent
