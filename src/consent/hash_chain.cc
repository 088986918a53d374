#include "consent/hash_chain.h"

#include <openssl/evp.h>

#include <memory>

#include "consent/keyed_hash.h"

namespace rapport::consent {
namespace {

store::KeyPurpose ChainPurpose(store::Ledger ledger) {
  return ledger == store::Ledger::kAudit ? store::KeyPurpose::kAuditChain
                                         : store::KeyPurpose::kConsentChain;
}

std::string Joined(std::string_view prev_hash, std::string_view entry) {
  std::string bytes(prev_hash);
  bytes.push_back('\0');
  bytes.append(entry);
  return bytes;
}

}  // namespace

Result<ChainKey> ChainKeyOf(store::Store& store, store::Ledger ledger) {
  auto key = store.Keys().Key(ChainPurpose(ledger));
  if (!key.ok()) return key.status();
  return ChainKey{std::move(*key), store.Keys().Start(ledger)};
}

std::string ChainHash(std::string_view prev_hash, std::string_view entry) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const std::string bytes = Joined(prev_hash, entry);
  // SHA-256 cannot fail on a valid context; a failed allocation yields an empty hash, which
  // matches no stored row, so a check fails closed.
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) {
    return "";
  }
  return Hex(digest, length);
}

std::string KeyedChainHash(std::string_view key, std::string_view prev_hash,
                           std::string_view entry) {
  return HmacHex(key, Joined(prev_hash, entry));  // "" on failure: fails closed as above
}

store::LedgerRow NextRow(const ChainKey& chain, const store::LedgerRow* previous,
                         std::string entry) {
  store::LedgerRow row;
  row.seq = previous ? previous->seq + 1 : 1;
  row.prev_hash = previous ? previous->hash : "";
  row.hash = row.seq >= chain.start.seq ? KeyedChainHash(chain.key, row.prev_hash, entry)
                                        : ChainHash(row.prev_hash, entry);
  row.entry = std::move(entry);
  return row;
}

ChainCheck VerifyChain(const std::vector<store::LedgerRow>& rows, const ChainKey& chain) {
  ChainCheck check;
  check.entries = static_cast<int64_t>(rows.size());
  std::string prev;
  for (size_t i = 0; i < rows.size(); ++i) {
    const store::LedgerRow& r = rows[i];
    const int64_t expected = static_cast<int64_t>(i) + 1;
    const bool keyed = expected >= chain.start.seq;
    std::string problem;
    if (r.seq != expected) {
      problem = "is missing (the next entry is " + std::to_string(r.seq) + ")";
    } else if (r.prev_hash != prev) {
      problem = "does not follow the entry before it (removed, inserted or re-ordered)";
    } else if (r.hash != (keyed ? KeyedChainHash(chain.key, r.prev_hash, r.entry)
                                : ChainHash(r.prev_hash, r.entry))) {
      problem = keyed ? "was changed after it was written (its keyed hash does not match)"
                      : "was changed after it was written (its hash does not match)";
    } else if (expected + 1 == chain.start.seq && r.hash != chain.start.base) {
      problem = "was changed after the keys left the store (it is not what the key file recorded)";
    }
    if (!problem.empty()) {
      check.first_broken = expected;
      check.problem = std::move(problem);
      return check;
    }
    prev = r.hash;
  }
  if (check.entries + 1 < chain.start.seq) {
    check.first_broken = check.entries + 1;
    check.problem = "is missing: the key file recorded " + std::to_string(chain.start.seq - 1) +
                    " entries when the keys left the store (the ledger's tail was cut)";
  }
  return check;
}

}  // namespace rapport::consent
