// Identity hints: what the X-From, X-To and X-cc fields of the Enron release (written by the
// Exchange and Notes exports) say about the sender's and recipients' directory names and
// addresses: "Lohman, TK </O=ENRON/OU=NA/CN=RECIPIENTS/CN=TLOHMAN>" next to To:
// tk.lohman@enron.com.
//
// Contract:
// * ParseExportList splits such a field, which is NOT RFC 5322: display names hold unquoted
//   commas ("Belden, Tim </O=...>, Carla Hoffman/PDX/ECT@ECT, rcarroll@bracepatt.com"). Rule:
//   split at commas outside "double quotes", <angle brackets>, (parentheses) and a 'single-quoted'
//   piece (a single quote counts only as a piece's first character, so O'Neil is no quote; an
//   opener without a closer later in the value is plain text). Then a piece holding none of
//   '<', '@', '/' and not quoted is glued to the next piece when that one holds a <...> part
//   and does not start with a quote: "Belden" + " Tim </O=...>". Each piece gives (name, alias):
//   the alias is the first <...> part when it is an X.500 DN, an IMCEA or an SMTP address; a
//   bare SMTP address (also with a Notes "@ENRON" after it) is an alias without a name; anything
//   else bare is a name (a Notes name "Carla Hoffman/PDX/ECT@ECT" stays as written). Names are
//   RFC 2047-decoded and, like aliases, valid UTF-8 without control characters.
// * ReadIdentityHints pairs the entries with the message's real addresses:
//   - X-From with From: when X-From holds exactly one entry (a value without '<' and '@' is one
//     name even with commas: "Williamson, Joannie"), unconditionally.
//   - X-To with To, X-cc with Cc: identical entries count once, and so do recipients with one
//     AddressKey (the first is named in the hint). An entry and a recipient match when the entry's
//     alias has the recipient's AddressKey or its name builds the recipient's local part
//     (MatchesLocalPart). They pair only when the entry matches exactly that one recipient and the
//     recipient matches no other entry; unpaired entries yield nothing. In long lists candidates
//     are found through an index (address key; first, last and suffixes of one-token local parts
//     of up to 64 bytes), and a header pair that would need more than kMaxPairs (entry,
//     recipient) checks yields nothing, so an 8 MiB header cannot cost minutes.
//   - A hint without alias and name, or whose alias has the address's key and that has no name,
//     is dropped; identical hints are kept once. Most mail has no X- fields and so no hints.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/mail/header_block.h"
#include "rapport/model/message.h"

namespace rapport::ingest {

struct ExportEntry {
  std::string name;   // display name as written (unquoted, decoded); may be empty
  std::string alias;  // X.500 DN, IMCEA or SMTP address as written; may be empty

  friend bool operator==(const ExportEntry&, const ExportEntry&) = default;
};

inline constexpr size_t kMaxPairs = size_t{1} << 18;

std::vector<ExportEntry> ParseExportList(std::string_view value);

std::vector<model::IdentityHint> ReadIdentityHints(const HeaderBlock& block,
                                                   const model::MessageMeta& meta);

}  // namespace rapport::ingest
