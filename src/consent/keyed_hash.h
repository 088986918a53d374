// KeyedHash: HMAC-SHA256 under a random per-tenant key kept as a tenant setting and made on first
// use. What the consent layer remembers instead of a secret or an address (opt-outs, access
// tokens): one key per purpose, so that no hash helps with another. Internal to src/consent.
#pragma once

#include <string>
#include <string_view>

#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::consent {

class KeyedHash {
 public:
  // `setting`: the tenant setting that holds this purpose's key (hex).
  KeyedHash(store::Store& store, std::string_view setting) : store_(store), setting_(setting) {}

  Result<std::string> Of(std::string_view text);  // hex

 private:
  Result<std::string> Key();

  store::Store& store_;
  std::string setting_;
  std::string key_;
};

std::string Hex(const unsigned char* data, size_t n);  // lower-case

}  // namespace rapport::consent
