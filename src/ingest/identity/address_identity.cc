#include "ingest/identity/address_identity.h"

#include <idn2.h>

#include <algorithm>
#include <optional>

#include "ingest/mail/encoded_word.h"
#include "ingest/mail/header_block.h"

namespace rapport::ingest {
namespace {

constexpr std::string_view kNotesPrefix = "notes:";
// No real domain is longer (RFC 1035: 253); longer text is not worth handing to libidn2.
constexpr size_t kMaxIdnaInput = 1024;

// Character tests as plain comparisons: string_view::find over a set of characters costs a
// memchr call per character, and these run for every byte of every X-To field.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return out;
}

bool HasNonAscii(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// libidn2's A-label form of a lower-cased domain. Only a result made of LDH characters, '.' and
// '_' is taken: UTS #46 maps e.g. U+FF20 to '@', which would move the split between local part
// and domain and so break the idempotence of AddressKey.
std::string IdnaDomain(const std::string& domain) {
  if (domain.size() > kMaxIdnaInput || domain.find('\0') != std::string::npos) return domain;
  char* out = nullptr;
  int rc = idn2_to_ascii_8z(domain.c_str(), &out, IDN2_NONTRANSITIONAL);
  if (rc != IDN2_OK) rc = idn2_to_ascii_8z(domain.c_str(), &out, IDN2_TRANSITIONAL);
  if (rc != IDN2_OK) return domain;
  std::string ascii = Lower(out);
  idn2_free(out);
  while (!ascii.empty() && ascii.back() == '.') ascii.pop_back();
  bool ldh = std::all_of(ascii.begin(), ascii.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
  });
  return ldh && !ascii.empty() ? ascii : domain;
}

std::string SmtpKey(std::string_view trimmed) {
  std::string s = Lower(trimmed);
  size_t at = s.rfind('@');
  if (at == std::string::npos) return s;
  while (s.size() > at + 1 && (s.back() == '.' || IsSpace(s.back()))) {
    s.pop_back();
  }
  if (HasNonAscii(std::string_view(s).substr(at + 1))) {
    std::string domain = IdnaDomain(s.substr(at + 1));
    s.replace(at + 1, std::string::npos, domain);
  }
  return s;
}

// An X.500 DN, without the "@domain" Enron sometimes appends.
std::string X500Key(std::string_view dn) {
  return Lower(Trim(dn.substr(0, dn.find('@'))));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// IMCEA payload: '_' stands for '/', "+XX" for the byte 0xXX. False on bad or truncated hex.
bool DecodeImcea(std::string_view payload, std::string& out) {
  std::string raw;
  raw.reserve(payload.size());
  for (size_t i = 0; i < payload.size(); ++i) {
    char c = payload[i];
    if (c == '_') {
      raw.push_back('/');
    } else if (c != '+') {
      raw.push_back(c);
    } else {
      if (i + 2 >= payload.size()) return false;  // truncated
      int hi = HexValue(payload[i + 1]), lo = HexValue(payload[i + 2]);
      if (hi < 0 || lo < 0) return false;
      raw.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
  }
  out = SanitizeText(raw);
  return true;
}

// The SMTP address inside a decoded Notes or SMTP payload: "<a@b>", "a@b@NOTESDOMAIN" or "a@b".
// Empty when there is none, or when it is itself an IMCEA address (so no key decodes twice).
std::string_view InnerSmtp(std::string_view decoded) {
  std::string_view found;
  size_t lt = decoded.find('<');
  size_t gt = lt == std::string_view::npos ? lt : decoded.find('>', lt);
  std::string_view s = Trim(decoded);
  size_t at = s.rfind('@');
  if (gt != std::string_view::npos && IsSmtpAddress(Trim(decoded.substr(lt + 1, gt - lt - 1)))) {
    found = Trim(decoded.substr(lt + 1, gt - lt - 1));
  } else if (IsSmtpAddress(s)) {
    found = s;
  } else if (at != std::string_view::npos && s.substr(at).find('.') == std::string_view::npos &&
             IsSmtpAddress(s.substr(0, at))) {
    found = s.substr(0, at);
  }
  return StartsWithIgnoreCase(found, "IMCEA") ? std::string_view() : found;
}

std::optional<std::string> ImceaKey(std::string_view a) {
  size_t dash = a.find('-'), at = a.rfind('@');
  // The payload ends at the last '@': the domain after it is the gateway's, never part of it.
  if (dash == std::string_view::npos || at == std::string_view::npos || at < dash) return {};
  std::string decoded;
  if (!DecodeImcea(a.substr(dash + 1, at - dash - 1), decoded)) return {};
  std::string_view type = a.substr(5, dash - 5), text = Trim(decoded);
  if (EqualsIgnoreCase(type, "EX")) {
    if (!text.empty() && text.front() == '/') return X500Key(text);
  } else if (EqualsIgnoreCase(type, "NOTES")) {
    if (auto inner = InnerSmtp(decoded); !inner.empty()) return SmtpKey(inner);
    if (!text.empty()) return std::string(kNotesPrefix) + Lower(text);
  } else if (EqualsIgnoreCase(type, "SMTP") || EqualsIgnoreCase(type, "INVALID")) {
    if (auto inner = InnerSmtp(decoded); !inner.empty()) return SmtpKey(inner);
  }
  return {};
}

// ---- names ----

bool IsNameSeparator(char c) {
  return IsSpace(c) || c == ',' || c == '.' || c == '-' || c == '_' || c == '"' || c == ';' ||
         c == ':';
}

bool IsGenerationalSuffix(std::string_view t) {
  return t == "jr" || t == "sr" || t == "ii" || t == "iii" || t == "iv";
}

// One character: one byte, or one UTF-8 lead byte with its continuation bytes.
bool IsInitial(std::string_view t) {
  auto is_lead = [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; };
  return !t.empty() && std::count_if(t.begin(), t.end(), is_lead) <= 1;
}

std::string_view StripQuotes(std::string_view s) {
  s = Trim(s);
  while (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    s = Trim(s.substr(1, s.size() - 2));
  }
  return s;
}

// What of a display name is the person's name: no quotes, "<...>", "(...)", Notes hierarchy
// ("/HOU/ECT@ECT") or "@ENRON" suffix. One pass, one string: it runs for every export entry.
std::string CleanDisplayName(std::string_view name) {
  std::string_view s = StripQuotes(name);
  s = StripQuotes(s.substr(0, s.find('<')));
  std::string out;
  int depth = 0;
  for (char c : s) {
    if (c == '(') ++depth;
    if (depth == 0 && (c == '/' || c == '@')) break;
    if (depth == 0 && c != ')') out.push_back(c);
    if (c == ')' && depth > 0) --depth;
  }
  return out;
}

// Appends the lower-cased tokens of `s`, without generational suffixes and without apostrophes at
// a token's ends, to `tokens`.
void AppendNameTokens(std::string_view s, std::vector<std::string>& tokens) {
  for (size_t i = 0; i < s.size();) {
    size_t end = i;
    while (end < s.size() && !IsNameSeparator(s[end])) ++end;
    std::string_view t = s.substr(i, end - i);
    while (!t.empty() && t.front() == '\'') t.remove_prefix(1);
    while (!t.empty() && t.back() == '\'') t.remove_suffix(1);
    if (!t.empty()) {
      std::string& token = tokens.emplace_back(t);
      for (char& c : token) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
      }
      if (IsGenerationalSuffix(token)) tokens.pop_back();
    }
    i = end + 1;
  }
}

std::vector<std::string> NameTokens(std::string_view s) {
  std::vector<std::string> tokens;
  AppendNameTokens(s, tokens);
  return tokens;
}

std::string Join(const std::vector<std::string>& tokens, std::string_view sep) {
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) out += sep;
    out += t;
  }
  return out;
}

