// BearerAuth: turns an "Authorization: Bearer ..." header into the principal that the policy
// point judges -- a personal access token (rpt_...), or, when the server is configured for it, a
// Microsoft Entra ID JWT. Never a query parameter, never what the caller says about itself.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "rapport/consent/entra_tokens.h"
#include "rapport/consent/policy.h"
#include "rapport/server/server.h"
#include "rapport/status.h"
#include "rapport/store/store.h"
#include "server/entra_key_cache.h"
#include "server/jwks_fetch.h"

namespace rapport::server {

class BearerAuth {
 public:
  BearerAuth() = default;  // personal access tokens only; Create adds Entra ID
  // Loads the JWKS when Entra is configured; InvalidArgument or IoError when it cannot. A set
  // given as an https:// URL is fetched now and then refreshed by an EntraKeyCache, off the
  // request path; one given as a file is read once.
  // `fetch_limits` bound each fetch (tests give a CA file and a short timeout).
  static Result<std::unique_ptr<BearerAuth>> Create(std::optional<EntraOptions> entra,
                                                    JwksFetchLimits fetch_limits = {});

  // The principal for an Authorization header's value, in `tenant`; PermissionDenied with a
  // short reason otherwise (the token itself is never in it). Never waits on a key fetch.
  Result<consent::Principal> Authenticate(store::Store& store, std::string_view header,
                                          const std::string& tenant, int64_t now);

  // The Entra ID keys and their refresh schedule; null without Entra ID (for tests and metrics).
  EntraKeyCache* entra_keys() { return entra_keys_.get(); }

 private:
  std::optional<EntraOptions> entra_;
  std::unique_ptr<EntraKeyCache> entra_keys_;
};

// The bearer token in an Authorization header's value, or "" when there is none.
std::string_view BearerToken(std::string_view header);

}  // namespace rapport::server
