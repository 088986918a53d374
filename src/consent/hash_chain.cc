#include "consent/hash_chain.h"

#include <openssl/evp.h>

#include <memory>

namespace rapport::consent {

std::string ChainHash(std::string_view prev_hash, std::string_view entry) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const unsigned char separator = 0;
  // SHA-256 cannot fail on a valid context; a failed allocation yields an empty hash, which
  // matches no stored row, so a check fails closed.
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), prev_hash.data(), prev_hash.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), &separator, 1) != 1 ||
      EVP_DigestUpdate(ctx.get(), entry.data(), entry.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) {
    return "";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    const unsigned char b = digest[i];
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 15]);
  }
  return hex;
}

store::LedgerRow NextRow(const store::LedgerRow* previous, std::string entry) {
  store::LedgerRow row;
  row.seq = previous ? previous->seq + 1 : 1;
  row.prev_hash = previous ? previous->hash : "";
  row.hash = ChainHash(row.prev_hash, entry);
  row.entry = std::move(entry);
  return row;
}

ChainCheck VerifyChain(const std::vector<store::LedgerRow>& rows) {
  ChainCheck check;
  check.entries = static_cast<int64_t>(rows.size());
  std::string prev;
  for (size_t i = 0; i < rows.size(); ++i) {
    const store::LedgerRow& r = rows[i];
    const int64_t expected = static_cast<int64_t>(i) + 1;
    std::string problem;
    if (r.seq != expected) {
      problem = "is missing (the next entry is " + std::to_string(r.seq) + ")";
    } else if (r.prev_hash != prev) {
      problem = "does not follow the entry before it (removed, inserted or re-ordered)";
    } else if (r.hash != ChainHash(r.prev_hash, r.entry)) {
      problem = "was changed after it was written (its hash does not match)";
    }
    if (!problem.empty()) {
      check.first_broken = expected;
      check.problem = std::move(problem);
      return check;
    }
    prev = r.hash;
  }
  return check;
}

}  // namespace rapport::consent
