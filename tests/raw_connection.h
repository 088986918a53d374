// RawConnection: a TCP client that sends exactly the bytes a test gives it, when it gives them --
// a slow, malformed or hostile client, which an HTTP library would not let a test be.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <string_view>

namespace rapport::testing {

class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // True once a read has found the server's side closed.
  bool closed() const { return closed_; }

  // False once the server has closed the connection (or reset it).
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Everything the server sends until it closes the connection or `wait` passes.
  std::string ReadUntilClosed(std::chrono::milliseconds wait) {
    std::string out;
    const auto end = std::chrono::steady_clock::now() + wait;
    while (true) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return out;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
      char buf[8192];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        return out;
      }
      out.append(buf, static_cast<size_t>(n));
    }
  }

  // The next line the server sends, without its CRLF; "" when it closes or `wait` passes.
  std::string ReadLine(std::chrono::milliseconds wait = std::chrono::seconds(30)) {
    const auto end = std::chrono::steady_clock::now() + wait;
    size_t at;
    while ((at = pending_.find("\r\n")) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) return "";
      char buf[8192];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        return "";
      }
      pending_.append(buf, static_cast<size_t>(n));
    }
    std::string line = pending_.substr(0, at);
    pending_.erase(0, at + 2);
    return line;
  }

  // One response to a request that asked for Connection: close (or the first `wait`'s worth).
  std::string Exchange(std::string_view request,
                       std::chrono::milliseconds wait = std::chrono::seconds(30)) {
    if (!Send(request)) return "";
    return ReadUntilClosed(wait);
  }

 private:
  int fd_ = -1;
  bool closed_ = false;
  std::string pending_;  // read but not yet returned by ReadLine
};

// The status code of a raw HTTP response ("HTTP/1.1 413 ..." -> 413), 0 when there is none.
inline int StatusOf(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.c_str() + 9);
}

}  // namespace rapport::testing
