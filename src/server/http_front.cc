#include "server/http_front.h"

#include <openssl/ssl.h>
#include <sys/resource.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <unordered_set>

#include "server/beast_request.h"

namespace rapport::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

// Connections past max_connections are still read and answered 503, up to this many more; past
// that they are closed at once (their 503s would cost as much as the flood they answer).
constexpr size_t kRefusalSlots = 64;
// How long a refused connection is drained after its answer, so that the answer is not lost to a
// reset when the client is still sending (a 413 before the body was read).
constexpr std::chrono::milliseconds kLinger{1'000};

// A connection as the front's registry sees it: something Stop() can close when idle.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual void CloseIfIdle() = 0;
};

}  // namespace

struct HttpFront::Impl {
  FrontOptions options;
  FrontHooks hooks;
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  asio::steady_timer accept_retry{io};
  std::optional<ssl::context> tls;
  asio::thread_pool workers;
  std::atomic<size_t> open{0};
  bool stopping = false;  // read and written on the network thread only
  std::mutex mutex;
  std::unordered_set<Connection*> connections;

  Impl(FrontOptions o, FrontHooks h)
      : options(std::move(o)), hooks(std::move(h)), workers(options.workers) {}

  void Accept();
  void Admit(tcp::socket socket);
  void Register(Connection* c) {
    std::lock_guard lock(mutex);
    connections.insert(c);
    ++open;
  }
  void Unregister(Connection* c) {
    std::lock_guard lock(mutex);
    connections.erase(c);
    --open;
  }
};

namespace {

template <class Stream>
class Session : public Connection, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  Session(HttpFront::Impl& front, Stream stream, bool over_capacity)
      : front_(front), stream_(std::move(stream)), over_capacity_(over_capacity) {
    front_.Register(this);
  }
  ~Session() override { front_.Unregister(this); }

  void Start() {
    if constexpr (kTls) {
      Tcp().expires_after(Limits().handshake_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->Drop();
                                self->Begin();
                              });
    } else {
      Begin();
    }
  }

  // Stop(): a connection waiting for its next request is closed; one in a request finishes it.
  void CloseIfIdle() override {
    if (idle_) Tcp().cancel();
  }

 private:
  const FrontLimits& Limits() const { return front_.options.limits; }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void Begin() {
    if (over_capacity_) {
      return Refuse({503, "unavailable",
                     "the server has as many connections open as it allows: try again shortly"});
    }
    ReadHead();  // the first request's head is due within head_timeout of the connection
  }

  // Keep-alive: wait up to idle_timeout for the next request's first bytes, then read its head.
  void WaitForNext() {
    if (buffer_.size() > 0) return ReadHead();  // pipelined
    if (front_.stopping) return Close();
    idle_ = true;
    Tcp().expires_after(Limits().idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              self->idle_ = false;
                              if (ec) return self->Close();
                              self->buffer_.commit(n);
                              self->ReadHead();
                            });
  }

  void ReadHead() {
    parser_.emplace();
    ApplyLimits(*parser_, Limits());
    Tcp().expires_after(Limits().head_timeout);  // one deadline for the whole head
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHead(ec); });
  }

  void OnHead(beast::error_code ec) {
    if (ec) return Fail(ec);
    if (auto refusal = CheckHead(*parser_, Limits())) return Refuse(*refusal);
    if (parser_->is_done()) return OnRequest();
    const auto expect = parser_->get()[http::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      interim_.emplace(http::status::continue_, 11);
      Tcp().expires_after(Limits().write_timeout);
      return http::async_write(stream_, *interim_,
                               [self = this->shared_from_this()](beast::error_code ec, size_t) {
                                 if (ec) return self->Drop();
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    Tcp().expires_after(Limits().body_timeout);  // one deadline for the whole body
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->Fail(ec);
                       self->OnRequest();
                     });
  }

  void OnRequest() {
    keep_alive_ = parser_->get().keep_alive();
    auto request = ToHttpRequest(parser_->release());
    parser_.reset();
    if (!request.ok()) return Refuse({400, "bad_request", request.status().message()});
    if (auto fast = front_.hooks.fast(*request)) return Send(std::move(*fast), false);
    // The worker answers; the network thread writes. The guard keeps Run() going meanwhile.
    asio::post(front_.workers, [self = this->shared_from_this(), req = std::move(*request),
                                guard = asio::make_work_guard(front_.io)]() mutable {
      HttpResponse response = self->front_.hooks.handle(req);
      asio::post(self->front_.io, [self, response = std::move(response)]() mutable {
        self->Send(std::move(response), false);
      });
    });
  }

  void Fail(beast::error_code ec) {
    if (auto refusal = RefusalOf(ec)) return Refuse(*refusal);
    Drop();
  }

  void Refuse(const Refusal& refusal) { Send(front_.hooks.refuse(refusal), true); }

  void Send(HttpResponse answer, bool refused) {
    ++served_;
    const bool keep =
        !refused && keep_alive_ && !front_.stopping && served_ < Limits().keep_alive_requests;
    response_.emplace();
    response_->version(11);
    response_->result(answer.status);
    for (auto& [name, value] : answer.headers) response_->insert(name, value);
    response_->body() = std::move(answer.body);
    response_->keep_alive(keep);
    response_->prepare_payload();
    Tcp().expires_after(Limits().write_timeout);
    http::async_write(
        stream_, *response_,
        [self = this->shared_from_this(), keep, refused](beast::error_code ec, size_t) {
          self->response_.reset();
          if (ec) return self->Drop();
          if (refused) return self->Linger();
          if (!keep) return self->Close();
          self->WaitForNext();
        });
  }

  // After a refusal the client may still be sending (a body we would not read): stop writing and
  // read to the end for a moment, so that closing does not reset the connection under the answer.
  void Linger() {
    if constexpr (kTls) {
      Close();
    } else {
      beast::error_code ignored;
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Tcp().expires_after(kLinger);
      Drain();
    }
  }

  void Drain() {
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              if (ec) return self->Drop();
                              self->Drain();  // buffer_ is not committed: the bytes are discarded
                            });
  }

  // An orderly close: TLS says close_notify (within a second), TCP sends FIN.
  void Close() {
    if constexpr (kTls) {
      Tcp().expires_after(std::chrono::seconds(1));
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) { self->Drop(); });
    } else {
      beast::error_code ignored;
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Drop();
    }
  }

  void Drop() {
    beast::error_code ignored;
    Tcp().socket().close(ignored);
  }

  HttpFront::Impl& front_;
  Stream stream_;
  const bool over_capacity_;
  beast::flat_buffer buffer_;
  std::optional<BeastParser> parser_;
  std::optional<http::response<http::empty_body>> interim_;
  std::optional<http::response<http::string_body>> response_;
  size_t served_ = 0;
  bool keep_alive_ = false;
  bool idle_ = false;
};

