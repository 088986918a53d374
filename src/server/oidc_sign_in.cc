#include "server/oidc_sign_in.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <nlohmann/json.hpp>

#include "consent/base64url.h"
#include "sync/net_helpers.h"

namespace rapport::server {
namespace {

using nlohmann::json;

constexpr int64_t kPendingSeconds = 600;  // a sign-in not finished in ten minutes is forgotten
constexpr size_t kMaxPending = 10'000;    // and at most this many wait at once

std::string RandomText(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("OpenSSL could not make random bytes");
  }
  return consent::EncodeBase64Url(raw);
}

std::string S256(const std::string& verifier) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(verifier.data()), verifier.size(), digest);
  return consent::EncodeBase64Url(
      std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string Field(const json& doc, const char* name) {
  auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<std::unique_ptr<OidcSignIn>> OidcSignIn::Create(OidcOptions options) {
  if (options.issuer.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("--oidc-issuer must be an https:// URL, not " + options.issuer);
  }
  if (options.client_id.empty()) return Status::InvalidArgument("--oidc-client-id is empty");
  while (!options.public_url.empty() && options.public_url.back() == '/') {
    options.public_url.pop_back();
  }
  auto sign_in = std::make_unique<OidcSignIn>(std::move(options));
  sign_in->limits_.ca_file = sign_in->options_.ca_file;
  RAPPORT_RETURN_IF_ERROR(sign_in->Discover());
  RAPPORT_RETURN_IF_ERROR(sign_in->LoadKeys());
  return sign_in;
}

Status OidcSignIn::Discover() {
  std::string issuer = options_.issuer;
  const std::string url = (issuer.back() == '/' ? issuer.substr(0, issuer.size() - 1) : issuer) +
                          "/.well-known/openid-configuration";
  auto answer = HttpsCall({"GET", url}, "the OpenID provider's discovery document", limits_);
  if (!answer.ok()) return answer.status();
  const std::string where = "the OpenID provider's discovery document " + url;
  if (answer->status != 200) {
    return Status::IoError(where + " answered HTTP " + std::to_string(answer->status) +
                           " (check --oidc-issuer)");
  }
  json doc = json::parse(answer->body, nullptr, false);
  if (!doc.is_object()) return Status::IoError(where + " is not a JSON object");
  if (Field(doc, "issuer") != options_.issuer) {
    return Status::InvalidArgument(where + " names the issuer '" + Field(doc, "issuer") +
                                   "', not --oidc-issuer's (give exactly that)");
  }
  authorization_endpoint_ = Field(doc, "authorization_endpoint");
  token_endpoint_ = Field(doc, "token_endpoint");
  jwks_uri_ = Field(doc, "jwks_uri");
  if (authorization_endpoint_.empty() || token_endpoint_.empty() || jwks_uri_.empty()) {
    return Status::IoError(where + " lacks the authorization, token or jwks_uri endpoint");
  }
  // client_secret_basic is the default (OpenID Connect Discovery §3); _post only when it is all
  // the provider takes.
  auto methods = doc.find("token_endpoint_auth_methods_supported");
  if (methods != doc.end() && methods->is_array()) {
    bool basic = false, post = false;
    for (const auto& m : *methods) {
      basic = basic || m == "client_secret_basic";
      post = post || m == "client_secret_post";
    }
    secret_in_body_ = post && !basic;
  }
  return Status::Ok();
}

Status OidcSignIn::LoadKeys() {
  auto answer = HttpsCall({"GET", jwks_uri_}, "the OpenID provider's key set", limits_);
  if (!answer.ok()) return answer.status();
  if (answer->status != 200) {
    return Status::IoError("the OpenID provider's key set " + jwks_uri_ + " answered HTTP " +
                           std::to_string(answer->status));
  }
  auto keys = consent::IdTokens::FromJwks(answer->body, {options_.issuer, options_.client_id, 60});
  if (!keys.ok()) {
    return Status::IoError("the OpenID provider's key set: " + keys.status().message());
  }
  std::lock_guard lock(mutex_);
  keys_ = std::move(*keys);
  return Status::Ok();
}

OidcSignIn::Started OidcSignIn::Start(int64_t now) {
  Pending pending{RandomText(32), RandomText(16), now};
  std::string state = RandomText(32);
  const std::string location =
      authorization_endpoint_ +
      (authorization_endpoint_.find('?') == std::string::npos ? "?" : "&") +
      "response_type=code&client_id=" + sync::PercentEncode(options_.client_id) +
      "&redirect_uri=" + sync::PercentEncode(RedirectUri()) +
      "&scope=" + sync::PercentEncode("openid profile email") + "&state=" + state +
      "&nonce=" + pending.nonce + "&code_challenge=" + S256(pending.verifier) +
      "&code_challenge_method=S256";
  std::lock_guard lock(mutex_);
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = it->second.started + kPendingSeconds < now ? pending_.erase(it) : std::next(it);
  }
  if (pending_.size() >= kMaxPending) pending_.erase(pending_.begin());
  pending_.emplace(state, std::move(pending));
  return {std::move(state), location};
}

Result<std::string> OidcSignIn::RedeemCode(std::string_view code, const Pending& pending) {
  std::string form = "grant_type=authorization_code&code=" + sync::PercentEncode(code) +
                     "&redirect_uri=" + sync::PercentEncode(RedirectUri()) +
                     "&code_verifier=" + pending.verifier;
  HttpsRequest request{"POST", token_endpoint_, {}, "", "application/x-www-form-urlencoded"};
  if (options_.client_secret.empty() || secret_in_body_) {
    form += "&client_id=" + sync::PercentEncode(options_.client_id);
    if (!options_.client_secret.empty())
      form += "&client_secret=" + sync::PercentEncode(options_.client_secret);
  } else {  // RFC 6749 §2.3.1: both form-encoded, then Basic
    const std::string pair =
        sync::PercentEncode(options_.client_id) + ":" + sync::PercentEncode(options_.client_secret);
    std::string basic(4 * ((pair.size() + 2) / 3) + 1, '\0');  // and the NUL it writes
    basic.resize(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(basic.data()),
                                 reinterpret_cast<const unsigned char*>(pair.data()),
                                 static_cast<int>(pair.size())));
    request.headers.emplace_back("Authorization", "Basic " + basic);
  }
  request.body = std::move(form);
  auto answer = HttpsCall(request, "the OpenID provider's token endpoint", limits_);
  if (!answer.ok()) return answer.status();
  json doc = json::parse(answer->body, nullptr, false);
  if (answer->status != 200) {
    // RFC 6749 §5.2: "error" is a registered code; never echo the description (it may quote us)
    const std::string error = doc.is_object() ? Field(doc, "error") : "";
    return Status::PermissionDenied(
        "the OpenID provider refused the sign-in code (" +
        (error.empty() ? "HTTP " + std::to_string(answer->status) : error) + "); sign in again");
  }
  const std::string id_token = doc.is_object() ? Field(doc, "id_token") : "";
  if (id_token.empty()) {
    return Status::IoError("the OpenID provider's token endpoint returned no ID token");
  }
  return id_token;
}

