// GraphHttp: app-only requests to Microsoft Graph as its documentation says a daemon makes them.
//
// Contract:
// * Tokens come from the client-credentials grant ({authority}/{tenant}/oauth2/v2.0/token, scope
//   {graph-url}/.default) with the client secret or a signed client assertion; a token is reused
//   until five minutes before it expires, and renewed at once after a 401
//   InvalidAuthenticationToken.
// * 429, 503 and 504 wait what Retry-After says (else exponential back-off with jitter) and
//   repeat the request; so does a dropped connection. Each repeat is counted in `retries`.
// * A 410 Gone (or an error whose code is SyncStateNotFound / resyncRequired) is the error
//   kDeltaExpired: the caller starts that delta round again.
// * Other failures are one line that says what to do: a refused secret, an unknown tenant, a
//   missing application permission (named by the caller for each request).
// * Secrets and tokens are never part of an error or a log line.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rapport/status.h"
#include "rapport/sync/graph_source.h"

namespace rapport::sync {

inline constexpr std::string_view kDeltaExpired = "Graph: the delta link has expired";

class GraphHttp {
 public:
  GraphHttp(GraphSource source, const std::atomic<bool>* stop);
  ~GraphHttp();

  // GETs a Graph URL: absolute (a next or delta link) or a path after {graph-url}/v1.0.
  // `permission`: what Graph needs granted for it, named in a 403's error.
  Result<std::string> Get(const std::string& url, std::string_view permission);
  // Gets a token now (rapport connect test).
  Status Authenticate();
  uint64_t retries() const { return retries_; }
  uint64_t requests() const { return requests_; }

 private:
  struct Impl;
  Status RefreshToken();
  std::unique_ptr<Impl> impl_;
  GraphSource source_;
  const std::atomic<bool>* stop_;
  std::string token_;
  std::chrono::steady_clock::time_point token_expires_{};
  uint64_t retries_ = 0, requests_ = 0;
};

}  // namespace rapport::sync
