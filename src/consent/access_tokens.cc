#include "rapport/consent/access_tokens.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>

#include "consent/base64url.h"
#include "consent/keyed_hash.h"
#include "ingest/identity/address_identity.h"

namespace rapport::consent {
namespace {

// Its own key, not the opt-out key: one key per purpose, so neither hash helps with the other.
constexpr store::KeyPurpose kTokenKey = store::KeyPurpose::kAccessToken;
constexpr std::string_view kTokenPrefix = "rpt_";
constexpr std::string_view kSessionPrefix = "rps_";
constexpr size_t kRandomBytes = 32;
constexpr size_t kEncodedLength = 43;  // base64url of 32 bytes, unpadded

std::string_view PrefixOf(std::string_view kind) {
  return kind == "session" ? kSessionPrefix : kTokenPrefix;
}

bool WellFormed(std::string_view token, std::string_view prefix) {
  if (token.size() != prefix.size() + kEncodedLength || !token.starts_with(prefix)) return false;
  return std::all_of(token.begin() + prefix.size(), token.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

}  // namespace

Result<CreatedToken> AccessTokens::Create(std::string_view user, std::optional<int64_t> expires_at,
                                          int64_t now, std::string_view kind) {
  const std::string address = ingest::AddressKey(user);
  auto role = PolicyDecisionPoint(store_).RoleOf(address);
  if (!role.ok()) return role.status();
  if (*role == Role::kNone) {
    std::string msg = SingleQuoted(user);
    msg.append(
        " is not a user of this tenant; import the directory that lists them (rapport directory "
        "import) or name them an admin (rapport init --admin)");
    return Status::FailedPrecondition(std::move(msg));
  }
  if (expires_at && *expires_at <= now) {
    return Status::InvalidArgument("a token's expiry must be in the future");
  }
  unsigned char bytes[kRandomBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return Status::IoError("the system's random generator failed; try again");
  }
  CreatedToken out;
  out.token = std::string(PrefixOf(kind));
  out.token.append(EncodeBase64Url({reinterpret_cast<const char*>(bytes), sizeof bytes}));
  OPENSSL_cleanse(bytes, sizeof bytes);
  out.user = address;
  out.expires_at = expires_at;
  store::AccessToken row;
  auto hash = KeyedHash(store_, kTokenKey).Of(out.token);
  if (!hash.ok()) return hash.status();
  row.token_hash = std::move(*hash);
  row.user = address;
  row.created_at = now;
  row.expires_at = expires_at;
  row.kind = PrefixOf(kind) == kSessionPrefix ? "session" : "token";
  auto id = store_.AddAccessToken(row);
  if (!id.ok()) return id.status();
  out.id = *id;
  return out;
}

Result<Principal> AccessTokens::Authenticate(std::string_view bearer, int64_t now,
                                             std::string_view kind) {
  // A malformed token cannot be one we made: no look-up, and the same answer as a wrong one.
  if (!WellFormed(bearer, PrefixOf(kind))) return Status::PermissionDenied("unknown token");
  auto hash = KeyedHash(store_, kTokenKey).Of(bearer);
  if (!hash.ok()) return hash.status();
  auto found = store_.FindAccessToken(*hash);
  if (!found.ok()) return found.status();
  if (!*found) return Status::PermissionDenied("unknown token");
  const store::AccessToken& token = **found;
  if (token.kind != (PrefixOf(kind) == kSessionPrefix ? "session" : "token")) {
    return Status::PermissionDenied("unknown token");
  }
  if (token.revoked_at) return Status::PermissionDenied("token revoked");
  if (token.expires_at && now >= *token.expires_at) {
    return Status::PermissionDenied("token expired");
  }
  auto tenant = store_.Tenant();
  if (!tenant.ok()) return tenant.status();
  return Principal{token.user, tenant->name};
}

Result<std::vector<store::AccessToken>> AccessTokens::List() {
  return store_.ListAccessTokens();
}

Status AccessTokens::RevokeToken(std::string_view token, int64_t now) {
  auto hash = KeyedHash(store_, kTokenKey).Of(token);
  if (!hash.ok()) return hash.status();
  auto found = store_.FindAccessToken(*hash);
  if (!found.ok()) return found.status();
  if (!*found) return Status::PermissionDenied("unknown token");
  return store_.RevokeAccessToken((*found)->id, now);
}

Status AccessTokens::Revoke(int64_t id, int64_t now) {
  return store_.RevokeAccessToken(id, now);
}

}  // namespace rapport::consent
