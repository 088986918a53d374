// RateLimiter: a token bucket per bearer token, so that one caller cannot starve the others.
// Keys are a hash of the token, held in memory only; buckets idle for a minute are forgotten.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <unordered_map>

namespace rapport::server {

class RateLimiter {
 public:
  // `per_second` requests a second on average, `burst` at once; per_second 0 turns limiting off.
  RateLimiter(double per_second, double burst) : rate_(per_second), burst_(burst) {}

  // Whether the caller holding `token` may make a request now (and counts it when so).
  bool Allow(std::string_view token);
  // Seconds until the next request would be allowed (for Retry-After), at least 1.
  int RetryAfterSeconds() const;

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point last;
  };

  const double rate_, burst_;
  std::mutex mutex_;
  std::unordered_map<size_t, Bucket> buckets_;
  std::chrono::steady_clock::time_point last_sweep_{};
};

}  // namespace rapport::server
