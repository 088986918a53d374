#include "consent/jwt.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "consent/base64url.h"

namespace rapport::consent::jwt {
namespace {

using nlohmann::json;

// Entra's and other providers' tokens are 1-3 KiB (a user in very many groups gets a "groups
// overage" claim instead of a longer token). Anything past this is not worth decoding.
constexpr size_t kMaxTokenBytes = 16 * 1024;
constexpr int kMaxDepth = 16;                     // claims nest a level or two
constexpr int64_t kDateLimit = int64_t{1} << 62;  // dates are clamped here: no overflow below

// Names a refusal may repeat: registered JOSE algorithms (RFC 7518 §3.1, RFC 8037, RFC 8812). Any
// other "alg" is the sender's free text, and a message never echoes a token's content.
constexpr std::array<std::string_view, 15> kKnownAlgorithms = {
    "none",  "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256",
    "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA", "ES256K"};

// A JSON object, or std::nullopt (not JSON, not an object, or nested too deeply).
std::optional<json> ParseObject(const std::string& text) {
  bool too_deep = false;
  json::parser_callback_t limit = [&too_deep](int depth, json::parse_event_t, json&) {
    if (depth > kMaxDepth) too_deep = true;
    return depth <= kMaxDepth;
  };
  json doc = json::parse(text.begin(), text.end(), limit, /*allow_exceptions=*/false);
  if (doc.is_discarded() || too_deep || !doc.is_object()) return std::nullopt;
  return doc;
}

// A NumericDate (RFC 7519 §2): seconds, integer or not, clamped to ±2^62 (fractions dropped).
std::optional<int64_t> NumericDate(const json& value) {
  if (value.is_number_unsigned()) {
    return static_cast<int64_t>(std::min<uint64_t>(value.get<uint64_t>(), kDateLimit));
  }
  if (value.is_number_integer()) return std::clamp(value.get<int64_t>(), -kDateLimit, kDateLimit);
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (!std::isfinite(d)) return std::nullopt;
    if (d >= static_cast<double>(kDateLimit)) return kDateLimit;
    if (d <= -static_cast<double>(kDateLimit)) return -kDateLimit;
    return static_cast<int64_t>(std::floor(d));
  }
  return std::nullopt;
}

}  // namespace

Status Denied(std::string reason) {
  return Status::PermissionDenied(std::move(reason));
}
Status Malformed() {
  return Denied("malformed token");
}

std::optional<StringClaim> ReadString(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) return StringClaim{};
  if (!it->is_string()) return std::nullopt;
  return StringClaim{true, it->get<std::string>()};
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return lower(x) == lower(y);
  });
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b < 0x20 || b == 0x7F;
  });
}

std::string AsciiLower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

Status CheckAudience(const json& claims, const std::string& audience) {
  auto aud = claims.find("aud");
  if (aud == claims.end()) return Denied("wrong audience");
  if (aud->is_string()) {
    return aud->get_ref<const std::string&>() == audience ? Status::Ok() : Denied("wrong audience");
  }
  if (!aud->is_array()) return Malformed();
  for (const json& one : *aud) {
    if (one.is_string() && one.get_ref<const std::string&>() == audience) return Status::Ok();
  }
  return Denied("wrong audience");
}

Status CheckDates(const json& claims, int64_t now, int64_t leeway) {
  auto exp = claims.find("exp");
  if (exp == claims.end()) return Malformed();  // a token without an end is never ours
  std::optional<int64_t> expires = NumericDate(*exp);
  if (!expires) return Malformed();
  if (now >= *expires + leeway) return Denied("token expired");
  auto nbf = claims.find("nbf");
  if (nbf == claims.end()) return Status::Ok();
  std::optional<int64_t> not_before = NumericDate(*nbf);
  if (!not_before) return Malformed();
  if (now < *not_before - leeway) return Denied("token not yet valid");
  return Status::Ok();
}

Result<json> VerifiedClaims(const JwkSet* keys, std::string_view token) {
  // The form: three base64url parts, all read before anything is believed.
  if (token.empty() || token.size() > kMaxTokenBytes) return Malformed();
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Malformed();
  }
  const std::string_view signing_input = token.substr(0, dot2);
  auto header_text = DecodeBase64Url(token.substr(0, dot1));
  auto payload_text = DecodeBase64Url(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = DecodeBase64Url(token.substr(dot2 + 1));
  if (!header_text || !payload_text || !signature) return Malformed();
  std::optional<json> header = ParseObject(*header_text);
  if (!header) return Malformed();

  // The algorithm is ours to choose, not the token's.
  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string()) return Malformed();
  const auto& alg_name = alg->get_ref<const std::string&>();
  if (alg_name != "RS256") {
    const bool known = std::find(kKnownAlgorithms.begin(), kKnownAlgorithms.end(), alg_name) !=
                       kKnownAlgorithms.end();
    return Denied(known ? "algorithm " + alg_name + " not accepted" : "algorithm not accepted");
  }
  // RFC 7515 §4.1.11: extensions listed as critical must be understood; we understand none.
  if (header->contains("crit")) return Denied("critical header not understood");

  auto kid = ReadString(*header, "kid");
  if (!kid) return Malformed();
  if (keys == nullptr) return Denied("unknown signing key");  // a moved-from verifier has none
  bool any_key = false, verified = false;
  for (const RsaKey& key : keys->keys) {
    const bool named =
        kid->present ? !key.kid.empty() && key.kid == kid->value : keys->keys.size() == 1;
    if (!named) continue;
    any_key = true;
    if (VerifyRs256(key.key.get(), signing_input, *signature)) {
      verified = true;
      break;
    }
  }
  if (!any_key) return Denied("unknown signing key");
  if (!verified) return Denied("bad signature");

  std::optional<json> claims = ParseObject(*payload_text);
  if (!claims) return Malformed();
  return std::move(*claims);
}

}  // namespace rapport::consent::jwt
