#include "ingest/identity/identity_hints.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <tuple>
#include <utility>

#include "ingest/identity/address_identity.h"
#include "ingest/mail/encoded_word.h"

namespace rapport::ingest {
namespace {

using model::IdentityHint;
using model::Mailbox;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool Has(std::string_view s, char c) {
  return s.find(c) != std::string_view::npos;
}

bool StartsWithQuote(std::string_view s) {
  return !s.empty() && (s.front() == '"' || s.front() == '\'');
}

// A piece of a list between commas, trimmed, with what the glue rule needs to know of it.
struct Piece {
  std::string_view text;
  bool bare = true;  // no '<', '@' or '/' and not quoted: maybe a surname before its comma
  bool angle = false;
};

// Letters, digits and '.': no character the splitter has to look at.
bool IsPlainNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.';
}

// Splits at commas outside quotes, <...> and (...) (see the contract). An opener counts only
// when its closer occurs later in the value, so an unbalanced one cannot swallow the whole list.
// The last position of each closer is looked up once, when first needed (from the end, so it is
// found at once when present), which keeps the check linear.
std::vector<Piece> SplitPieces(std::string_view v) {
  constexpr size_t kUnknown = std::string_view::npos - 1;
  size_t last_dq = kUnknown, last_sq = kUnknown, last_gt = kUnknown, last_rp = kUnknown;
  auto later = [&](size_t i, size_t& last, char closer) {
    if (last == kUnknown) last = v.rfind(closer);
    return last != std::string_view::npos && i < last;
  };
  std::vector<Piece> pieces;
  Piece cur;
  auto finish = [&](size_t start, size_t end) {
    cur.text = Trim(v.substr(start, end - start));
    cur.bare = cur.bare && !StartsWithQuote(cur.text);
    if (!cur.text.empty()) pieces.push_back(cur);
    cur = Piece();
  };
  char closer = 0;  // the character that ends the quote or <...> we are in
  int depth = 0;    // parentheses
  size_t start = 0;
  bool at_start = true;  // nothing but whitespace yet in this piece
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (!closer && IsPlainNameChar(c)) {  // most bytes outside <...>: nothing to decide
      at_start = false;
      continue;
    }
    if (closer == '>' || closer == '\'') {  // no escapes in there: jump (DNs are long)
      i = std::min(v.find(closer, i), v.size());
      closer = 0;
      continue;
    }
    if (closer) {
      if (c == '\\') {
        ++i;
      } else if (c == closer) {
        closer = 0;
      }
      continue;
    }
    if (c == '<' || c == '@' || c == '/') cur.bare = false;
    if (c == '"' && later(i, last_dq, '"')) {
      closer = '"';
    } else if (c == '\'' && at_start && later(i, last_sq, '\'')) {
      closer = '\'';
    } else if (c == '<' && later(i, last_gt, '>')) {
      closer = '>';
      cur.angle = true;
    } else if (c == '(' && later(i, last_rp, ')')) {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      finish(start, i);
      start = i + 1;
      at_start = true;
      continue;
    }
    if (c != ' ' && c != '\t') at_start = false;
  }
  finish(start, v.size());
  return pieces;
}

bool IsAliasAddress(std::string_view s) {
  if (!s.empty() && s.front() == '/') return Has(s, '=');  // "/O=ENRON/OU=NA/..."
  if (StartsWithIgnoreCase(s, "IMCEA")) return Has(s, '-') && Has(s, '@');
  return IsSmtpAddress(s);
}

std::string_view Unquote(std::string_view s) {
  s = Trim(s);
  if (s.size() >= 2 && StartsWithQuote(s) && s.back() == s.front()) s = s.substr(1, s.size() - 2);
  return Trim(s);
}

// Where the <...> part starts, after a leading "quoted name" (which may hold a '<').
size_t FindAngle(std::string_view p) {
  size_t from = 0;
  if (!p.empty() && p.front() == '"') {
    for (from = 1; from < p.size() && p[from] != '"'; ++from) {
      if (p[from] == '\\') ++from;
    }
  }
  return p.find('<', std::min(from, p.size()));
}

// An entry as views into the field value: trimmed and unquoted, not yet decoded or sanitised
// (most entries are only compared, and copying them all would cost more than the matching).
struct EntryView {
  std::string_view name, alias;
  auto Fields() const { return std::tie(name, alias); }
};

std::string_view NameView(std::string_view name) {
  while (!name.empty() && (name.back() == ',' || name.back() == ' ' || name.back() == '\t')) {
    name.remove_suffix(1);
  }
  return Unquote(name);
}

