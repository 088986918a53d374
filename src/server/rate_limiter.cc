#include "server/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

namespace rapport::server {

bool RateLimiter::Allow(std::string_view token) {
  if (rate_ <= 0) return true;
  const auto now = std::chrono::steady_clock::now();
  const size_t key = std::hash<std::string_view>{}(token);
  std::lock_guard lock(mutex_);
  if (now - last_sweep_ > std::chrono::minutes(1)) {
    std::erase_if(buckets_,
                  [&](const auto& kv) { return now - kv.second.last > std::chrono::minutes(1); });
    last_sweep_ = now;
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = now;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

int RateLimiter::RetryAfterSeconds() const {
  return rate_ <= 0 ? 1 : std::max(1, static_cast<int>(std::ceil(1 / rate_)));
}

}  // namespace rapport::server
