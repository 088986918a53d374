// A fixed-seed RandomSource for tests only: the production source, the kernel's CSPRNG, cannot be
// seeded, so a test that needs repeatable noise brings its own.
#pragma once

#include <cstdint>

#include "rapport/insights/discrete_laplace.h"

namespace rapport::testing {

// SplitMix64: a fixed, well-mixed sequence, so a test's outcome never changes run to run.
class SeededRandom final : public insights::RandomSource {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next64() override {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace rapport::testing
