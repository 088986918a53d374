#include "rapport/server/server.h"

#include <fmt/core.h>
#include <httplib.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <chrono>
#include <regex>

#include "consent/keyed_hash.h"
#include "rapport/api/iso_time.h"
#include "server/bearer_auth.h"
#include "server/bounded_task_queue.h"
#include "server/http_errors.h"
#include "server/metrics.h"
#include "server/rate_limiter.h"
#include "server/routes.h"
#include "server/static_files.h"
#include "server/store_pool.h"

namespace rapport::server {

struct Server::Impl {
  ServerOptions options;
  std::string tenant;
  StorePool stores;
  std::unique_ptr<BearerAuth> auth;
  RateLimiter limiter;
  Metrics metrics;
  std::unique_ptr<httplib::Server> http;
  int listen_socket = -1;  // the socket httplib binds, for a deeper backlog (see Bind)

  explicit Impl(ServerOptions o)
      : options(std::move(o)),
        stores(options.db),
        limiter(options.rate_per_second, options.rate_burst) {}

  void Install();
  void Dispatch(const Route& route, const httplib::Request& req, httplib::Response& res);
  // Signs the caller in, checks the rate limit and sets the deadline; then Answer.
  Result<Reply> Run(const Route& route, const httplib::Request& req, httplib::Response& res);
  // The route's access check, then its handler, with a policy point for this request only.
  Result<Reply> Answer(const Route& route, const httplib::Request& req, store::Store& store,
                       const consent::Principal& principal, int64_t now);
  void SendError(httplib::Response& res, int status, const std::string& code,
                 const std::string& message);
  void Finish(const httplib::Request& req, const httplib::Response& res, const std::string& route,
              std::chrono::steady_clock::time_point start);
  std::string RenderMetrics();
};

namespace {

int64_t Now() {
  return static_cast<int64_t>(std::time(nullptr));
}

// 16 random hex digits: how a caller and the server's log name one request.
std::string RequestId() {
  unsigned char bytes[8] = {};
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    static std::atomic<uint64_t> counter{0};
    uint64_t n = ++counter;
    std::memcpy(bytes, &n, sizeof bytes);
  }
  return consent::Hex(bytes, sizeof bytes);
}

// "/v1/consent/{type}/grant" -> "/v1/consent/([^/]+)/grant"
std::string PathPattern(const std::string& path) {
  return std::regex_replace(path, std::regex(R"(\{[a-z_]+\})"), "([^/]+)");
}

bool Allowed(Access access, consent::Role role) {
  switch (access) {
    case Access::kPublic:
    case Access::kUser:
      return true;
    case Access::kMembers:
      return role == consent::Role::kAdmin || role == consent::Role::kMember;
    case Access::kAdmin:
      return role == consent::Role::kAdmin;
  }
  return false;
}

std::string Refusal(Access access) {
  return access == Access::kAdmin ? "only a tenant admin may do this"
                                  : "only the tenant's admins and members may read this";
}

}  // namespace

void Server::Impl::SendError(httplib::Response& res, int status, const std::string& code,
                             const std::string& message) {
  res.status = status;
  res.set_content(ErrorDocument(code, message, res.get_header_value("X-Request-Id")).dump(),
                  "application/json");
}

Result<Reply> Server::Impl::Run(const Route& route, const httplib::Request& req,
                                httplib::Response& res) {
  auto lease = stores.Acquire();
  if (!lease.ok()) return lease.status();
  const int64_t now = Now();
  const std::string header = req.get_header_value("Authorization");
  auto principal = auth->Authenticate(**lease, header, tenant, now);
  if (!principal.ok()) {
    res.set_header("WWW-Authenticate", "Bearer realm=\"rapport\"");
    SendError(res, 401, "unauthorized", principal.status().message());
    return Reply::Sent(401);
  }
  if (!limiter.Allow(BearerToken(header))) {
    res.set_header("Retry-After", std::to_string(limiter.RetryAfterSeconds()));
    SendError(res, 429, "rate_limited",
              "too many requests with this token: wait a moment and try again");
    return Reply::Sent(429);
  }
  (**lease).SetDeadline(std::chrono::steady_clock::now() + options.request_timeout);
  auto reply = Answer(route, req, **lease, *principal, now);
  // Interrupted work may have left a transaction open: the connection is closed, not pooled.
  if (!reply.ok() && reply.status().code() == Status::Code::kDeadlineExceeded) lease->Discard();
  return reply;
}