EntryView ParseEntry(std::string_view piece) {
  std::string_view p = Unquote(piece);  // 'hhill@houston.rr.com', '"Name" <a@b>@ENRON'
  size_t lt = FindAngle(p);
  if (lt != std::string_view::npos) {
    size_t gt = p.find('>', lt);
    std::string_view inner =
        Trim(p.substr(lt + 1, gt == std::string_view::npos ? std::string_view::npos : gt - lt - 1));
    return {NameView(p.substr(0, lt)), IsAliasAddress(inner) ? inner : std::string_view()};
  }
  size_t at = p.rfind('@');
  if (IsAliasAddress(p)) return {{}, p};
  if (at != std::string_view::npos && !Has(p.substr(at), '.') && IsSmtpAddress(p.substr(0, at))) {
    return {{}, p.substr(0, at)};  // "jpetriello@prebon.com@ENRON": Notes' gateway suffix
  }
  return {NameView(p), {}};
}

// The entries of a list. "Belden" + "Tim </O=...>" glue into one: a surname piece and the rest
// of its entry, as one view of `value`.
std::vector<EntryView> SplitEntries(std::string_view value) {
  std::vector<Piece> pieces = SplitPieces(value);
  std::vector<EntryView> entries;
  entries.reserve(pieces.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    std::string_view p = pieces[i].text;
    if (pieces[i].bare && i + 1 < pieces.size() && pieces[i + 1].angle &&
        !StartsWithQuote(pieces[i + 1].text)) {
      const char* end = pieces[i + 1].text.data() + pieces[i + 1].text.size();
      p = std::string_view(p.data(), static_cast<size_t>(end - p.data()));
      ++i;
    }
    EntryView e = ParseEntry(p);
    if (!e.name.empty() || !e.alias.empty()) entries.push_back(e);
  }
  return entries;
}

// Plain printable ASCII needs no RFC 2047 decoding, the common case by far.
bool NeedsDecoding(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7F || (c == '=' && i + 1 < s.size() && s[i + 1] == '?') ||
        (c == ' ' && i + 1 < s.size() && s[i + 1] == ' ')) {
      return true;
    }
  }
  return false;
}

ExportEntry ToEntry(const EntryView& v) {
  return {NeedsDecoding(v.name) ? DecodeHeaderText(v.name) : std::string(v.name),
          SanitizeText(v.alias)};
}

// Marks hints equal to an earlier one by sorting hashes, not strings: lists of any length cost
// little.
void MarkRepeatedByHash(const std::vector<IdentityHint>& hints, std::vector<bool>& repeated) {
  std::hash<std::string_view> hash;
  std::vector<std::pair<uint64_t, uint32_t>> order;
  for (uint32_t i = 0; i < hints.size(); ++i) {
    const IdentityHint& h = hints[i];
    order.emplace_back(hash(h.address) ^ (hash(h.alias) * 31) ^ (hash(h.name) * 961), i);
  }
  std::sort(order.begin(), order.end());
  for (size_t a = 0; a < order.size(); ++a) {
    for (size_t b = a + 1; b < order.size() && order[b].first == order[a].first; ++b) {
      if (hints[order[a].second] == hints[order[b].second]) repeated[order[b].second] = true;
    }
  }
}

// Drops hints equal to an earlier one, keeping the order.
void DropRepeatedHints(std::vector<IdentityHint>& hints) {
  if (hints.size() < 2) return;
  std::vector<bool> repeated(hints.size());
  if (hints.size() <= 64) {  // the common case: a few compares, no hashing
    for (size_t b = 1; b < hints.size(); ++b) {
      for (size_t a = 0; a < b && !repeated[b]; ++a) repeated[b] = hints[a] == hints[b];
    }
  } else {
    MarkRepeatedByHash(hints, repeated);
  }
  size_t w = 0;
  for (size_t i = 0; i < hints.size(); ++i) {
    if (repeated[i]) continue;
    if (w != i) hints[w] = std::move(hints[i]);  // never a self-move: that may empty a string
    ++w;
  }
  hints.erase(hints.begin() + static_cast<std::ptrdiff_t>(w), hints.end());
}

struct Recipient {
  const Mailbox* mailbox;
  std::string local;                       // lower-cased local part
  mutable std::optional<std::string> key;  // AddressKey, computed when first needed

  const std::string& Key() const {
    if (!key) key = AddressKey(mailbox->address);
    return *key;
  }
};

Recipient MakeRecipient(const Mailbox& m) {
  std::string local = m.address.substr(0, m.address.rfind('@'));
  for (char& c : local) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return {&m, std::move(local), std::nullopt};
}