// Calls f(token) for each token of a local part (split at '.', '_', '-', without quotes at the
// ends: Enron's export turned "Michelle Nelson" into michelle'.'nelson@), empty ones skipped.
template <typename F>
void ForEachLocalToken(std::string_view local, F f) {
  for (size_t i = 0; i <= local.size();) {
    size_t end = i;
    while (end < local.size() && local[end] != '.' && local[end] != '_' && local[end] != '-') ++end;
    std::string_view t = local.substr(i, end - i);
    while (!t.empty() && t.front() == '\'') t.remove_prefix(1);
    while (!t.empty() && t.back() == '\'') t.remove_suffix(1);
    if (!t.empty()) f(t);
    i = end + 1;
  }
}

// CleanDisplayName as a view when it can be one: most names have no parentheses, and then the
// clean name is a part of the input, not a copy (this runs for every export entry).
std::string_view NamePart(std::string_view display_name, std::string& storage) {
  std::string_view s = StripQuotes(display_name);
  s = StripQuotes(s.substr(0, s.find('<')));
  if (std::any_of(s.begin(), s.end(), [](char c) { return c == '(' || c == ')'; })) {
    return storage = CleanDisplayName(display_name);
  }
  return s.substr(0, std::min(s.find('/'), s.find('@')));
}

bool IsSurname(const PersonName& name, std::string_view t) {
  return t == name.surname || (!name.joined_surname.empty() && t == name.joined_surname);
}

// A given name, or the initial of one.
bool IsGiven(const PersonName& name, std::string_view t) {
  return std::any_of(name.given.begin(), name.given.end(), [&](const std::string& g) {
    return t == g || (t.size() == 1 && g.front() == t.front());
  });
}

