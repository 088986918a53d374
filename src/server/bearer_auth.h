// BearerAuth: turns an "Authorization: Bearer ..." header into the principal that the policy
// point judges -- a personal access token (rpt_...), or, when the server is configured for it, a
// Microsoft Entra ID JWT. Never a query parameter, never what the caller says about itself.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "rapport/consent/entra_tokens.h"
#include "rapport/consent/policy.h"
#include "rapport/server/server.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::server {

class BearerAuth {
 public:
  BearerAuth() = default;  // personal access tokens only; Create adds Entra ID
  // Loads the JWKS when Entra is configured; InvalidArgument or IoError when it cannot.
  static Result<std::unique_ptr<BearerAuth>> Create(std::optional<EntraOptions> entra);

  // The principal for an Authorization header's value, in `tenant`; PermissionDenied with a
  // short reason otherwise (the token itself is never in it).
  Result<consent::Principal> Authenticate(store::Store& store, std::string_view header,
                                          const std::string& tenant, int64_t now);

 private:
  Status LoadKeys();
  std::shared_ptr<const consent::EntraTokens> Keys();
  bool KeysOlderThan(int64_t seconds, int64_t now);

  std::optional<EntraOptions> entra_;
  std::mutex mutex_;
  std::shared_ptr<const consent::EntraTokens> keys_;
  int64_t loaded_at_ = 0;
};

// The bearer token in an Authorization header's value, or "" when there is none.
std::string_view BearerToken(std::string_view header);

}  // namespace rapport::server