// Opens as many files as the system lets this process, and fits the connection cap to it.
void FitToFileLimit(FrontLimits& limits) {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0) return;
  if (files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &files);
    (void)getrlimit(RLIMIT_NOFILE, &files);
  }
  const size_t reserve = kRefusalSlots + 64;  // the store, logs, the listening socket
  if (files.rlim_cur > reserve && limits.max_connections > files.rlim_cur - reserve) {
    limits.max_connections = files.rlim_cur - reserve;
  }
}

}  // namespace

void HttpFront::Impl::Accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (ec) {
      // Out of files or memory for a moment: wait instead of spinning, then accept again.
      accept_retry.expires_after(std::chrono::milliseconds(50));
      accept_retry.async_wait([this](beast::error_code e) {
        if (!e) Accept();
      });
      return;
    }
    Admit(std::move(socket));
    Accept();
  });
}

void HttpFront::Impl::Admit(tcp::socket socket) {
  const size_t now_open = open.load();
  if (now_open >= options.limits.max_connections + kRefusalSlots) return;  // closed by scope
  const bool over = now_open >= options.limits.max_connections;
  beast::error_code ignored;
  // Without TCP_NODELAY a response written in two parts waits ~40 ms for the client's delayed ACK.
  socket.set_option(tcp::no_delay(true), ignored);
  if (tls) {
    using TlsStream = beast::ssl_stream<beast::tcp_stream>;
    std::make_shared<Session<TlsStream>>(*this, TlsStream(std::move(socket), *tls), over)->Start();
  } else {
    std::make_shared<Session<beast::tcp_stream>>(*this, beast::tcp_stream(std::move(socket)), over)
        ->Start();
  }
}

HttpFront::HttpFront(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpFront::~HttpFront() {
  impl_->workers.stop();
  impl_->workers.join();
}

Result<std::unique_ptr<HttpFront>> HttpFront::Create(FrontOptions options, FrontHooks hooks) {
  FitToFileLimit(options.limits);
  auto impl = std::make_unique<Impl>(std::move(options), std::move(hooks));
  const auto& o = impl->options;
  if (!o.tls_cert.empty()) {
    auto& ctx = impl->tls.emplace(ssl::context::tls_server);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    beast::error_code cert_error, key_error;
    ctx.use_certificate_chain_file(o.tls_cert, cert_error);
    ctx.use_private_key_file(o.tls_key, ssl::context::pem, key_error);
    if (cert_error || key_error || SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
      return Status::InvalidArgument("cannot use the TLS certificate " + o.tls_cert + " and key " +
                                     o.tls_key + " (PEM files, the key unencrypted)");
    }
  }
  return std::make_unique<HttpFront>(std::move(impl));
}

Result<int> HttpFront::Bind() {
  const auto& o = impl_->options;
  const std::string where = o.host + ":" + std::to_string(o.port);
  beast::error_code ec;
  auto endpoints =
      tcp::resolver(impl_->io).resolve(o.host, std::to_string(o.port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return Status::InvalidArgument("cannot listen on " + where +
                                   ": not an address of this machine; try another --listen");
  }
  auto& acceptor = impl_->acceptor;
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor.close(ec);
    return Status::IoError("cannot listen on " + where + " (" + ec.message() +
                           "; in use, or not an address of this machine? try another --listen)");
  }
  return static_cast<int>(acceptor.local_endpoint().port());
}

Status HttpFront::Run() {
  if (!impl_->acceptor.is_open()) return Status::FailedPrecondition("Bind() before Run()");
  impl_->Accept();
  try {
    impl_->io.run();
  } catch (const std::exception& e) {
    Stop();
    return Status::IoError(std::string("the server's network loop failed: ") + e.what());
  }
  impl_->workers.join();
  return Status::Ok();
}

void HttpFront::Stop() {
  Impl* impl = impl_.get();
  asio::post(impl->io, [impl] {
    impl->stopping = true;
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    impl->accept_retry.cancel();
    std::lock_guard lock(impl->mutex);
    for (Connection* c : impl->connections) c->CloseIfIdle();
  });
}

size_t HttpFront::OpenConnections() const {
  return impl_->open.load();
}

}  // namespace rapport::server