// Whether an alias is worth keying: a DN has an X.500 key, which only an X.500 recipient (a DN,
// or an IMCEAEX address that decodes to one) can share. Most Enron entries carry a DN and most
// recipients are SMTP addresses, so this spares most of the keying.
bool AliasMayMatch(std::string_view alias, bool x500_recipients) {
  return !alias.empty() && (x500_recipients || alias.front() != '/');
}

bool MayBeX500(const Recipient& r) {
  std::string_view a = r.mailbox->address;
  return (!a.empty() && a.front() == '/') || StartsWithIgnoreCase(a, "IMCEA");
}

// Which recipients an entry can match at all: by address key, and by the local-part tokens a
// surname must equal (the first or the last) or end (a one-token local part, "tlohman"). With it
// a list of a thousand entries and recipients costs thousands of checks, not a million. Rows of
// (hash, recipient), sorted and binary-searched: one allocation, and no string compares to sort.
// A hash collision only adds a candidate, which the full check then rejects.
class RecipientIndex {
 public:
  RecipientIndex(const std::vector<Recipient>& recipients, bool keys) {
    for (uint32_t j = 0; j < recipients.size(); ++j) {
      if (keys) Add(recipients[j].Key(), j);
      std::vector<std::string_view> t = LocalPartTokens(recipients[j].local);
      if (t.empty()) continue;
      Add(t.front(), j);
      if (t.size() > 1) Add(t.back(), j);
      if (t.size() == 1) AddSuffixes(t[0], j);
    }
    std::sort(rows_.begin(), rows_.end());
  }

