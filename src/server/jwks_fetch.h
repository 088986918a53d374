// FetchJwks: GET a tenant's published JSON Web Key Set over HTTPS, within a deadline and a size
// limit (HttpsCall), so that a slow, silent or endless key endpoint costs a few seconds, never a
// worker.
#pragma once

#include <stop_token>
#include <string>

#include "rapport/status.h"
#include "server/https_call.h"

namespace rapport::server {

using JwksFetchLimits = HttpsLimits;  // Entra's set is about 10 KiB; the default limit is 1 MiB

// The body of a 200 answer to GET `url` (https:// only; the certificate must verify; redirects
// are not followed). IoError with a one-line reason when the endpoint cannot be reached, answers
// anything but 200, sends more than max_bytes, takes longer than the timeout, or `stop` is
// requested; InvalidArgument when `url` is not https://.
Result<std::string> FetchJwks(const std::string& url, const JwksFetchLimits& limits,
                              std::stop_token stop = {});

}  // namespace rapport::server
