// ImapConnection: one TCP connection to an IMAP server, in the clear or under TLS (implicit, or
// upgraded after STARTTLS), that writes commands and reads whole responses.
//
// Contract: TLS always verifies the server's certificate chain (the system's CAs, or `ca_file`)
// and that the certificate names `host`; a failure is an error that says which. Every read and
// write gives up after `timeout`. Nothing written or read is logged.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/ssl.h>

#include "rapport/status.h"
#include "sync/imap/imap_response.h"

namespace rapport::sync {

struct ImapEndpoint {
  std::string host;
  uint16_t port = 993;
  bool implicit_tls = true;  // imaps://
  std::string ca_file;       // "" = the system's CAs
  std::chrono::milliseconds timeout{60'000};
};

class ImapConnection {
 public:
  static Result<std::unique_ptr<ImapConnection>> Open(const ImapEndpoint& endpoint);
  explicit ImapConnection(ImapEndpoint endpoint) : endpoint_(std::move(endpoint)) {}
  ~ImapConnection();
  ImapConnection(const ImapConnection&) = delete;
  ImapConnection& operator=(const ImapConnection&) = delete;

  // Starts TLS on the open connection (after the server's OK to STARTTLS).
  Status StartTls();
  bool Secure() const { return ssl_ != nullptr; }
  Status Write(std::string_view bytes);
  Result<ImapResponse> Read();
  // True when a whole response is already buffered (no read would block for it).
  bool HasBuffered();
  // Waits up to `wait` for bytes to arrive; false when none came.
  Result<bool> WaitReadable(std::chrono::milliseconds wait);

 private:
  Status Fill();
  Status TlsError(std::string_view what);

  ImapEndpoint endpoint_;
  int fd_ = -1;
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx_{nullptr, SSL_CTX_free};
  std::unique_ptr<SSL, decltype(&SSL_free)> ssl_{nullptr, SSL_free};
  std::string buffer_;
  size_t consumed_ = 0;
};

}  // namespace rapport::sync
