#include "rapport/server/server.h"

#include <fmt/core.h>
#include <sys/random.h>

#include <atomic>
#include <chrono>
#include <cstring>

#include "consent/keyed_hash.h"
#include "rapport/api/iso_time.h"
#include "rapport/consent/access_tokens.h"
#include "rapport/store/standby_counts.h"
#include "server/bearer_auth.h"
#include "server/browser_sessions.h"
#include "server/http_errors.h"
#include "server/http_front.h"
#include "server/metrics.h"
#include "server/rate_limiter.h"
#include "server/readiness.h"
#include "server/route_match.h"
#include "server/routes.h"
#include "server/static_files.h"
#include "server/store_pool.h"

namespace rapport::server {

using Clock = std::chrono::steady_clock;

struct Server::Impl {
  ServerOptions options;
  std::string tenant;
  StorePool stores;
  consent::AuditWriter audit;  // groups the audit entries of concurrent insight requests
  std::unique_ptr<BearerAuth> auth;
  std::unique_ptr<BrowserSessions> sessions;
  RateLimiter limiter;
  Metrics metrics;
  std::vector<Route> routes = ApiRoutes();
  std::unique_ptr<HttpFront> front;

  explicit Impl(ServerOptions o)
      : options(std::move(o)),
        stores(options.db, options.keys, options.db_read),
        limiter(options.rate_per_second, options.rate_burst) {}

  // A worker's answer to one request; never throws.
  HttpResponse Handle(HttpRequest& req);
  // /healthz, answered on the network thread so that it never queues behind the workers.
  std::optional<HttpResponse> Fast(HttpRequest& req);
  // What the front answers for a request it would not read.
  HttpResponse Refuse(const Refusal& refusal);

