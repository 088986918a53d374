#include "consent/keyed_hash.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

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

std::string HmacHex(std::string_view key, std::string_view text) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, &length)) {
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
