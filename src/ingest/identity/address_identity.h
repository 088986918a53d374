// Address identity: the key under which the store files an address, and what a display name says
// about which address is whose (SPEC §3: "an address belongs to one person").
//
// Contract (all functions are pure, never fail and never throw; any bytes are accepted):
// * AddressKey(address) is one string for every spelling of one mailbox. Leading and trailing
//   whitespace is ignored. The kinds, tried in this order:
//   - "notes:..." (a key of this kind already): lower-cased (ASCII).
//   - "/O=ENRON/OU=NA/CN=RECIPIENTS/CN=TLOHMAN" (an Exchange legacy X.500 DN, optionally followed
//     by "@domain" as Enron sometimes writes): the DN before the first '@', lower-cased (ASCII).
//   - "IMCEAEX-...@domain" and the other IMCEA encapsulations: the payload between the first '-'
//     and the last '@' is decoded ('_' -> '/', "+XX" -> byte 0xXX, then SanitizeText). EX: the
//     DN keyed as above. NOTES: the SMTP address inside it ("<a@b>", or "a@b@NOTESDOMAIN", or
//     "a@b") when there is one, else "notes:" + the decoded Notes name, lower-cased. SMTP and
//     INVALID: the SMTP address inside it when there is one. Whenever that fails (bad or
//     truncated hex, an EX payload that is no DN, an unknown type, nothing usable inside), the
//     key is the SMTP key of the whole address, as below.
//   - anything else, SMTP "local@domain": lower-cased (ASCII; other bytes of the local part kept
//     as written); the domain (after the last '@') loses trailing dots and spaces and, when it
//     holds a non-ASCII byte, becomes its IDNA A-label form (libidn2, UTS #46 non-transitional,
//     then transitional; kept lower-cased when both fail or give anything but letters, digits,
//     '-', '_' and '.'). Jörg@Bücher.DE -> jörg@xn--bcher-kva.de. Text without an '@' is simply
//     lower-cased.
// * AddressKey is idempotent: AddressKey(AddressKey(x)) == AddressKey(x) for every x (checked by
//   fuzz/address_identity_fuzz.cc). The key of valid UTF-8 without control characters is again
//   valid UTF-8 without control characters. An inner SMTP address is only taken from an IMCEA
//   address when it is itself a plain one (not IMCEA, X.500 or "notes:"), so no key decodes twice.
// * NameKey / NameMatchesLocalPart read a display name as RFC 2047-decoded text; see below.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rapport::ingest {

enum class AddressKind : uint8_t { kSmtp, kX500, kNotes };

std::string AddressKey(std::string_view address);

// The kind of a key returned by AddressKey ("notes:" prefix, leading '/', else SMTP).
AddressKind KeyKind(std::string_view key);
std::string_view KeyKindName(AddressKind kind);  // "smtp", "x500", "notes"

// True for "local@domain" with one '@', both sides non-empty, a '.' in the domain, and no
// whitespace, control character or any of "\"(),/:;<>[\]" (so Notes names such as
// "Tim Belden/HOU/ECT@ECT" or "ELM@ENRON" are not SMTP addresses).
bool IsSmtpAddress(std::string_view s);

// An SMTP key without its subaddress: alice+news@x.com -> alice@x.com. Unchanged for x500 and
// notes keys, without an '@', and when '+' is the first character of the local part.
std::string PlusBase(std::string_view key);

// A person's name normalised so that its spellings match: surrounding quotes, a trailing "<...>",
// parenthesised parts, a Notes hierarchy ("/HOU/ECT@ECT") and an "@ENRON" suffix are removed;
// the rest is lower-cased (ASCII) and split at whitespace, ',', '.', '-', '_', '"', ';' and ':'
// (so "Jean-Pierre" = "Jean Pierre"; an apostrophe stays inside its token, "o'neil", but not at
// its ends); initials (one character) and generational suffixes (jr, sr, ii, iii, iv) are
// dropped; the tokens are sorted and joined with one space. "Allen, Phillip K." and
// "Phillip K Allen" -> "allen phillip". Empty when fewer than two tokens remain: one word
// identifies nobody.
std::string NameKey(std::string_view display_name);

// A display name read as surname and given names, for matching against local parts. "Last,
// First" (a comma whose right side holds more than a generational suffix) puts the surname
// first; otherwise the last token is the surname. Tokens are lower-case; initials are kept.
struct PersonName {
  std::string surname;             // the last surname token
  std::string joined_surname;      // "Van Hooser, Steve": "vanhooser"; empty for one token
  std::vector<std::string> given;  // given names and initials
  bool usable() const { return !surname.empty() && !given.empty(); }
};
PersonName ParsePersonName(std::string_view display_name);

// True when `local` (a lower-cased local part) is built from `name` as corporate addresses are.
// Its tokens (LocalPartTokens) are the surname last with every other token a given name or the
// initial of one (tim.belden, m..driscoll, k..allen), or the surname first followed by such
// tokens (belden.tim), or one token that is the surname with a given name or its initial in
// front (tbelden, timbelden). A bare surname (.palmer) matches too: the caller pairs only when
// the match is unique. "The surname" is the last surname token or all of them joined.
bool MatchesLocalPart(const PersonName& name, std::string_view local);

// The tokens MatchesLocalPart reads in a local part: split at '.', '_', '-', without quotes (')
// at their ends, empty ones skipped.
std::vector<std::string_view> LocalPartTokens(std::string_view local);

// MatchesLocalPart for a display name and a whole address (the local part is before the last
// '@'; false without one).
bool NameMatchesLocalPart(std::string_view display_name, std::string_view address);

}  // namespace rapport::ingest