// One token made of a given name or initial, then the surname: "tlohman", "timbelden".
bool IsGivenThenSurname(const PersonName& name, std::string_view token) {
  for (const std::string* s : {&name.surname, &name.joined_surname}) {
    if (!s->empty() && token.size() > s->size() && token.ends_with(*s) &&
        IsGiven(name, token.substr(0, token.size() - s->size()))) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool IsSmtpAddress(std::string_view s) {
  size_t at = s.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 >= s.size()) return false;
  if (s.find('@', at + 1) != std::string_view::npos) return false;
  if (s.find('.', at + 1) == std::string_view::npos) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    switch (c) {
      case '"':
      case '(':
      case ')':
      case ',':
      case '/':
      case ':':
      case ';':
      case '<':
      case '>':
      case '[':
      case '\\':
      case ']':
      case 0x7F:
        return true;
      default:
        return static_cast<unsigned char>(c) <= 0x20;
    }
  });
}

std::string AddressKey(std::string_view address) {
  std::string_view a = Trim(address);
  if (StartsWithIgnoreCase(a, kNotesPrefix)) return Lower(a);
  if (!a.empty() && a.front() == '/') return X500Key(a);
  if (StartsWithIgnoreCase(a, "IMCEA")) {
    if (auto key = ImceaKey(a)) return *std::move(key);
  }
  return SmtpKey(a);
}

AddressKind KeyKind(std::string_view key) {
  if (key.substr(0, kNotesPrefix.size()) == kNotesPrefix) return AddressKind::kNotes;
  if (!key.empty() && key.front() == '/') return AddressKind::kX500;
  return AddressKind::kSmtp;
}

std::string_view KeyKindName(AddressKind kind) {
  switch (kind) {
    case AddressKind::kX500:
      return "x500";
    case AddressKind::kNotes:
      return "notes";
    case AddressKind::kSmtp:
      break;
  }
  return "smtp";
}

std::string PlusBase(std::string_view key) {
  size_t at = key.rfind('@'), plus = key.find('+');
  if (KeyKind(key) != AddressKind::kSmtp || at == std::string_view::npos || plus == 0 ||
      plus >= at) {
    return std::string(key);
  }
  return std::string(key.substr(0, plus)).append(key.substr(at));
}

std::string NameKey(std::string_view display_name) {
  std::vector<std::string> tokens = NameTokens(CleanDisplayName(display_name));
  std::erase_if(tokens, [](const std::string& t) { return IsInitial(t); });
  if (tokens.size() < 2) return {};
  std::sort(tokens.begin(), tokens.end());
  return Join(tokens, " ");
}

PersonName ParsePersonName(std::string_view display_name) {
  std::string storage;
  std::string_view s = NamePart(display_name, storage);
  size_t comma = s.find(',');
  PersonName p;
  std::vector<std::string> tokens;
  tokens.reserve(4);
  AppendNameTokens(s.substr(0, comma), tokens);
  size_t left = tokens.size();
  if (comma != std::string_view::npos) AppendNameTokens(s.substr(comma + 1), tokens);
  // "Last, First"; but "Ruehl, Jr." has no given name after the comma, so it is "First Last".
  bool last_first = left > 0 && left < tokens.size();
  size_t surname_end = last_first ? left : tokens.size();
  if (tokens.size() < 2) return p;
  p.surname = tokens[surname_end - 1];
  if (last_first && left > 1) {
    for (size_t i = 0; i < left; ++i) p.joined_surname += tokens[i];
  }
  tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(last_first ? 0 : surname_end - 1),
               tokens.begin() + static_cast<std::ptrdiff_t>(surname_end));
  p.given = std::move(tokens);
  return p;
}

std::vector<std::string_view> LocalPartTokens(std::string_view local) {
  std::vector<std::string_view> tokens;
  ForEachLocalToken(local, [&](std::string_view t) { tokens.push_back(t); });
  return tokens;
}

bool MatchesLocalPart(const PersonName& name, std::string_view local) {
  if (!name.usable()) return false;
  // Cheap rejection first: ReadIdentityHints tries every entry against many recipients.
  auto in_local = [&](const std::string& s) {
    return !s.empty() && local.find(s) != std::string_view::npos;
  };
  if (!in_local(name.surname) && !in_local(name.joined_surname)) return false;
  // One pass over the tokens, without storing them: first, last, and whether the tokens before
  // the last (after the first) are all given names or initials.
  std::string_view first, last;
  size_t count = 0;
  bool given_before_last = true, given_so_far = true, given_after_first = true;
  ForEachLocalToken(local, [&](std::string_view t) {
    bool g = IsGiven(name, t);
    given_before_last = given_so_far;
    given_so_far = given_so_far && g;
    if (count > 0) given_after_first = given_after_first && g;
    if (count++ == 0) first = t;
    last = t;
  });
  if (count == 0) return false;
  if (IsSurname(name, last) && given_before_last) return true;
  if (count >= 2 && IsSurname(name, first) && given_after_first) return true;
  return count == 1 && IsGivenThenSurname(name, first);
}

bool NameMatchesLocalPart(std::string_view display_name, std::string_view address) {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos) return false;
  return MatchesLocalPart(ParsePersonName(display_name), Lower(address.substr(0, at)));
}

}  // namespace rapport::ingest
