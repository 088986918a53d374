// OidcSignIn: the dashboard's single sign-on, the OpenID Connect authorization code flow with PKCE
// (OpenID Connect Core 1.0 §3.1, RFC 7636) against any issuer that publishes a discovery document.
//
// Contract:
// * Create reads {issuer}/.well-known/openid-configuration (whose "issuer" must be the one
//   configured, exactly) and the provider's key set; a provider that cannot be read stops
//   `rapport serve` with one line, before it listens.
// * Start makes a sign-in: a random state, nonce and PKCE verifier (S256), kept in memory for ten
//   minutes, and the provider URL to send the browser to. The state also goes into a cookie, so
//   that only the browser that started a sign-in can finish it.
// * Finish takes the provider's redirect back: the state must be pending, equal the cookie's, and
//   is used up whatever happens (a replayed redirect fails); the code is redeemed once at the token
//   endpoint with the verifier; the ID token must pass consent::IdTokens (signature, issuer,
//   audience, dates, nonce). When its key is unknown, the key set is read again once (keys roll).
// * The client secret and every token stay out of errors and logs.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "rapport/consent/id_tokens.h"
#include "rapport/server/server.h"
#include "rapport/status.h"
#include "server/https_call.h"

namespace rapport::server {

class OidcSignIn {
 public:
  static Result<std::unique_ptr<OidcSignIn>> Create(OidcOptions options);
  explicit OidcSignIn(OidcOptions options) : options_(std::move(options)) {}  // use Create

  struct Started {
    std::string state;     // for the sign-in cookie
    std::string location;  // the provider's authorization URL
  };
  Started Start(int64_t now);

  // The signed-in user, or PermissionDenied/IoError with a line to show them.
  Result<consent::SignedInUser> Finish(std::string_view state, std::string_view cookie_state,
                                       std::string_view code, int64_t now);

  std::string RedirectUri() const { return options_.public_url + "/auth/callback"; }
  const std::string& issuer() const { return options_.issuer; }

 private:
  struct Pending {
    std::string verifier, nonce;
    int64_t started = 0;
  };
  Status Discover();
  Status LoadKeys();
  Result<std::string> RedeemCode(std::string_view code, const Pending& pending);

  OidcOptions options_;
  HttpsLimits limits_;
  std::string authorization_endpoint_, token_endpoint_, jwks_uri_;
  bool secret_in_body_ = false;  // client_secret_post rather than client_secret_basic
  std::mutex mutex_;             // guards pending_ and keys_
  std::map<std::string, Pending> pending_;
  std::optional<consent::IdTokens> keys_;
};

}  // namespace rapport::server
