// DiscreteLaplace: exact integer noise for differentially private releases (issue 7), after
// Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential Privacy" (NeurIPS 2020),
// Algorithms 1 and 2. No floating point anywhere: every coin is a uniform integer compared with a
// rational, so the output follows its distribution exactly, not up to rounding.
//
// Contract: SampleDiscreteLaplace(random, num, den) returns X with
//   P[X = x] = (1 - e^(-1/b)) / (1 + e^(-1/b)) * e^(-|x| / b),   b = num / den > 0,
// so adding it to a count of sensitivity D with b = D / epsilon gives epsilon-DP. Production code
// draws from SystemRandom (the kernel's CSPRNG, getrandom(2)); it has no seed, and nothing in the
// library makes one. Tests pass their own RandomSource to check the distribution.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rapport/status.h"

namespace rapport::insights {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  virtual uint64_t Next64() = 0;  // 64 uniformly random bits
};

// The operating system's CSPRNG. Aborts the process if the kernel cannot supply randomness:
// noise from anything weaker would silently void the privacy guarantee. Reads 4 KiB at a time (a
// release draws millions of words; one system call each was a tenth of its time); the buffer is
// wiped as it is used and when the source goes away.
class SystemRandom final : public RandomSource {
 public:
  SystemRandom() = default;
  SystemRandom(const SystemRandom&) = delete;
  SystemRandom& operator=(const SystemRandom&) = delete;
  ~SystemRandom() override;
  uint64_t Next64() override;

 private:
  uint64_t buffer_[512] = {};
  size_t next_ = 512;  // the next unused word; 512 when empty
};

uint64_t UniformBelow(RandomSource& random, uint64_t n);  // uniform in [0, n), n > 0
// True with probability num / den (0 <= num <= den, den > 0).
bool Bernoulli(RandomSource& random, uint64_t num, uint64_t den);
// True with probability exp(-num / den) (den > 0).
bool BernoulliExp(RandomSource& random, uint64_t num, uint64_t den);
// Discrete Laplace with scale b = num / den (num, den > 0, each below 2^31).
int64_t SampleDiscreteLaplace(RandomSource& random, uint64_t num, uint64_t den);

// A positive rational parsed from a decimal ("0.5", "2", "1.25"): what --epsilon takes, so that
// the noise scale stays exact. At most 6 digits after the point; InvalidArgument otherwise.
struct Rational {
  uint64_t num = 0, den = 1;
};
Result<Rational> ParsePositiveDecimal(std::string_view text);

}  // namespace rapport::insights
