#include "server/bearer_auth.h"

#include <httplib.h>

#include <fstream>
#include <sstream>

#include "rapport/consent/access_tokens.h"

namespace rapport::server {
namespace {

constexpr std::string_view kAccessTokenPrefix = "rpt_";
constexpr int64_t kKeyRefreshSeconds = 300;  // at most this often when a kid is unknown

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read the JWKS file " + path + " (check --entra-jwks)");
  std::stringstream data;
  data << in.rdbuf();
  return data.str();
}

// GET an https:// URL (the tenant's published keys).
Result<std::string> Fetch(const std::string& url) {
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0) {
    return Status::InvalidArgument("--entra-jwks wants a file or an https:// URL, not " + url);
  }
  const size_t slash = url.find('/', scheme.size());
  const std::string origin = url.substr(0, slash);
  const std::string path = slash == std::string::npos ? "/" : url.substr(slash);
  httplib::Client client(origin);
  client.set_connection_timeout(10);
  client.set_read_timeout(10);
  auto response = client.Get(path.c_str());
  if (!response) {
    return Status::IoError("cannot fetch the JWKS from " + url + ": " +
                           httplib::to_string(response.error()));
  }
  if (response->status != 200) {
    return Status::IoError("fetching the JWKS from " + url + " answered HTTP " +
                           std::to_string(response->status));
  }
  return response->body;
}

}  // namespace

std::string_view BearerToken(std::string_view header) {
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size()) return {};
  for (size_t i = 0; i < kScheme.size(); ++i) {  // the scheme is case-insensitive (RFC 7235)
    if (std::tolower(static_cast<unsigned char>(header[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return {};
    }
  }
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

Result<std::unique_ptr<BearerAuth>> BearerAuth::Create(std::optional<EntraOptions> entra) {
  auto auth = std::make_unique<BearerAuth>();
  auth->entra_ = std::move(entra);
  if (auth->entra_) {
    auto& e = *auth->entra_;
    if (e.issuer.empty()) e.issuer = "https://login.microsoftonline.com/" + e.tenant_id + "/v2.0";
    RAPPORT_RETURN_IF_ERROR(auth->LoadKeys());
  }
  return auth;
}

Status BearerAuth::LoadKeys() {
  const auto& e = *entra_;
  auto text = e.jwks.rfind("https://", 0) == 0 ? Fetch(e.jwks) : ReadFile(e.jwks);
  if (!text.ok()) return text.status();
  auto keys = consent::EntraTokens::FromJwks(*text, {e.issuer, e.audience, e.tenant_id, 60});
  if (!keys.ok()) return Status::InvalidArgument("--entra-jwks: " + keys.status().message());
  std::lock_guard lock(mutex_);
  keys_ = std::make_shared<const consent::EntraTokens>(std::move(*keys));
  loaded_at_ = static_cast<int64_t>(std::time(nullptr));
  return Status::Ok();
}

std::shared_ptr<const consent::EntraTokens> BearerAuth::Keys() {
  std::lock_guard lock(mutex_);
  return keys_;
}

bool BearerAuth::KeysOlderThan(int64_t seconds, int64_t now) {
  std::lock_guard lock(mutex_);
  return now - loaded_at_ > seconds;
}

Result<consent::Principal> BearerAuth::Authenticate(store::Store& store, std::string_view header,
                                                    const std::string& tenant, int64_t now) {
  std::string_view token = BearerToken(header);
  if (token.empty()) {
    return Status::PermissionDenied(
        "no bearer token: send Authorization: Bearer TOKEN (rapport token create makes one)");
  }
  if (token.rfind(kAccessTokenPrefix, 0) == 0 || !entra_) {
    consent::AccessTokens tokens(store);
    return tokens.Authenticate(token, now);
  }
  auto identity = Keys()->Verify(token, now);
  // Entra rolls its signing keys: an unknown kid may be a new key, so look again (not too often).
  if (!identity.ok() && identity.status().message() == "unknown signing key" &&
      entra_->jwks.rfind("https://", 0) == 0 && KeysOlderThan(kKeyRefreshSeconds, now)) {
    if (LoadKeys().ok()) identity = Keys()->Verify(token, now);
  }
  if (!identity.ok()) return identity.status();
  if (identity->username.empty()) {
    return Status::PermissionDenied(
        "token names no user by address (rapport needs preferred_username or upn)");
  }
  return consent::Principal{identity->username, tenant};
}

}  // namespace rapport::server
