#include "sync/net_helpers.h"

#include <algorithm>
#include <random>
#include <thread>

namespace rapport::sync {

std::string PercentEncode(std::string_view s, std::string_view also_keep) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '~' ||
                 also_keep.find(static_cast<char>(c)) != std::string_view::npos;
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

bool IsLoopbackUrl(std::string_view url) {
  size_t start = url.find("://");
  std::string_view rest = url.substr(start == std::string_view::npos ? 0 : start + 3);
  rest = rest.substr(0, rest.find('/'));
  if (!rest.empty() && rest.front() == '[')
    return IsLoopbackHost(rest.substr(1, rest.find(']') - 1));
  return IsLoopbackHost(rest.substr(0, rest.rfind(':')));
}

std::chrono::milliseconds JitteredBackoff(int attempt) {
  static thread_local std::mt19937 random(std::random_device{}());
  int64_t base = 500LL << std::clamp(attempt, 0, 6);
  std::uniform_int_distribution<int64_t> jitter(0, base);
  return std::chrono::milliseconds(base + jitter(random));
}

void SleepUnlessStopped(std::chrono::milliseconds wait, const std::atomic<bool>* stop) {
  auto until = std::chrono::steady_clock::now() + wait;
  while (std::chrono::steady_clock::now() < until && !(stop && stop->load())) {
    std::this_thread::sleep_for(std::min(wait, std::chrono::milliseconds(100)));
  }
}

}  // namespace rapport::sync
