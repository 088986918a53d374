// Percent-encoding (RFC 3986 §2.1) for the URLs and forms the live sources build.
#pragma once

#include <string>
#include <string_view>

namespace rapport::sync {

// Keeps ASCII letters, digits, "-_.~" and the characters in `also_keep`; %XX for every other byte.
inline std::string PercentEncode(std::string_view s, std::string_view also_keep = {}) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '~' ||
                 also_keep.find(static_cast<char>(c)) != std::string_view::npos;
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace rapport::sync
