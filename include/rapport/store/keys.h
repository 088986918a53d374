// StoreKeys: the secrets a store needs but must not hold (issue 15). The keys of the keyed hashes
// (opt-outs, access tokens, audit subjects), of the ledgers' hash chains and of their anchors live
// in a key file beside the store: mode 0600, made by `rapport init` (Store::InitTenant), named by
// `--keys` or RAPPORT_KEYS (default <store>.keys). A copy of the store without its key file then
// reveals no hashable identity, and its ledgers cannot be rewritten unseen.
//
// Contract: one random 256-bit key per purpose, so that no hash helps with another. A store opened
// without its key file still answers what needs no key (stats, token list); asking it for a key is
// a FailedPrecondition that names the file expected and how to get it back.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "rapport/status.h"

namespace rapport::store {

enum class Ledger;

enum class KeyPurpose { kOptOut, kAccessToken, kAuditSubject, kAuditChain, kConsentChain, kAnchor };
inline constexpr size_t kKeyPurposes = 6;

// A ledger's rows written before its keys left the store (rapport before issue 15) are chained
// with plain SHA-256. The key file pins where the keyed chain starts: rows from `seq` on are
// keyed, and row seq-1, the last plain one, has the hash `base`.
struct ChainStart {
  int64_t seq = 1;
  std::string base;  // "" when seq is 1
};

struct StoreKeys {
  std::string path;      // the key file
  std::string store_id;  // the store it belongs to (the store's setting key_file_id)
  std::array<std::string, kKeyPurposes> keys;  // hex; the HMAC key is the hex text itself
  ChainStart audit, consent;
  // Why there are no keys (the file is missing, unreadable or another store's); "" when read.
  std::string unavailable = "the store has no tenant yet, so no keys; run rapport init first";

  Result<std::string> Key(KeyPurpose purpose) const;
  const ChainStart& Start(Ledger ledger) const;
};

// Where a store's key file is when nobody says: beside it, <store>.keys.
std::string DefaultKeyFilePath(const std::string& store_path);

}  // namespace rapport::store