  // Recipients worth checking against an entry, each once.
  std::vector<uint32_t> Candidates(const std::string& alias_key, const PersonName& person) const {
    std::vector<uint32_t> out;
    auto add = [&](std::string_view k) {
      uint64_t h = Hash(k);
      auto it = std::lower_bound(rows_.begin(), rows_.end(), std::pair<uint64_t, uint32_t>(h, 0));
      for (; it != rows_.end() && it->first == h; ++it) out.push_back(it->second);
    };
    if (!alias_key.empty()) add(alias_key);
    if (person.usable()) add(person.surname);
    if (person.usable() && !person.joined_surname.empty()) add(person.joined_surname);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

 private:
  static constexpr uint64_t kBase = 1099511628211u;  // odd, so no information is lost
  static constexpr size_t kMaxSuffixToken = 64;

  // A polynomial hash, the first character weighing most: the hashes of all suffixes of a token
  // then come from one pass from its end.
  static uint64_t Hash(std::string_view text) {
    uint64_t h = 0;
    for (char c : text) h = h * kBase + static_cast<unsigned char>(c) + 1;
    return h;
  }

  void Add(std::string_view text, uint32_t j) { rows_.emplace_back(Hash(text), j); }

  // Every proper suffix of a one-token local part, for "tlohman" = initial + surname. Not for
  // a huge token: that names no one, and would cost as many rows as it has bytes.
  void AddSuffixes(std::string_view token, uint32_t j) {
    if (token.size() > kMaxSuffixToken) return;
    uint64_t h = 0, power = 1;
    for (size_t k = token.size(); k-- > 1;) {
      h += (static_cast<unsigned char>(token[k]) + 1) * power;
      power *= kBase;
      rows_.emplace_back(h, j);
    }
  }
  std::vector<std::pair<uint64_t, uint32_t>> rows_;
};

// Below this many (entry, recipient) pairs, checking them all is cheaper than an index.
constexpr size_t kIndexFrom = 1024;

struct Match {
  uint32_t entry, recipient;
};

bool Matches(const std::string& alias_key, const PersonName& person, const Recipient& r) {
  return (!alias_key.empty() && alias_key == r.Key()) || MatchesLocalPart(person, r.local);
}

// Every (entry, recipient) that match, by entry; none when the work would exceed kMaxPairs. A
// list may name one mailbox twice (Enron's often do): a recipient with the key of the entry's
// first match is that same mailbox, not a second match that would make the entry ambiguous.
std::vector<Match> MatchEntries(const std::vector<EntryView>& entries,
                                const std::vector<Recipient>& recipients) {
  bool x500 = std::any_of(recipients.begin(), recipients.end(), MayBeX500);
  bool keys = std::any_of(entries.begin(), entries.end(),
                          [&](const EntryView& e) { return AliasMayMatch(e.alias, x500); });
  std::optional<RecipientIndex> index;
  if (entries.size() * recipients.size() >= kIndexFrom) index.emplace(recipients, keys);
  std::vector<Match> matches;
  size_t checks = 0;
  for (uint32_t i = 0; i < entries.size(); ++i) {
    const EntryView& e = entries[i];
    std::string alias_key = AliasMayMatch(e.alias, x500) ? AddressKey(e.alias) : "";
    std::string decoded;
    std::string_view name = e.name;
    if (NeedsDecoding(name)) name = decoded = DecodeHeaderText(name);
    PersonName person = ParsePersonName(name);
    size_t first = matches.size();
    auto check = [&](uint32_t j) {
      const Recipient& r = recipients[j];
      if (!Matches(alias_key, person, r)) return;
      if (matches.size() == first || recipients[matches[first].recipient].Key() != r.Key()) {
        matches.push_back({i, j});
      }
    };
    if (index) {
      std::vector<uint32_t> candidates = index->Candidates(alias_key, person);
      if ((checks += candidates.size()) > kMaxPairs) return {};
      for (uint32_t j : candidates) check(j);
    } else {
      for (uint32_t j = 0; j < recipients.size(); ++j) check(j);
    }
  }
  return matches;
}

std::optional<IdentityHint> MakeHint(const std::string& address, const EntryView& view) {
  ExportEntry e = ToEntry(view);
  if (e.alias.empty() && e.name.empty()) return {};
  if (e.name.empty() && AddressKey(e.alias) == AddressKey(address)) return {};
  return IdentityHint{address, std::move(e.alias), std::move(e.name)};
}

void PairList(std::string_view value, const std::vector<Mailbox>& mailboxes,
              std::vector<IdentityHint>& hints) {
  std::vector<EntryView> entries = SplitEntries(value);
  if (entries.empty()) return;
  std::vector<Recipient> recipients;
  recipients.reserve(mailboxes.size());
  for (const Mailbox& m : mailboxes) {
    if (!m.address.empty()) recipients.push_back(MakeRecipient(m));
  }
  // How many recipients each entry matches, and how many different entries each recipient
  // matches (copies of one entry count once, and give one hint).
  std::vector<uint32_t> per_entry(entries.size()), per_recipient(recipients.size());
  std::vector<uint32_t> recipient_of(entries.size()), entry_of(recipients.size());
  for (const Match& m : MatchEntries(entries, recipients)) {
    if (per_entry[m.entry]++ == 0) recipient_of[m.entry] = m.recipient;
    uint32_t& count = per_recipient[m.recipient];
    if (count == 0) {
      count = 1;
      entry_of[m.recipient] = m.entry;
    } else if (entries[entry_of[m.recipient]].Fields() != entries[m.entry].Fields()) {
      ++count;
    }
  }
  std::vector<bool> done(recipients.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    uint32_t j = recipient_of[i];
    if (per_entry[i] != 1 || per_recipient[j] != 1 || done[j]) continue;
    done[j] = true;
    if (auto h = MakeHint(recipients[j].mailbox->address, entries[i])) {
      hints.push_back(*std::move(h));
    }
  }
}

// X-From names one mailbox: a value without '<' and '@' is one name even with a comma in it.
void PairFrom(std::string_view value, const Mailbox& from, std::vector<IdentityHint>& hints) {
  if (from.address.empty()) return;
  std::vector<EntryView> entries;
  if (!Has(value, '<') && !Has(value, '@')) {
    if (!NameView(value).empty()) entries.push_back({NameView(value), {}});
  } else {
    entries = SplitEntries(value);
  }
  if (entries.size() != 1) return;
  if (auto h = MakeHint(from.address, entries[0])) hints.push_back(*std::move(h));
}

}  // namespace

std::vector<ExportEntry> ParseExportList(std::string_view value) {
  std::vector<ExportEntry> entries;
  for (const EntryView& v : SplitEntries(value)) {
    ExportEntry e = ToEntry(v);
    if (!e.name.empty() || !e.alias.empty()) entries.push_back(std::move(e));
  }
  return entries;
}

std::vector<IdentityHint> ReadIdentityHints(const HeaderBlock& block,
                                            const model::MessageMeta& meta) {
  std::vector<IdentityHint> hints;
  if (const HeaderField* f = block.Find("X-From")) PairFrom(f->value, meta.from, hints);
  if (const HeaderField* f = block.Find("X-To")) PairList(f->value, meta.to, hints);
  if (const HeaderField* f = block.Find("X-cc")) PairList(f->value, meta.cc, hints);
  // The same entry in X-To and X-cc, say, gives one hint.
  DropRepeatedHints(hints);
  return hints;
}

}  // namespace rapport::ingest
