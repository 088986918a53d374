// HttpsCall: one HTTPS request from the server to another (a key set, an OpenID provider's
// discovery document or token endpoint), within a deadline and a size limit, so that a slow,
// silent or endless endpoint costs a few seconds, never a worker.
#pragma once

#include <chrono>
#include <cstddef>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "rapport/status.h"

namespace rapport::server {

struct HttpsLimits {
  // The whole call: connecting, the TLS handshake, the answer's head and body. An endpoint that
  // trickles its answer is cut off here, not after each quiet read.
  std::chrono::milliseconds timeout{5000};
  size_t max_bytes = 1 << 20;
  std::string ca_file;  // PEM file of trusted CAs; "" for the system's
};

struct HttpsRequest {
  std::string method = "GET";  // GET or POST
  std::string url;             // https:// only
  std::vector<std::pair<std::string, std::string>> headers = {};
  std::string body = {};          // POST
  std::string content_type = {};  // POST
};

struct HttpsAnswer {
  int status = 0;
  std::string body;
};

// The answer, whatever its status (redirects are not followed; the certificate must verify).
// IoError with a one-line reason that names `what` (e.g. "the JWKS endpoint") when the endpoint
// cannot be reached, sends more than max_bytes, takes longer than the timeout, or `stop` is
// requested; InvalidArgument when the URL is not https://.
Result<HttpsAnswer> HttpsCall(const HttpsRequest& request, const std::string& what,
                              const HttpsLimits& limits, std::stop_token stop = {});

}  // namespace rapport::server
