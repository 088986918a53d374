// FrontLimits: what the network front lets one client hold. Every limit is a total (a deadline
// for the whole head, not for each read), so a client that trickles bytes is cut off on time.
#pragma once

#include <chrono>
#include <cstddef>

namespace rapport::server {

struct FrontLimits {
  size_t max_connections = 1024;    // open at once; the next gets 503 and is closed
  size_t header_bytes = 16 * 1024;  // request line and headers together (431 past it)
  size_t header_count = 100;        // header fields (431 past it)
  size_t body_bytes = 64 * 1024;    // a larger Content-Length is refused (413) unread
  std::chrono::milliseconds handshake_timeout{10'000};  // TLS, from accept
  std::chrono::milliseconds head_timeout{10'000};       // from the head's first byte to its end
  std::chrono::milliseconds body_timeout{10'000};       // the whole body
  std::chrono::milliseconds write_timeout{10'000};      // the whole response
  std::chrono::milliseconds idle_timeout{5'000};        // keep-alive: waiting for the next request
  size_t keep_alive_requests = 100;                     // then the connection is closed
};

}  // namespace rapport::server
