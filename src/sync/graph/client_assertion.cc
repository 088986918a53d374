#include "sync/graph/client_assertion.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "consent/base64url.h"

namespace rapport::sync {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

std::string B64(std::string_view bytes) {
  return consent::EncodeBase64Url(bytes);
}

}  // namespace

Result<std::string> MakeClientAssertion(const std::string& certificate_file,
                                        const std::string& private_key_file,
                                        const std::string& client_id,
                                        const std::string& token_endpoint, int64_t now) {
  File cert_in(std::fopen(certificate_file.c_str(), "rb"));
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      cert_in ? PEM_read_X509(cert_in.get(), nullptr, nullptr, nullptr) : nullptr, X509_free);
  if (!cert) {
    return Status::InvalidArgument("cannot read a PEM certificate from '" + certificate_file +
                                   "' (--certificate)");
  }
  File key_in(std::fopen(private_key_file.c_str(), "rb"));
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      key_in ? PEM_read_PrivateKey(key_in.get(), nullptr, nullptr, nullptr) : nullptr,
      EVP_PKEY_free);
  if (!key) {
    return Status::InvalidArgument("cannot read a PEM private key from '" + private_key_file +
                                   "' (--private-key; it must not be encrypted)");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return Status::InvalidArgument("the private key '" + private_key_file +
                                   "' does not belong to the certificate '" + certificate_file +
                                   "'");
  }
  time_t at = static_cast<time_t>(now);
  if (X509_cmp_time(X509_get0_notAfter(cert.get()), &at) < 0) {
    return Status::PermissionDenied("the certificate '" + certificate_file +
                                    "' has expired: make a new one and upload it to the app "
                                    "registration (docs/connectors.md)");
  }
  unsigned char digest[32];
  unsigned int digest_len = 0;
  X509_digest(cert.get(), EVP_sha256(), digest, &digest_len);
  unsigned char random[16];
  RAND_bytes(random, sizeof random);
  nlohmann::ordered_json header{{"alg", "RS256"},
                                {"typ", "JWT"},
                                {"x5t#S256", B64({reinterpret_cast<char*>(digest), digest_len})}};
  nlohmann::ordered_json claims{{"aud", token_endpoint},
                                {"iss", client_id},
                                {"sub", client_id},
                                {"jti", B64({reinterpret_cast<char*>(random), sizeof random})},
                                {"nbf", now},
                                {"iat", now},
                                {"exp", now + 600}};
  std::string signing_input = B64(header.dump()) + "." + B64(claims.dump());
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    return Status::InvalidArgument("cannot sign with the private key '" + private_key_file +
                                   "' (an RSA key is needed)");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    return Status::InvalidArgument("cannot sign with the private key '" + private_key_file + "'");
  }
  signature.resize(length);
  return signing_input + "." + B64(signature);
}

}  // namespace rapport::sync
