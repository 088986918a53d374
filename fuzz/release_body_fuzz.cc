// libFuzzer target: the two parsers of account engagement -- ParsePositiveDecimal (what --epsilon
// and privacy_epsilon_per_month take) and ParseReleaseBody (a release as the budget ledger
// stores it) -- on arbitrary bytes. The first byte picks the parser.
//
// Besides "no crash, no sanitizer report", it checks their promises: a parsed epsilon is a
// positive fraction in lowest terms whose denominator divides 10^6 (so budget sums in millionths
// are exact); a parsed release writes back to a body that parses to the same release.
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <string_view>

#include "insights/engagement_rows.h"
#include "rapport/insights/discrete_laplace.h"

#include "fuzz_invariants.h"

namespace rapport::insights {
namespace {

using fuzz::Require;

void CheckDecimal(std::string_view text) {
  auto r = ParsePositiveDecimal(text);
  if (!r.ok()) {
    Require(!r.status().message().empty(), "a refusal says why", std::string(text));
    return;
  }
  Require(r->num > 0 && r->den > 0, "positive", std::string(text));
  Require(1'000'000 % r->den == 0, "denominator divides 10^6", std::string(text));
  Require(std::gcd(r->num, r->den) == 1, "lowest terms", std::string(text));
}

void CheckBody(const std::string& body) {
  auto release = ParseReleaseBody(body);
  if (!release.ok()) return;
  const std::string again = ReleaseBody(*release);
  auto reread = ParseReleaseBody(again);
  Require(reread.ok(), "a written body parses", again);
  Require(ReleaseBody(*reread) == again, "a body round-trips", again);
}

}  // namespace
}  // namespace rapport::insights

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    rapport::insights::CheckDecimal(rest);
  } else {
    rapport::insights::CheckBody(rest);
  }
  return 0;
}
