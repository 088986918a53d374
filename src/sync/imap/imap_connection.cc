#include "sync/imap/imap_connection.h"

#include <netdb.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rapport::sync {
namespace {

constexpr size_t kReadChunk = 256 * 1024;

std::string Where(const ImapEndpoint& e) {
  return e.host + ":" + std::to_string(e.port);
}

Result<int> ConnectTcp(const ImapEndpoint& e) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string port = std::to_string(e.port);
  int rc = getaddrinfo(e.host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    return Status::IoError("IMAP: cannot resolve " + e.host + ": " + gai_strerror(rc) +
                           " (check the host in --url)");
  }
  std::string error = "no address";
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    timeval tv{static_cast<time_t>(e.timeout.count() / 1000),
               static_cast<suseconds_t>((e.timeout.count() % 1000) * 1000)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      error = std::strerror(errno);
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) {
    return Status::IoError("IMAP: cannot connect to " + Where(e) + ": " + error +
                           " (is the server up, and the port right?)");
  }
  return fd;
}

}  // namespace

Result<std::unique_ptr<ImapConnection>> ImapConnection::Open(const ImapEndpoint& endpoint) {
  auto c = std::make_unique<ImapConnection>(endpoint);
  auto fd = ConnectTcp(endpoint);
  if (!fd.ok()) return fd.status();
  c->fd_ = *fd;
  if (endpoint.implicit_tls) RAPPORT_RETURN_IF_ERROR(c->StartTls());
  return c;
}

ImapConnection::~ImapConnection() {
  ssl_.reset();
  if (fd_ >= 0) close(fd_);
}

Status ImapConnection::TlsError(std::string_view what) {
  unsigned long code = ERR_get_error();
  std::string detail =
      code != 0 ? ERR_reason_error_string(code) ? ERR_reason_error_string(code) : "unknown error"
                : "connection closed";
  ERR_clear_error();
  return Status::IoError("IMAP: TLS " + std::string(what) + " with " + Where(endpoint_) + ": " +
                         detail);
}

Status ImapConnection::StartTls() {
  ctx_.reset(SSL_CTX_new(TLS_client_method()));
  if (!ctx_) return TlsError("setup");
  SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
  int loaded = endpoint_.ca_file.empty()
                   ? SSL_CTX_set_default_verify_paths(ctx_.get())
                   : SSL_CTX_load_verify_locations(ctx_.get(), endpoint_.ca_file.c_str(), nullptr);
  if (loaded != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("IMAP: cannot read the CA certificates in '" +
                                   endpoint_.ca_file + "' (--ca-file takes a PEM file)");
  }
  ssl_.reset(SSL_new(ctx_.get()));
  if (!ssl_) return TlsError("setup");
  SSL_set_fd(ssl_.get(), fd_);
  SSL_set_tlsext_host_name(ssl_.get(), endpoint_.host.c_str());
  // The certificate must name the host we asked for (an IP address is matched as one).
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl_.get());
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (X509_VERIFY_PARAM_set1_ip_asc(param, endpoint_.host.c_str()) != 1) {
    ERR_clear_error();
    SSL_set1_host(ssl_.get(), endpoint_.host.c_str());
  }
  if (SSL_connect(ssl_.get()) != 1) {
    long verify = SSL_get_verify_result(ssl_.get());
    ERR_clear_error();
    if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
      return Status::PermissionDenied("IMAP: the TLS certificate of " + Where(endpoint_) +
                                      " is not for '" + endpoint_.host +
                                      "' (connect with the name the certificate gives)");
    }
    if (verify == X509_V_ERR_CERT_HAS_EXPIRED) {
      return Status::PermissionDenied("IMAP: the TLS certificate of " + Where(endpoint_) +
                                      " has expired (the server's administrator must renew it)");
    }
    if (verify != X509_V_OK) {
      return Status::PermissionDenied("IMAP: the TLS certificate of " + Where(endpoint_) +
                                      " is not trusted: " + X509_verify_cert_error_string(verify) +
                                      " (give its CA with --ca-file)");
    }
    return TlsError("handshake");
  }
  return Status::Ok();
}

Status ImapConnection::Write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ssl_ ? SSL_write(ssl_.get(), bytes.data(), static_cast<int>(bytes.size()))
                     : send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      if (ssl_) return TlsError("write");
      return Status::IoError("IMAP: connection to " + Where(endpoint_) +
                             " lost while writing: " + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status ImapConnection::Fill() {
  if (consumed_ > 0 && consumed_ * 2 >= buffer_.size()) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  size_t old = buffer_.size();
  buffer_.resize(old + kReadChunk);
  ssize_t n = ssl_ ? SSL_read(ssl_.get(), buffer_.data() + old, static_cast<int>(kReadChunk))
                   : recv(fd_, buffer_.data() + old, kReadChunk, 0);
  buffer_.resize(old + static_cast<size_t>(n > 0 ? n : 0));
  if (n > 0) return Status::Ok();
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    return Status::DeadlineExceeded("IMAP: " + Where(endpoint_) + " did not answer within " +
                                    std::to_string(endpoint_.timeout.count() / 1000) + " s");
  }
  return Status::IoError("IMAP: connection to " + Where(endpoint_) + " closed by the server");
}

bool ImapConnection::HasBuffered() {
  auto n = ImapResponseLength(std::string_view(buffer_).substr(consumed_));
  return n.ok() && *n > 0;
}

Result<bool> ImapConnection::WaitReadable(std::chrono::milliseconds wait) {
  if (HasBuffered() || (ssl_ && SSL_pending(ssl_.get()) > 0)) return true;
  pollfd p{fd_, POLLIN, 0};
  int rc = poll(&p, 1, static_cast<int>(wait.count()));
  if (rc < 0 && errno != EINTR)
    return Status::IoError(std::string("IMAP: poll: ") + std::strerror(errno));
  return rc > 0;
}

Result<ImapResponse> ImapConnection::Read() {
  while (true) {
    std::string_view pending = std::string_view(buffer_).substr(consumed_);
    auto length = ImapResponseLength(pending);
    if (!length.ok()) return length.status();
    if (*length > 0) {
      auto parsed = ParseImapResponse(pending.substr(0, *length));
      consumed_ += *length;
      return parsed;
    }
    RAPPORT_RETURN_IF_ERROR(Fill());
  }
}

}  // namespace rapport::sync
