// BrowserSessions: the browser's side of single sign-on. /auth/options tells the dashboard whether
// it can sign in; /auth/login and /auth/callback run OidcSignIn and end in a session cookie;
// /auth/logout ends it.
//
// Contract:
// * A session is an access token of kind "session" (rps_...), made for the directory user the ID
//   token names -- by Entra object id (the directory key Graph gives), else its username (UPN),
//   else its verified e-mail -- when that address is a user of the tenant; anyone else gets a page
//   that says so, and no session.
// * The cookie is HttpOnly, SameSite=Lax, Path=/, Secure whenever rapport is reached over HTTPS,
//   and lasts eight hours; the token is never in a URL, a page or a log.
// * Every call with the cookie that is not a GET must carry X-CSRF-Token: the value /v1/session
//   returns to a page of the same origin (CsrfOf), which another site can neither read nor
//   compute.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rapport/status.h"
#include "rapport/store/store.h"
#include "server/http_message.h"
#include "server/oidc_sign_in.h"

namespace rapport::server {

inline constexpr int64_t kSessionSeconds = 8 * 3600;

class BrowserSessions {
 public:
  // `oidc` null: no single sign-on (tokens only); /auth/options says so.
  BrowserSessions(std::unique_ptr<OidcSignIn> oidc, bool secure)
      : oidc_(std::move(oidc)), secure_(secure) {}

  static bool Handles(const HttpRequest& req) { return req.path.rfind("/auth/", 0) == 0; }
  // Answers an /auth/ request; returns its label for metrics and the log.
  std::string Respond(const HttpRequest& req, store::Store& store, int64_t now, HttpResponse& res);

  // The session token the request's cookie carries, or "".
  static std::string SessionOf(const HttpRequest& req);
  // The CSRF token of a session.
  static std::string CsrfOf(std::string_view session);

 private:
  std::string Login(int64_t now, HttpResponse& res);
  std::string Callback(const HttpRequest& req, store::Store& store, int64_t now, HttpResponse& res);
  std::string Logout(const HttpRequest& req, store::Store& store, int64_t now, HttpResponse& res);
  std::string Cookie(std::string_view name, std::string_view value, std::string_view path,
                     int64_t max_age) const;

  std::unique_ptr<OidcSignIn> oidc_;
  bool secure_ = false;
};

}  // namespace rapport::server
