// HashChain: SHA-256 chaining of ledger rows (SPEC §2). Each row's hash covers the previous
// row's hash and its own entry, so changing, removing or re-ordering any row breaks every link
// after it; VerifyChain names the first row that does not fit.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rapport/consent/consent_ledger.h"
#include "rapport/store/store.h"

namespace rapport::consent {

// Hex SHA-256 of prev_hash followed by a NUL and the entry (the NUL keeps the two apart).
std::string ChainHash(std::string_view prev_hash, std::string_view entry);

// The row that follows `previous` (nullptr: the first row) with this entry.
store::LedgerRow NextRow(const store::LedgerRow* previous, std::string entry);

ChainCheck VerifyChain(const std::vector<store::LedgerRow>& rows);

}  // namespace rapport::consent
