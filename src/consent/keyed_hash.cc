#include "consent/keyed_hash.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <memory>

namespace rapport::consent {

std::string Hex(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 15]);
  }
  return out;
}

namespace {

struct MacContextFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

// This thread's HMAC-SHA256 context, its digest set once. OpenSSL's one-shot HMAC() looks up
// both algorithms by name on every call: two thirds of the cost of a short MAC, and a request's
// policy decision and audit take over a dozen. Null when OpenSSL cannot make one.
EVP_MAC_CTX* ThreadMac() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);  // shared, read-only
  thread_local const std::unique_ptr<EVP_MAC_CTX, MacContextFree> context = [] {
    std::unique_ptr<EVP_MAC_CTX, MacContextFree> c(mac ? EVP_MAC_CTX_new(mac) : nullptr);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (c && EVP_MAC_CTX_set_params(c.get(), params) != 1) c.reset();
    return c;
  }();
  return context.get();
}

}  // namespace

std::string HmacHex(std::string_view key, std::string_view text) {
  EVP_MAC_CTX* c = ThreadMac();
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t length = 0;
  // EVP_MAC_init with a key and no parameters starts a new MAC under that key; a null key
  // would keep the last one, so an empty key is passed as a non-null empty array.
  static const unsigned char kNoKey[1] = {0};
  const auto* key_bytes = key.empty() ? kNoKey : reinterpret_cast<const unsigned char*>(key.data());
  if (c == nullptr || EVP_MAC_init(c, key_bytes, key.size(), nullptr) != 1 ||
      EVP_MAC_update(c, reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1 ||
      EVP_MAC_final(c, mac, &length, sizeof mac) != 1) {
    return "";
  }
  return Hex(mac, length);
}

Result<std::string> KeyedHash::Of(std::string_view text) {
  auto key = store_.Keys().Key(purpose_);
  if (!key.ok()) return key.status();
  std::string mac = HmacHex(*key, text);
  if (mac.empty()) return Status::IoError("HMAC-SHA256 failed (OpenSSL); try again");
  return mac;
}

}  // namespace rapport::consent
