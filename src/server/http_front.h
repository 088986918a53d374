// HttpFront: the network side of `rapport serve`, event-driven (Boost.Asio and Boost.Beast).
//
// Contract: one network thread accepts connections and reads and writes every one of them
// without blocking; only a complete, valid request reaches a worker thread, so a slow or hostile
// client holds a socket and a few kilobytes, never a worker. Each phase has a total deadline
// (FrontLimits); a head or body over its limit is refused before it is read; past
// max_connections a new connection gets 503 and is closed. Stop() stops accepting, closes idle
// connections, lets requests already begun finish, and Run() then returns.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "rapport/status.h"
#include "server/front_limits.h"
#include "server/http_message.h"

namespace rapport::server {

struct FrontHooks {
  // Answers one request on a worker thread (it may block on the store). Must not throw.
  std::function<HttpResponse(HttpRequest&)> handle;
  // Answers cheap requests on the network thread, before the workers' queue (/healthz), or
  // nullopt to pass the request on to `handle`. Must not block.
  std::function<std::optional<HttpResponse>(HttpRequest&)> fast;
  // The response for a request the front refused (bad HTTP, too large, over the connection cap).
  std::function<HttpResponse(const Refusal&)> refuse;
};

struct FrontOptions {
  std::string host = "127.0.0.1";
  int port = 0;                   // 0: any free port
  std::string tls_cert, tls_key;  // PEM files; both or neither
  size_t workers = 8;
  FrontLimits limits;
};

class HttpFront {
 public:
  // InvalidArgument when the TLS files cannot be used.
  static Result<std::unique_ptr<HttpFront>> Create(FrontOptions options, FrontHooks hooks);
  ~HttpFront();

  Result<int> Bind();  // listens; returns the port
  Status Run();        // serves on this thread until Stop(), then waits for requests in flight
  void Stop();         // safe from any thread, before or during Run()

  // Connections open now (for tests and metrics).
  size_t OpenConnections() const;

  struct Impl;
  explicit HttpFront(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace rapport::server
