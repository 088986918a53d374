// FetchJwks: GET a tenant's published JSON Web Key Set over HTTPS, within a deadline and a size
// limit, so that a slow, silent or endless key endpoint costs a few seconds, never a worker.
#pragma once

#include <chrono>
#include <cstddef>
#include <stop_token>
#include <string>

#include "rapport/status.h"

namespace rapport::server {

struct JwksFetchLimits {
  // The whole fetch: connecting, the TLS handshake, the answer's head and body. A key endpoint
  // that trickles its answer is cut off here, not after each quiet read.
  std::chrono::milliseconds timeout{5000};
  size_t max_bytes = 1 << 20;  // Entra's set is about 10 KiB
  std::string ca_file;         // PEM file of trusted CAs; "" for the system's
};

// The body of a 200 answer to GET `url` (https:// only; the certificate must verify; redirects
// are not followed). IoError with a one-line reason when the endpoint cannot be reached, answers
// anything but 200, sends more than max_bytes, takes longer than the timeout, or `stop` is
// requested; InvalidArgument when `url` is not https://.
Result<std::string> FetchJwks(const std::string& url, const JwksFetchLimits& limits,
                              std::stop_token stop = {});

}  // namespace rapport::server
