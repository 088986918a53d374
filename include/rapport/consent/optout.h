// OptOuts: users who opted out of identifiable insights or of everything (SPEC §1).
//
// Contract: an opt-out is remembered as a keyed hash (HMAC-SHA256 under the opt-out key of the
// store's key file) of each of the user's addresses, never as the address, so that a later
// ingest can still recognise and drop the user. Opting out covers every address the store knows
// for the person at that time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::consent {

enum class OptOutScope { kIdentifiable, kAll };

class KeyedHash;

class OptOuts {
 public:
  explicit OptOuts(store::Store& store);
  ~OptOuts();
  OptOuts(OptOuts&&) noexcept;

  // Opts the person with this address out (all their addresses); returns how many addresses.
  Result<size_t> Add(std::string_view address, OptOutScope scope, int64_t now);
  Result<size_t> Remove(std::string_view address);
  // The widest scope the person with this address is opted out of, if any.
  Result<std::optional<OptOutScope>> ScopeOf(std::string_view address);
  // The same for this one address only (cheap: no look-up of the person; for ingest).
  Result<std::optional<OptOutScope>> ScopeOfAddress(std::string_view address);
  // Keyed hash of an address (its ingest::AddressKey), hex.
  Result<std::string> HashOf(std::string_view address);

 private:
  Result<std::vector<std::string>> AddressesOf(std::string_view address);

  store::Store& store_;
  std::unique_ptr<KeyedHash> hash_;  // under the key file's opt-out key
};

}  // namespace rapport::consent
