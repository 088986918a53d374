#include "rapport/insights/discrete_laplace.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <numeric>
#include <string>

namespace rapport::insights {

SystemRandom::~SystemRandom() {
  explicit_bzero(buffer_, sizeof buffer_);
}

uint64_t SystemRandom::Next64() {
  if (next_ == std::size(buffer_)) {
    auto* out = reinterpret_cast<unsigned char*>(buffer_);
    size_t filled = 0;
    while (filled < sizeof buffer_) {
      const ssize_t n = getrandom(out + filled, sizeof buffer_ - filled, 0);
      if (n > 0) {
        filled += static_cast<size_t>(n);
      } else if (errno != EINTR) {
        std::fputs(
            "rapport: fatal: the kernel's random source failed; refusing to add weak noise\n",
            stderr);
        std::abort();
      }
    }
    next_ = 0;
  }
  const uint64_t value = buffer_[next_];
  buffer_[next_++] = 0;  // used once, then gone
  return value;
}

uint64_t UniformBelow(RandomSource& random, uint64_t n) {
  // Rejection: accept only values below the largest multiple of n, so every residue is equally
  // likely.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  for (;;) {
    const uint64_t v = random.Next64();
    if (v < limit) return v % n;
  }
}

bool Bernoulli(RandomSource& random, uint64_t num, uint64_t den) {
  return UniformBelow(random, den) < num;
}

namespace {

// exp(-g) for g = num / den in [0, 1]: the first k with Bernoulli(g / k) = 0 is odd with
// probability exp(-g) (CKS Algorithm 1).
bool BernoulliExpAtMostOne(RandomSource& random, uint64_t num, uint64_t den) {
  uint64_t k = 1;
  while (Bernoulli(random, num, den * k)) ++k;
  return k % 2 == 1;
}

}  // namespace

bool BernoulliExp(RandomSource& random, uint64_t num, uint64_t den) {
  if (num <= den) return BernoulliExpAtMostOne(random, num, den);
  // exp(-g) for g > 1 is exp(-1) floor(g) times, then exp(-(g - floor g)).
  for (uint64_t whole = num / den; whole > 0; --whole) {
    if (!BernoulliExpAtMostOne(random, 1, 1)) return false;
  }
  return BernoulliExpAtMostOne(random, num % den, den);
}

int64_t SampleDiscreteLaplace(RandomSource& random, uint64_t num, uint64_t den) {
  // CKS Algorithm 2 with scale t / s, t = num, s = den: X = U + t V is geometric with parameter
  // exp(-1/t) built from exact coins; Y = floor(X / s); a fair sign, with -0 rejected.
  const uint64_t t = num, s = den;
  for (;;) {
    const uint64_t u = UniformBelow(random, t);
    if (!BernoulliExp(random, u, t)) continue;
    uint64_t v = 0;
    while (BernoulliExp(random, 1, 1)) ++v;
    const uint64_t x = u + t * v;  // v beyond 2^32 has probability e^(-2^32): never
    const auto y = static_cast<int64_t>(x / s);
    const bool negative = Bernoulli(random, 1, 2);
    if (negative && y == 0) continue;
    return negative ? -y : y;
  }
}

Result<Rational> ParsePositiveDecimal(std::string_view text) {
  Rational r{0, 1};
  bool point = false, digits = false;
  int decimals = 0;
  for (char c : text) {
    if (c == '.' && !point) {
      point = true;
    } else if (c >= '0' && c <= '9' && decimals < 6 && r.num < 100'000'000'000ULL) {
      r.num = r.num * 10 + static_cast<uint64_t>(c - '0');
      digits = true;
      if (point) {
        ++decimals;
        r.den *= 10;
      }
    } else {
      digits = false;
      break;
    }
  }
  if (!digits || r.num == 0) {
    std::string msg = "'";
    msg.append(text);
    msg += "' is not a positive number with at most 6 decimals (write it like 0.5)";
    return Status::InvalidArgument(msg);
  }
  const uint64_t g = std::gcd(r.num, r.den);
  r.num /= g;
  r.den /= g;
  return r;
}

}  // namespace rapport::insights
