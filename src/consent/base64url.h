// Base64url without padding (RFC 4648 §5): access tokens are written in it, and JSON Web Tokens
// and keys are read from it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rapport::consent {

std::string EncodeBase64Url(std::string_view bytes);

// Read strictly so that each byte string has one spelling only: std::nullopt on '=', on a
// character outside the alphabet, on a length that cannot be (4k+1) and on unused trailing bits
// that are not zero.
std::optional<std::string> DecodeBase64Url(std::string_view text);

}  // namespace rapport::consent