Result<Reply> Server::Impl::Answer(const Route& route, const httplib::Request& req,
                                   store::Store& store, const consent::Principal& principal,
                                   int64_t now) {
  consent::PolicyDecisionPoint policy(store);
  auto role = policy.RoleOf(principal.address);
  if (!role.ok()) return role.status();
  if (!Allowed(route.access, *role)) return Status::PermissionDenied(Refusal(route.access));
  Call call{principal, *role, &store, &policy, {}, {}, req.body, now};
  for (const auto& [name, value] : req.params) call.query.emplace(name, value);
  for (size_t i = 1; i < req.matches.size(); ++i) {
    call.path_params.push_back(httplib::detail::decode_url(req.matches[i].str(), false));
  }
  auto reply = route.handler(call);
  if (route.insight) {
    bool denied = !reply.ok() && reply.status().code() == Status::Code::kPermissionDenied;
    if (reply.ok() || denied) metrics.Decision(!denied);
  }
  return reply;
}

void Server::Impl::Dispatch(const Route& route, const httplib::Request& req,
                            httplib::Response& res) {
  const auto start = std::chrono::steady_clock::now();
  metrics.InFlight(1);
  res.set_header("X-Request-Id", RequestId());
  res.set_header("Cache-Control", "no-store");  // answers hold personal data
  auto reply = Run(route, req, res);
  if (!reply.ok()) {
    HttpError e = HttpErrorOf(reply.status());
    std::string message = reply.status().message();
    if (e.status == 500) {
      fmt::print(stderr, "rapport serve: request {} failed: {}\n",
                 res.get_header_value("X-Request-Id"), message);
      message = "internal error: the server's log has the details under this request id";
    }
    SendError(res, e.status, e.code, message);
  } else if (reply->status < 300) {
    res.status = reply->status;
    if (reply->content_type.empty()) {
      res.set_content(reply->json.dump(), "application/json");
    } else {
      res.set_content(reply->text, reply->content_type.c_str());
    }
  }
  metrics.InFlight(-1);
  Finish(req, res, route.path, start);
}

void Server::Impl::Finish(const httplib::Request& req, const httplib::Response& res,
                          const std::string& route, std::chrono::steady_clock::time_point start) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics.Request(req.method, route, res.status, seconds);
  if (options.access_log) {
    // The route's template, never its path or query (they name people); a file's own name.
    fmt::print(stderr, "{} {} {} {} {:.1f} ms {}\n", api::IsoTime(Now()), req.method,
               route == "static" ? req.path : route, res.status, seconds * 1000,
               res.get_header_value("X-Request-Id"));
  }
}

std::string Server::Impl::RenderMetrics() {
  std::map<std::string, int64_t> gauges;
  if (auto lease = stores.Acquire(); lease.ok()) {
    if (auto stats = (**lease).Stats(); stats.ok()) {
      gauges = {{"messages", stats->messages},
                {"meetings", stats->meetings},
                {"people_internal", stats->people_internal},
                {"people_external", stats->people_external}};
    }
  }
  return metrics.Render(gauges);
}

