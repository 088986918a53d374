// HashChain: the chaining of ledger rows (SPEC §2). Each row's hash covers the previous row's
// hash and its own entry, so changing, removing or re-ordering any row breaks every link after
// it; VerifyChain names the first row that does not fit. The hash is an HMAC under the ledger's
// chain key, which lives in the key file (rapport/store/keys.h), so that someone who can write the
// store but has no key file cannot rewrite a row and recompute the hashes after it. Rows written
// before the keys left the store are plain SHA-256, up to where the key file says the keyed chain
// starts. Cutting the tail leaves a valid chain: anchors (ledger_anchor.h) catch that.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rapport/consent/consent_ledger.h"
#include "rapport/store/store.h"

namespace rapport::consent {

struct ChainKey {
  std::string key;          // the ledger's chain key (hex text, used as given)
  store::ChainStart start;  // rows before start.seq are plain SHA-256
};

// The ledger's chain key from the store's key file; FailedPrecondition naming the file without it.
Result<ChainKey> ChainKeyOf(store::Store& store, store::Ledger ledger);

// Hex SHA-256 of prev_hash followed by a NUL and the entry (the NUL keeps the two apart): the
// hash of rows written before the keys left the store.
std::string ChainHash(std::string_view prev_hash, std::string_view entry);
// The same bytes under HMAC-SHA256 with `key`: the hash of every row since.
std::string KeyedChainHash(std::string_view key, std::string_view prev_hash,
                           std::string_view entry);

// The row that follows `previous` (nullptr: the first row) with this entry.
store::LedgerRow NextRow(const ChainKey& chain, const store::LedgerRow* previous,
                         std::string entry);

ChainCheck VerifyChain(const std::vector<store::LedgerRow>& rows, const ChainKey& chain);

}  // namespace rapport::consent
