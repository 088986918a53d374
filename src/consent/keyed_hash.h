// KeyedHash: HMAC-SHA256 under one of the store's keys (rapport/store/keys.h), which live in its
// key file, never in the store. What the consent layer remembers instead of a secret or an
// address (opt-outs, access tokens, audit subjects): one key per purpose, so that no hash helps
// with another. Internal to src/consent.
#pragma once

#include <string>
#include <string_view>

#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::consent {

class KeyedHash {
 public:
  KeyedHash(store::Store& store, store::KeyPurpose purpose) : store_(store), purpose_(purpose) {}

  // Hex; FailedPrecondition naming the key file when the store was opened without it.
  Result<std::string> Of(std::string_view text);

 private:
  store::Store& store_;
  store::KeyPurpose purpose_;
};

// Hex HMAC-SHA256 of `text` under `key` (its bytes as given); "" when OpenSSL fails.
std::string HmacHex(std::string_view key, std::string_view text);

std::string Hex(const unsigned char* data, size_t n);  // lower-case

}  // namespace rapport::consent
