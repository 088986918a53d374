// Random numbers for the sample generator, defined bit for bit so that a seed writes the same
// organisation on every platform and standard library (std::*_distribution output is
// implementation-defined, so none is used).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace rapport::sample {

inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// xoshiro256** seeded through splitmix64. `stream` gives independent sequences for independent
// parts of the generator, so that changing how one part draws numbers does not reshuffle the rest.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream) {
    uint64_t state = seed ^ (stream * 0xD1B54A32D192ED03ull);
    for (uint64_t& s : s_) s = SplitMix64(state);
  }

  uint64_t Next() {
    uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n); n must be > 0. Rejection removes the modulo bias.
  uint64_t Uniform(uint64_t n) {
    uint64_t threshold = (0 - n) % n;
    for (;;) {
      uint64_t r = Next();
      if (r >= threshold) return r % n;
    }
  }

  // Uniform in [lo, hi], inclusive.
  int64_t Range(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Uniform(static_cast<uint64_t>(hi - lo) + 1));
  }

  bool PerMille(uint32_t chance) { return Uniform(1000) < chance; }

  // Skewed towards 0: the smaller of two uniform draws (density falls linearly).
  uint64_t LowBiased(uint64_t n) {
    uint64_t a = Uniform(n);  // two statements: argument evaluation order is unspecified
    return std::min(a, Uniform(n));
  }

  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Uniform(i)]);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Picks an index with probability proportional to integer weights (exact, no floating point).
class WeightedIndex {
 public:
  void Add(uint64_t weight) { cumulative_.push_back(total() + weight); }
  size_t size() const { return cumulative_.size(); }
  uint64_t total() const { return cumulative_.empty() ? 0 : cumulative_.back(); }
  uint64_t weight(size_t i) const { return cumulative_[i] - (i == 0 ? 0 : cumulative_[i - 1]); }

  // Requires total() > 0.
  size_t Pick(Rng& rng) const { return IndexOf(rng.Uniform(total())); }

  // The index whose weight interval holds `point` (0 <= point < total()).
  size_t IndexOf(uint64_t point) const {
    return static_cast<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), point) -
                               cumulative_.begin());
  }

 private:
  std::vector<uint64_t> cumulative_;
};

// Zipf weight (exponent 1) of the tie at `rank` (0 = strongest): a few ties carry most traffic.
inline uint64_t ZipfWeight(size_t rank) {
  return 1'000'000 / (rank + 1);
}

}  // namespace rapport::sample
