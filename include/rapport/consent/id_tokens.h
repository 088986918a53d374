// IdTokens: who signed in to the dashboard, from the ID token an OpenID Connect provider returned
// to rapport's sign-in (OpenID Connect Core 1.0 §3.1.3.7), with any issuer: Entra ID, Google
// Workspace, Keycloak, Okta.
//
// Contract: a token is accepted only when it is a compact JWS signed with RS256 by a key of the
// provider's published set (as EntraTokens checks: nothing in the token chooses how it is
// checked), its "iss" is the configured issuer exactly, its "aud" holds rapport's client id (and
// "azp" is that id when "aud" holds several), it is within "exp" (and "nbf"), and its "nonce" is
// the one this sign-in sent. Refusals are PermissionDenied with a short reason ("wrong nonce",
// plus EntraTokens' reasons) that never holds any part of the token.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rapport/status.h"

namespace rapport::consent {

struct IdTokenSettings {
  std::string issuer;     // must equal "iss"
  std::string client_id;  // rapport's client id at the provider
  int64_t leeway_seconds = 60;
};

// What an ID token says about who signed in; each "" when the token does not say.
struct SignedInUser {
  std::string subject;    // "sub": the provider's id for the user
  std::string object_id;  // "oid": Entra ID's immutable user id
  std::string username;   // "preferred_username", else "upn", lower-cased (ASCII)
  std::string email;      // "email", lower-cased (ASCII), only when "email_verified" is not false
};

struct JwkSet;  // src/consent/jwks.h

class IdTokens {
 public:
  // `jwks_json`: the provider's key set (its discovery document's jwks_uri). InvalidArgument with
  // a one-line reason when it is malformed or holds no RSA signing key, or settings lack the
  // issuer or client id.
  static Result<IdTokens> FromJwks(std::string_view jwks_json, IdTokenSettings settings);

  Result<SignedInUser> Verify(std::string_view token, std::string_view nonce, int64_t now) const;

 private:
  IdTokens(std::shared_ptr<const JwkSet> keys, IdTokenSettings settings)
      : keys_(std::move(keys)), settings_(std::move(settings)) {}

  std::shared_ptr<const JwkSet> keys_;
  IdTokenSettings settings_;
};

}  // namespace rapport::consent
