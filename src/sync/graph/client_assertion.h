// The signed JWT a daemon presents instead of a client secret (Microsoft identity platform,
// "certificate credentials"): RS256 over {aud: token endpoint, iss = sub = client id, jti, nbf,
// iat, exp}, with the certificate's SHA-256 thumbprint in the header ("x5t#S256").
#pragma once

#include <cstdint>
#include <string>

#include "rapport/status.h"

namespace rapport::sync {

// Errors name the file and what to do: an unreadable or mismatched key, an expired certificate.
Result<std::string> MakeClientAssertion(const std::string& certificate_file,
                                        const std::string& private_key_file,
                                        const std::string& client_id,
                                        const std::string& token_endpoint, int64_t now);

}  // namespace rapport::sync