Result<consent::SignedInUser> OidcSignIn::Finish(std::string_view state,
                                                 std::string_view cookie_state,
                                                 std::string_view code, int64_t now) {
  Pending pending;
  {
    std::lock_guard lock(mutex_);
    auto it = pending_.find(std::string(state));
    if (it == pending_.end() || it->second.started + kPendingSeconds < now) {
      return Status::PermissionDenied("this sign-in is unknown, used or expired; sign in again");
    }
    pending = std::move(it->second);
    pending_.erase(it);  // one use, whatever happens next
  }
  if (state.empty() || cookie_state != state) {
    return Status::PermissionDenied("this sign-in was started in another browser; sign in again");
  }
  if (code.empty()) return Status::PermissionDenied("the provider sent no sign-in code");
  auto id_token = RedeemCode(code, pending);
  if (!id_token.ok()) return id_token.status();
  std::optional<consent::IdTokens> keys;
  {
    std::lock_guard lock(mutex_);
    keys = keys_;
  }
  auto user = keys->Verify(*id_token, pending.nonce, now);
  if (!user.ok() && user.status().message() == "unknown signing key") {
    RAPPORT_RETURN_IF_ERROR(LoadKeys());  // the provider rolled its keys
    std::lock_guard lock(mutex_);
    keys = keys_;
    user = keys->Verify(*id_token, pending.nonce, now);
  }
  if (!user.ok()) {
    return Status::PermissionDenied("the OpenID provider's ID token was refused: " +
                                    user.status().message());
  }
  return user;
}

}  // namespace rapport::server
