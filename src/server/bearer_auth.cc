#include "server/bearer_auth.h"

#include <ctime>
#include <fstream>
#include <sstream>

#include "rapport/consent/access_tokens.h"

namespace rapport::server {
namespace {

constexpr std::string_view kAccessTokenPrefix = "rpt_";

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read the JWKS file " + path + " (check --entra-jwks)");
  std::stringstream data;
  data << in.rdbuf();
  return data.str();
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

Result<std::unique_ptr<BearerAuth>> BearerAuth::Create(std::optional<EntraOptions> entra,
                                                       JwksFetchLimits fetch_limits) {
  auto auth = std::make_unique<BearerAuth>();
  auth->entra_ = std::move(entra);
  if (!auth->entra_) return auth;
  auto& e = *auth->entra_;
  if (e.issuer.empty()) e.issuer = "https://login.microsoftonline.com/" + e.tenant_id + "/v2.0";
  const consent::EntraSettings settings{e.issuer, e.audience, e.tenant_id, 60};
  KeySetFetch fetch;
  if (e.jwks.rfind("https://", 0) == 0) {
    fetch = [url = e.jwks, limits = std::move(fetch_limits)](std::stop_token stop) {
      return FetchJwks(url, limits, std::move(stop));
    };
  }
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto text = fetch ? fetch({}) : ReadFile(e.jwks);
  if (!text.ok()) return text.status();
  auto keys = consent::EntraTokens::FromJwks(*text, settings);
  if (!keys.ok()) return Status::InvalidArgument("--entra-jwks: " + keys.status().message());
  auth->entra_keys_ =
      std::make_unique<EntraKeyCache>(std::move(*keys), settings, now, std::move(fetch));
  return auth;
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
  auto identity = entra_keys_->Verify(token, now);
  if (!identity.ok()) return identity.status();
  if (identity->username.empty()) {
    return Status::PermissionDenied(
        "token names no user by address (rapport needs preferred_username or upn)");
  }
  return consent::Principal{identity->username, tenant};
}

}  // namespace rapport::server