void Server::Impl::Install() {
  auto& svr = *http;
  svr.new_task_queue = [this] {
    return new BoundedTaskQueue(options.threads,
                                options.max_queued);  // httplib owns and deletes it
  };
  svr.set_socket_options([this](socket_t sock) {
    int yes = 1;  // what httplib's default options do
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_socket = sock;
  });
  svr.set_payload_max_length(options.max_body_bytes);
  svr.set_read_timeout(options.io_timeout_seconds, 0);
  svr.set_write_timeout(options.io_timeout_seconds, 0);
  // Without TCP_NODELAY a response written in two parts waits ~40 ms for the client's delayed
  // ACK (Nagle): that was most of a request's latency.
  svr.set_tcp_nodelay(true);
  // A worker serves one connection for as long as it stays alive, so long-lived connections
  // let a few clients keep every worker while the rest wait unserved; one request per connection
  // (the default) queues every request in arrival order (docs/server.md, BENCHMARKS.md).
  svr.set_keep_alive_timeout(2);
  svr.set_keep_alive_max_count(options.keep_alive_requests);
  for (const Route& route : ApiRoutes()) {
    auto handler = [this, route](const httplib::Request& req, httplib::Response& res) {
      Dispatch(route, req, res);
    };
    const std::string pattern = PathPattern(route.path);
    if (route.method == "GET") svr.Get(pattern, handler);
    if (route.method == "POST") svr.Post(pattern, handler);
    if (route.method == "DELETE") svr.Delete(pattern, handler);
  }
  auto plain = [this](const std::string& route, auto produce) {
    return [this, route, produce](const httplib::Request& req, httplib::Response& res) {
      const auto start = std::chrono::steady_clock::now();
      res.set_header("X-Request-Id", RequestId());
      res.status = 200;
      produce(req, res);
      Finish(req, res, route, start);
    };
  };
  svr.Get("/healthz", plain("/healthz", [](const httplib::Request&, httplib::Response& res) {
            res.set_content(R"({"status":"ok"})", "application/json");
          }));
  svr.Get("/metrics", plain("/metrics", [this](const httplib::Request&, httplib::Response& res) {
            res.set_content(RenderMetrics(), "text/plain; version=0.0.4; charset=utf-8");
          }));
  svr.Get("/v1/openapi.json",
          plain("/v1/openapi.json", [](const httplib::Request&, httplib::Response& res) {
            auto doc = EmbeddedFile("openapi.json");
            res.set_content(std::string(doc.value_or("{}")), "application/json");
          }));
  svr.Get(".*", plain("static", [this](const httplib::Request& req, httplib::Response& res) {
            auto file = req.path.rfind("/v1/", 0) == 0 ? std::nullopt
                                                       : FindStaticFile(options.web_root, req.path);
            if (!file) {
              SendError(res, 404, "not_found", "no such page or route: see /v1/openapi.json");
              return;
            }
            res.set_header("Content-Security-Policy",
                           "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
            res.set_header("X-Content-Type-Options", "nosniff");
            res.set_header("Referrer-Policy", "no-referrer");
            res.set_content(file->body, file->content_type.c_str());
          }));
  // What httplib answers itself (no route, body too large) is JSON too.
  svr.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (!res.has_header("X-Request-Id")) res.set_header("X-Request-Id", RequestId());
    switch (res.status) {
      case 404:
        return SendError(res, 404, "not_found", "no such route: see /v1/openapi.json");
      case 413:
        return SendError(res, 413, "payload_too_large",
                         "the request body is larger than this server accepts");
      case 400:
        return SendError(res, 400, "bad_request",
                         "the request could not be read: malformed HTTP, or a POST without a "
                         "body (send {} or Content-Length: 0)");
      default:
        return SendError(res, res.status, "http_" + std::to_string(res.status),
                         "the request could not be served");
    }
  });
  svr.set_exception_handler(
      [this](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        SendError(res, 500, "internal", "internal error");
      });
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together: give both or neither");
  }
  if (options.threads == 0 || options.max_queued == 0 || options.keep_alive_requests == 0) {
    return Status::InvalidArgument("--threads, --keep-alive and the queue must be at least 1");
  }
  auto impl = std::make_unique<Impl>(std::move(options));
  {
    auto lease = impl->stores.Acquire();
    if (!lease.ok()) return lease.status();
    auto tenant = (**lease).Tenant();
    if (!tenant.ok()) return tenant.status();
    impl->tenant = tenant->name;
  }
  auto auth = BearerAuth::Create(impl->options.entra);
  if (!auth.ok()) return auth.status();
  impl->auth = std::move(*auth);
  const auto& o = impl->options;
  if (o.tls_cert.empty()) {
    impl->http = std::make_unique<httplib::Server>();
  } else {
    auto tls = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
    if (!tls->is_valid()) {
      return Status::InvalidArgument("cannot use the TLS certificate " + o.tls_cert + " and key " +
                                     o.tls_key + " (PEM files, the key unencrypted)");
    }
    impl->http = std::move(tls);
  }
  impl->Install();
  return std::make_unique<Server>(std::move(impl));
}

Result<int> Server::Bind() {
  const auto& o = impl_->options;
  int port = o.port == 0 ? impl_->http->bind_to_any_port(o.host)
                         : (impl_->http->bind_to_port(o.host, o.port) ? o.port : -1);
  if (port < 0) {
    return Status::IoError("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                           " (in use, or not an address of this machine? try another --listen)");
  }
  // httplib listens with a backlog of 5, fixed when Debian built it: under load, connections
  // beyond it are dropped and retried by the client a second or three later (the load test's
  // tail). Listening again on the same socket only deepens the backlog (Linux).
  if (impl_->listen_socket >= 0) ::listen(impl_->listen_socket, SOMAXCONN);
  return port;
}

Status Server::Serve() {
  if (!impl_->http->listen_after_bind()) {
    return Status::IoError("the server stopped listening unexpectedly");
  }
  return Status::Ok();
}

void Server::Stop() {
  impl_->http->stop();
}

}  // namespace rapport::server