  // Finds what answers the request and fills `res`; returns the label for metrics and the log.
  std::string Respond(HttpRequest& req, HttpResponse& res);
  void Dispatch(const server::Route& route, const HttpRequest& req, Call call, HttpResponse& res);
  // The caller: by bearer token, else by the dashboard's session cookie (then a call that is not a
  // GET must carry the session's CSRF token). `csrf` is set for a session.
  Result<consent::Principal> SignIn(store::Store& store, const HttpRequest& req, int64_t now,
                                    std::string& csrf);
  // Signs the caller in, checks the rate limit and sets the deadline; then Answer.
  Result<Reply> Run(const server::Route& route, const HttpRequest& req, Call& call,
                    HttpResponse& res);
  // The route's access check, then its handler, with a policy point for this request only.
  Result<Reply> Answer(const server::Route& route, store::Store& store, Call& call);
  void Finish(const std::string& method, const std::string& label, HttpResponse& res,
              Clock::time_point start);
  std::string RenderMetrics();
  std::string StandbyMetrics() const;
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

// JSON text that cannot throw: bytes that are not UTF-8 (in stored names, say) become U+FFFD.
std::string Dump(const api::Document& doc) {
  return doc.dump(-1, ' ', false, api::Document::error_handler_t::replace);
}

void SetError(HttpResponse& res, int status, const std::string& code, const std::string& message) {
  res.status = status;
  res.Set("Content-Type", "application/json");
  res.body = Dump(ErrorDocument(code, message, res.Header("X-Request-Id")));
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

std::string RoleRefusal(Access access) {
  return access == Access::kAdmin ? "only a tenant admin may do this"
                                  : "only the tenant's admins and members may read this";
}

// What the exception being handled says (inside a catch block).
std::string ExceptionText() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception that is not a std::exception";
  }
}

// A metric label for the method: the client chooses it, so anything unusual is one label, not
// one series per invented method.
std::string MethodLabel(const std::string& method) {
  for (const char* known : {"GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "-"}) {
    if (method == known) return method;
  }
  return "other";
}

// Keeps the in-flight gauge true however a request ends.
class InFlight {
 public:
  explicit InFlight(Metrics& metrics) : metrics_(metrics) { metrics_.InFlight(1); }
  ~InFlight() { metrics_.InFlight(-1); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  Metrics& metrics_;
};

}  // namespace

HttpResponse Server::Impl::Handle(HttpRequest& req) {
  const auto start = Clock::now();
  HttpResponse res;
  res.Set("X-Request-Id", RequestId());
  std::string label = "error";
  {
    InFlight in_flight(metrics);
    try {
      label = Respond(req, res);
    } catch (...) {
      fmt::print(stderr, "rapport serve: request {} failed: {}\n", res.Header("X-Request-Id"),
                 EscapeForLog(ExceptionText()));
      res.headers.resize(1);  // the request id only
      SetError(res, 500, "internal",
               "internal error: the server's log has the details under this request id");
    }
  }
  Finish(req.method, label, res, start);
  return res;
}

std::optional<HttpResponse> Server::Impl::Fast(HttpRequest& req) {
  if (req.method != "GET" || req.path != "/healthz") return std::nullopt;
  const auto start = Clock::now();
  HttpResponse res;
  res.Set("X-Request-Id", RequestId());
  res.Set("Content-Type", "application/json");
  res.body = R"({"status":"ok"})";
  Finish(req.method, "/healthz", res, start);
  return res;
}

HttpResponse Server::Impl::Refuse(const server::Refusal& refusal) {
  const auto start = Clock::now();
  HttpResponse res;
  res.Set("X-Request-Id", RequestId());
  SetError(res, refusal.status, refusal.code, refusal.message);
  Finish("-", "refused", res, start);
  return res;
}

std::string Server::Impl::Respond(HttpRequest& req, HttpResponse& res) {
  if (BrowserSessions::Handles(req)) {
    auto lease = stores.Acquire();
    if (!lease.ok()) throw std::runtime_error(lease.status().message());
    return sessions->Respond(req, **lease, Now(), res);
  }
  bool path_known = false;
  for (const auto& route : routes) {
    auto params = MatchPath(route.path, req.path);
    if (!params) continue;
    path_known = true;
    if (route.method != req.method) continue;
    Call call;
    for (auto& [name, value] : req.query) call.query.emplace(name, value);  // the first wins
    for (const auto& [name, encoded] : *params) {
      auto value = DecodeText(encoded, "path parameter '" + name + "'");
      if (!value.ok()) {
        SetError(res, 400, "bad_request", value.status().message());
        return route.path;
      }
      call.path_params.push_back(std::move(*value));
    }
    call.body = std::move(req.body);
    Dispatch(route, req, std::move(call), res);
    return route.path;
  }
  if (path_known) {
    SetError(res, 405, "method_not_allowed", "this route does not take " + req.method);
    return "method_not_allowed";
  }
  if (req.method == "GET" && req.path == "/readyz") {
    auto lease = stores.Acquire();
    Readiness ready;
    if (lease.ok()) {
      ready = CheckReadiness(**lease, Now(), options.sync_within_seconds);
    } else {
      ready.document = {{"status", "not ready"},
                        {"reasons", {"the store does not answer: " + lease.status().message()}}};
    }
    res.status = ready.ready ? 200 : 503;
    res.Set("Content-Type", "application/json");
    res.body = Dump(ready.document);
    return req.path;
  }
  if (req.method == "GET" && req.path == "/metrics") {
    res.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    res.body = RenderMetrics();
    return req.path;
  }
  if (req.method == "GET" && req.path == "/v1/openapi.json") {
    res.Set("Content-Type", "application/json");
    res.body = std::string(EmbeddedFile("openapi.json").value_or("{}"));
    return req.path;
  }
  auto file = req.method != "GET" || req.path.rfind("/v1/", 0) == 0
                  ? std::nullopt
                  : FindStaticFile(options.web_root, req.path);
  if (!file) {
    SetError(res, 404, "not_found", "no such page or route: see /v1/openapi.json");
    return "not_found";  // never the path: it may hold an address or a terminal escape
  }
  res.Set("Content-Type", file->content_type);
  res.Set("Content-Security-Policy",
          "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
  res.Set("Referrer-Policy", "no-referrer");
  res.body = std::move(file->body);
  return "static";
}

void Server::Impl::Dispatch(const server::Route& route, const HttpRequest& req, Call call,
                            HttpResponse& res) {
  res.Set("Cache-Control", "no-store");  // answers hold personal data
  auto reply = Run(route, req, call, res);
  if (!reply.ok()) {
    HttpError e = HttpErrorOf(reply.status());
    std::string message = reply.status().message();
    if (e.status == 500) {
      fmt::print(stderr, "rapport serve: request {} failed: {}\n", res.Header("X-Request-Id"),
                 EscapeForLog(message));
      message = "internal error: the server's log has the details under this request id";
    }
    SetError(res, e.status, e.code, message);
  } else if (reply->status < 300) {
    res.status = reply->status;
    if (reply->content_type.empty()) {
      res.Set("Content-Type", "application/json");
      res.body = Dump(reply->json);
    } else {
      res.Set("Content-Type", reply->content_type);
      res.body = std::move(reply->text);
    }
  }
}

Result<Reply> Server::Impl::Run(const server::Route& route, const HttpRequest& req, Call& call,
                                HttpResponse& res) {
  auto lease = stores.Acquire();
  if (!lease.ok()) return lease.status();
  const int64_t now = Now();
  auto principal = SignIn(**lease, req, now, call.csrf);
  if (!principal.ok()) {
    if (principal.status().code() == Status::Code::kFailedPrecondition) {  // CSRF
      SetError(res, 403, "forbidden", principal.status().message());
      return Reply::Sent(403);
    }
    res.Set("WWW-Authenticate", "Bearer realm=\"rapport\"");
    SetError(res, 401, "unauthorized", principal.status().message());
    return Reply::Sent(401);
  }
  const std::string header = req.Header("authorization");
  if (!limiter.Allow(header.empty() ? BrowserSessions::SessionOf(req) : BearerToken(header))) {
    res.Set("Retry-After", std::to_string(limiter.RetryAfterSeconds()));
    SetError(res, 429, "rate_limited",
             "too many requests with this token: wait a moment and try again");
    return Reply::Sent(429);
  }
  (**lease).SetDeadline(Clock::now() + options.request_timeout);
  call.principal = std::move(*principal);
  call.now = now;
  auto reply = Answer(route, **lease, call);
  // Interrupted work may have left a transaction open: the connection is closed, not pooled.
  if (!reply.ok() && reply.status().code() == Status::Code::kDeadlineExceeded) lease->Discard();
  return reply;
}

Result<consent::Principal> Server::Impl::SignIn(store::Store& store, const HttpRequest& req,
                                                int64_t now, std::string& csrf) {
  const std::string header = req.Header("authorization");
  const std::string session = header.empty() ? BrowserSessions::SessionOf(req) : "";
  if (session.empty()) return auth->Authenticate(store, header, tenant, now);
  auto principal = consent::AccessTokens(store).Authenticate(session, now, "session");
  if (!principal.ok()) {
    return Status::PermissionDenied("your dashboard session has ended (" +
                                    principal.status().message() + "): sign in again");
  }
  csrf = BrowserSessions::CsrfOf(session);
  if (req.method != "GET" && req.Header("x-csrf-token") != csrf) {
    return Status::FailedPrecondition(
        "a change made with the dashboard's session needs its X-CSRF-Token header (from "
        "/v1/session)");
  }
  return principal;
}

Result<Reply> Server::Impl::Answer(const server::Route& route, store::Store& store, Call& call) {
  // An admin action (POST or DELETE that is not an insight) is one transaction: if any step
  // fails, nothing it did is kept. Insights are not: their audit entry must stay even when the
  // answer then fails, and a release already charges its budget in one transaction of its own.
  // Only they share the server's audit writer: an entry grouped with other requests' must not
  // ride on (or wait behind) an admin action's open transaction.
  const bool atomic = route.method != "GET" && !route.insight;
  consent::PolicyDecisionPoint policy(store, atomic ? nullptr : &audit);
  auto role = policy.RoleOf(call.principal.address);
  if (!role.ok()) return role.status();
  if (!Allowed(route.access, *role)) return Status::PermissionDenied(RoleRefusal(route.access));
  call.role = *role;
  call.store = &store;
  call.policy = &policy;
  if (atomic) {
    std::optional<Result<Reply>> reply;
    RAPPORT_RETURN_IF_ERROR(store.Atomically([&]() -> Status {
      reply.emplace(route.handler(call));
      return reply->ok() ? Status::Ok() : reply->status();
    }));
    return std::move(*reply);
  }
  auto reply = route.handler(call);
  if (route.insight) {
    bool denied = !reply.ok() && reply.status().code() == Status::Code::kPermissionDenied;
    if (reply.ok() || denied) metrics.Decision(!denied);
  }
  return reply;
}

void Server::Impl::Finish(const std::string& method, const std::string& label, HttpResponse& res,
                          Clock::time_point start) {
  res.Set("X-Content-Type-Options", "nosniff");
  if (!options.tls_cert.empty()) res.Set("Strict-Transport-Security", "max-age=31536000");
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  metrics.Request(MethodLabel(method), label, res.status, seconds);
  if (options.access_log) {
    // The route's template, never its path or query (they name people), and no byte that could
    // steer a terminal.
    fmt::print(stderr, "{} {} {} {} {:.1f} ms {}\n", api::IsoTime(Now()), EscapeForLog(method),
               EscapeForLog(label), res.status, seconds * 1000, res.Header("X-Request-Id"));
  }
}

// With --db-read: where insight reads went, so that a standby that is passed by shows.
std::string Server::Impl::StandbyMetrics() const {
  if (options.db_read.empty()) return "";
  const store::StandbyReadCounts n = store::StandbyReadTotals();
  return fmt::format(
      "# HELP rapport_standby_reads_total Insight reads by where they ran: the standby, or the "
      "primary because the standby had not replayed the latest erasure or could not be "
      "reached.\n# TYPE rapport_standby_reads_total counter\n"
      "rapport_standby_reads_total{{read=\"standby\"}} {}\n"
      "rapport_standby_reads_total{{read=\"primary_standby_behind\"}} {}\n"
      "rapport_standby_reads_total{{read=\"primary_standby_unreachable\"}} {}\n",
      n.on_standby, n.behind, n.unreachable);
}

std::string Server::Impl::RenderMetrics() {
  std::map<std::string, int64_t> gauges;
  std::string sync;
  if (auto lease = stores.Acquire(); lease.ok()) {
    if (auto stats = (**lease).Stats(); stats.ok()) {
      gauges = {{"messages", stats->messages},
                {"meetings", stats->meetings},
                {"people_internal", stats->people_internal},
                {"people_external", stats->people_external}};
    }
    sync = SyncMetrics(**lease, Now());
  }
  return metrics.Render(gauges, front->OpenConnections()) + sync + StandbyMetrics();
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together: give both or neither");
  }
  if (options.threads == 0 || options.keep_alive_requests == 0 || options.max_connections == 0) {
    return Status::InvalidArgument("--threads, --keep-alive and --max-connections must be >= 1");
  }
  auto impl = std::make_unique<Impl>(std::move(options));
  {
    auto lease = impl->stores.Acquire();  // checks that --db and --db-read go together
    if (!lease.ok()) return lease.status();
    auto tenant = (**lease).Tenant();
    if (!tenant.ok()) return tenant.status();
    impl->tenant = tenant->name;
  }
  // Opening passes by a standby that is down; starting refuses one that is not usable.
  if (const auto& read = impl->options.db_read; !read.empty()) {
    RAPPORT_RETURN_IF_ERROR(store::CheckPostgresStandby(impl->options.db, read));
  }
  auto auth = BearerAuth::Create(impl->options.entra);
  if (!auth.ok()) return auth.status();
  impl->auth = std::move(*auth);
  std::unique_ptr<OidcSignIn> oidc;
  if (impl->options.oidc) {
    auto& o = *impl->options.oidc;
    if (o.public_url.empty()) {
      o.public_url = (impl->options.tls_cert.empty() ? "http://" : "https://") +
                     impl->options.host + ":" + std::to_string(impl->options.port);
    }
    auto created = OidcSignIn::Create(o);
    if (!created.ok()) return created.status();
    oidc = std::move(*created);
  }
  const bool secure =
      !impl->options.tls_cert.empty() ||
      (impl->options.oidc && impl->options.oidc->public_url.rfind("https://", 0) == 0);
  impl->sessions = std::make_unique<BrowserSessions>(std::move(oidc), secure);
  const auto& o = impl->options;
  FrontOptions front{o.host, o.port, o.tls_cert, o.tls_key, o.threads, {}};
  front.limits.max_connections = o.max_connections;
  front.limits.header_bytes = o.max_header_bytes;
  front.limits.header_count = o.max_header_count;
  front.limits.body_bytes = o.max_body_bytes;
  front.limits.handshake_timeout = front.limits.head_timeout = o.io_timeout;
  front.limits.body_timeout = front.limits.write_timeout = o.io_timeout;
  front.limits.idle_timeout = o.idle_timeout;
  front.limits.keep_alive_requests = o.keep_alive_requests;
  Impl* self = impl.get();
  FrontHooks hooks{[self](HttpRequest& req) { return self->Handle(req); },
                   [self](HttpRequest& req) { return self->Fast(req); },
                   [self](const server::Refusal& r) { return self->Refuse(r); }};
  auto created = HttpFront::Create(std::move(front), std::move(hooks));
  if (!created.ok()) return created.status();
  impl->front = std::move(*created);
  return std::make_unique<Server>(std::move(impl));
}

Result<int> Server::Bind() {
  return impl_->front->Bind();
}

Status Server::Serve() {
  return impl_->front->Run();
}

void Server::Stop() {
  impl_->front->Stop();
}

}  // namespace rapport::server
