#include "server/browser_sessions.h"

#include <nlohmann/json.hpp>

#include "consent/keyed_hash.h"
#include "rapport/consent/access_tokens.h"
#include "rapport/consent/policy.h"
#include "server/http_errors.h"

namespace rapport::server {
namespace {

constexpr std::string_view kSessionCookie = "rapport_session";
constexpr std::string_view kSignInCookie = "rapport_sign_in";

std::string CookieValue(const HttpRequest& req, std::string_view name) {
  for (const auto& [header, value] : req.headers) {
    if (header != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
        return std::string(pair.substr(name.size() + 1));
      }
    }
  }
  return {};
}

std::string Escape(std::string_view text) {  // for HTML text
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A small page for a sign-in that did not end in a session: what happened and what to do.
void Page(HttpResponse& res, int status, std::string_view message) {
  res.status = status;
  res.Set("Content-Type", "text/html; charset=utf-8");
  res.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  res.body =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width, initial-scale=1\"><title>rapport: sign-in</title></head>"
      "<body style=\"font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;"
      "padding:0 1rem\"><h1>Sign-in did not work</h1><p id=\"reason\">" +
      Escape(message) +
      "</p><p><a href=\"/auth/login\">Sign in again</a> or <a href=\"/\">go to the "
      "dashboard</a>.</p></body></html>";
}

// The tenant user the ID token names: by Entra object id, then username, then e-mail.
Result<std::string> MatchUser(store::Store& store, const consent::SignedInUser& user) {
  if (!user.object_id.empty()) {
    auto address = store.DirectoryUserAddress(user.object_id);
    if (!address.ok()) return address.status();
    if (*address) return **address;
  }
  consent::PolicyDecisionPoint policy(store);
  for (const std::string* candidate : {&user.username, &user.email}) {
    if (candidate->find('@') == std::string::npos) continue;
    auto role = policy.RoleOf(*candidate);
    if (!role.ok()) return role.status();
    if (*role != consent::Role::kNone) return *candidate;
  }
  const std::string who = !user.username.empty() ? user.username
                          : !user.email.empty()  ? user.email
                                                 : "this account";
  auto tenant = store.Tenant();
  return Status::PermissionDenied(
      who + " signed in, but is not a user of " + (tenant.ok() ? tenant->name : "this tenant") +
      ": an admin imports the directory that lists you, or makes you an admin");
}

}  // namespace

std::string BrowserSessions::SessionOf(const HttpRequest& req) {
  return CookieValue(req, kSessionCookie);
}

std::string BrowserSessions::CsrfOf(std::string_view session) {
  return consent::HmacHex(session, "rapport dashboard csrf").substr(0, 32);
}

std::string BrowserSessions::Cookie(std::string_view name, std::string_view value,
                                    std::string_view path, int64_t max_age) const {
  std::string c(name);
  c.append("=").append(value).append("; Path=").append(path);
  c.append("; Max-Age=").append(std::to_string(max_age)).append("; HttpOnly; SameSite=Lax");
  if (secure_) c.append("; Secure");
  return c;
}

std::string BrowserSessions::Respond(const HttpRequest& req, store::Store& store, int64_t now,
                                     HttpResponse& res) {
  res.Set("Cache-Control", "no-store");
  res.Set("Referrer-Policy", "no-referrer");
  if (req.path == "/auth/options" && req.method == "GET") {
    res.Set("Content-Type", "application/json");
    nlohmann::json doc{{"single_sign_on", oidc_ != nullptr}};
    if (oidc_) doc["sign_in"] = "/auth/login";
    res.body = doc.dump();
    return req.path;
  }
  if (req.path == "/auth/logout" && req.method == "POST") return Logout(req, store, now, res);
  if (!oidc_ && (req.path == "/auth/login" || req.path == "/auth/callback")) {
    Page(res, 404,
         "This server has no single sign-on: start it with --oidc-issuer and "
         "--oidc-client-id, or sign in with a token.");
    return "/auth";
  }
  if (req.path == "/auth/login" && req.method == "GET") return Login(now, res);
  if (req.path == "/auth/callback" && req.method == "GET") return Callback(req, store, now, res);
  Page(res, 404, "There is no such sign-in page.");
  return "/auth";
}

std::string BrowserSessions::Login(int64_t now, HttpResponse& res) {
  auto started = oidc_->Start(now);
  res.status = 302;
  res.Set("Location", started.location);
  res.headers.emplace_back("Set-Cookie", Cookie(kSignInCookie, started.state, "/auth", 600));
  return "/auth/login";
}

std::string BrowserSessions::Callback(const HttpRequest& req, store::Store& store, int64_t now,
                                      HttpResponse& res) {
  std::string state, code, error, iss;
  for (const auto& [name, value] : req.query) {
    if (name == "state" && state.empty()) state = value;
    if (name == "code" && code.empty()) code = value;
    if (name == "error" && error.empty()) error = value;
    if (name == "iss" && iss.empty()) iss = value;
  }
  // The sign-in cookie has done its job, whatever happens now.
  res.headers.emplace_back("Set-Cookie", Cookie(kSignInCookie, "", "/auth", 0));
  if (!error.empty()) {
    Page(res, 403, "The sign-in provider did not sign you in (" + error + ").");
    return "/auth/callback";
  }
  if (!iss.empty() && iss != oidc_->issuer()) {  // RFC 9207: an answer meant for another issuer
    Page(res, 403, "The sign-in answer came from another provider than rapport's; sign in again.");
    return "/auth/callback";
  }
  auto user = oidc_->Finish(state, CookieValue(req, kSignInCookie), code, now);
  auto address = user.ok() ? MatchUser(store, *user) : Result<std::string>(user.status());
  if (!address.ok()) {
    const bool refused = address.status().code() == Status::Code::kPermissionDenied;
    Page(res, refused ? 403 : 502, address.status().message());
    return "/auth/callback";
  }
  auto session =
      consent::AccessTokens(store).Create(*address, now + kSessionSeconds, now, "session");
  if (!session.ok()) {
    Page(res, 403, session.status().message());
    return "/auth/callback";
  }
  res.status = 302;
  res.Set("Location", "/");
  res.headers.emplace_back("Set-Cookie",
                           Cookie(kSessionCookie, session->token, "/", kSessionSeconds));
  return "/auth/callback";
}

std::string BrowserSessions::Logout(const HttpRequest& req, store::Store& store, int64_t now,
                                    HttpResponse& res) {
  const std::string session = SessionOf(req);
  res.Set("Content-Type", "application/json");
  if (!session.empty() && req.Header("x-csrf-token") != CsrfOf(session)) {
    res.status = 403;
    res.body = ErrorDocument("forbidden", "sign-out needs the X-CSRF-Token header",
                             res.Header("X-Request-Id"))
                   .dump();
    return "/auth/logout";
  }
  if (!session.empty()) {
    Status st = consent::AccessTokens(store).RevokeToken(session, now);
    if (!st.ok() && st.code() != Status::Code::kPermissionDenied) {
      res.status = 500;
      res.body = ErrorDocument("internal", "the session could not be ended; try again",
                               res.Header("X-Request-Id"))
                     .dump();
      return "/auth/logout";
    }
  }
  res.headers.emplace_back("Set-Cookie", Cookie(kSessionCookie, "", "/", 0));
  res.body = R"({"signed_out":true})";
  return "/auth/logout";
}

}  // namespace rapport::server
