#include "consent/keyed_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

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

Result<std::string> KeyedHash::Key() {
  if (!key_.empty()) return key_;
  auto stored = store_.Setting(setting_);
  if (!stored.ok()) return stored.status();
  if (*stored) {
    key_ = **stored;
    return key_;
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return Status::IoError("the system's random generator failed; try again");
  }
  key_ = Hex(bytes, sizeof bytes);
  OPENSSL_cleanse(bytes, sizeof bytes);
  RAPPORT_RETURN_IF_ERROR(store_.SetSetting(setting_, key_));
  return key_;
}

Result<std::string> KeyedHash::Of(std::string_view text) {
  auto key = Key();
  if (!key.ok()) return key.status();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
            reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, &length)) {
    return Status::IoError("HMAC-SHA256 failed (OpenSSL); try again");
  }
  return Hex(mac, length);
}

}  // namespace rapport::consent
