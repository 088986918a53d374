// libFuzzer target: consent::ParseJwks, the reader of the key set an OpenID provider publishes
// (fetched over the network by rapport serve), on arbitrary bytes.
//
// Besides "no crash and no sanitizer report", it checks jwks.h's promises: a refusal is
// InvalidArgument in one line; an accepted set holds at least one key, each with an OpenSSL key
// that is RSA of 2048 to 8192 bits.
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "consent/jwks.h"

#include "fuzz_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using rapport::fuzz::Require;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto set = rapport::consent::ParseJwks(input);
  if (!set.ok()) {
    const std::string& message = set.status().message();
    Require(set.status().code() == rapport::Status::Code::kInvalidArgument,
            "a refusal is InvalidArgument", message);
    rapport::fuzz::RequireOneLine(message);
    return 0;
  }
  Require(!set->keys.empty(), "an accepted set has a key", "");
  for (const auto& k : set->keys) {
    Require(k.key != nullptr, "a key has an OpenSSL key", k.kid);
    Require(EVP_PKEY_get_base_id(k.key.get()) == EVP_PKEY_RSA, "a key is RSA", k.kid);
    const int bits = EVP_PKEY_get_bits(k.key.get());
    Require(bits >= 2048 && bits <= 8192, "a modulus of 2048 to 8192 bits", k.kid);
  }
  return 0;
}
