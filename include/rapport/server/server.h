// Server: `rapport serve`, the insights and admin actions over HTTP/JSON, and the dashboard.
//
// Contract: every /v1 route but the OpenAPI document needs a bearer token (a personal access
// token, or an Entra ID JWT when configured); the principal comes from the token and nothing
// else, and every insight goes through the policy decision point like the CLI's. Errors are JSON
// {"code", "message", "request_id"} with the HTTP status that means them. An event-driven front
// (http_front.h) reads requests under total deadlines and size limits without holding a thread;
// a fixed pool of workers answers complete requests, each with its own store connection and
// policy point, so nothing one request learns is visible to another. Stop() lets requests already
// begun finish.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "rapport/status.h"

namespace rapport::server {

struct EntraOptions {
  std::string tenant_id;  // the "tid" the tenant's tokens carry
  std::string audience;   // the app's client id or App ID URI
  std::string issuer;     // default https://login.microsoftonline.com/{tenant_id}/v2.0
  std::string jwks;       // a JWKS file, or an https:// URL to fetch it from
};

// Single sign-on for the dashboard (OpenID Connect, src/server/oidc_sign_in.h).
struct OidcOptions {
  std::string issuer;         // e.g. https://login.microsoftonline.com/{tenant id}/v2.0
  std::string client_id;      // rapport's client id at the provider
  std::string client_secret;  // "" for a public client (PKCE alone)
  // Where browsers reach rapport, without a trailing slash: the redirect URI registered at the
  // provider is this + "/auth/callback".
  std::string public_url;
  std::string ca_file;  // PEM file of CAs trusted for the provider; "" for the system's
};

struct ServerOptions {
  std::string db;    // the store
  std::string keys;  // its key file ("" = <db>.keys)
  // A streaming standby of a PostgreSQL `db`: insight reads go there while it has replayed every
  // erasure (store.h, OpenPostgresStore); "" for none.
  std::string db_read;
  std::string host = "127.0.0.1";
  int port = 8765;                   // 0: any free port (Bind says which)
  std::string tls_cert, tls_key;     // PEM files; both or neither
  size_t threads = 8;                // workers answering requests (reading them takes none)
  size_t max_connections = 1024;     // open at once; past it a new connection gets 503
  size_t keep_alive_requests = 100;  // requests one connection may make before it is closed
  size_t max_body_bytes = 64 * 1024;
  size_t max_header_bytes = 16 * 1024;  // the request line and headers together
  size_t max_header_count = 100;
  // Deadlines for reading a request's head, its body, and writing the response: each a total,
  // however the bytes trickle in.
  std::chrono::milliseconds io_timeout{10'000};
  std::chrono::milliseconds idle_timeout{5'000};  // a kept-alive connection between requests
  // Answering one request, from its sign-in on; past it the store interrupts the request (503).
  std::chrono::milliseconds request_timeout{30'000};
  double rate_per_second = 20;  // per token; 0 turns the limit off
  double rate_burst = 40;
  std::string web_root;  // serve the dashboard from this folder instead of the built-in copy
  std::optional<EntraOptions> entra;
  std::optional<OidcOptions> oidc;
  bool access_log = true;  // one line per request on stderr (never a token, path, query or body)
  // /readyz: a live mailbox source that has not synced for longer (or whose last sync failed)
  // makes the server not ready. Three passes of `rapport sync --watch`'s default interval.
  int64_t sync_within_seconds = 900;
};

class Server {
 public:
  // Checks the options and the store (it must have a tenant); loads Entra's keys.
  static Result<std::unique_ptr<Server>> Create(ServerOptions options);
  ~Server();

  // Binds the listening socket; returns the port.
  Result<int> Bind();
  // Serves until Stop(), then returns once in-flight requests have finished.
  Status Serve();
  // Stops accepting; safe from any thread.
  void Stop();

  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);  // use Create

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rapport::server
