// Differential test: rapport's header parser against GMime 3, an independent and widely deployed
// RFC 5322 parser, over every well-formed mail message of the shared corpus.
//
// For each message both parsers read the same bytes; the test compares the sender, To/Cc/Bcc
// (lower-cased, groups flattened, mailboxes without '@' ignored), the Date (UTC seconds and
// offset), Message-ID, the first In-Reply-To id and the References ids. Where rapport rejects a
// message, GMime must find no usable sender or date either. Any difference is a mismatch to
// explain: a rapport bug (fix the parser), or a GMime quirk where rapport follows RFC 5322 or its
// own documented contract. Each such quirk has a narrow normalisation below, lettered A to I, and
// the output counts how often each applied:
//   A  malformed addr-spec that GMime drops         F  leading byte-order mark
//   B  needlessly quoted local part                  G  lower-case obs-zone ("cst")
//   C  4-digit year below 100 ("0001")               H  AM/PM clock
//   D  bare message id without <>                    I  zone glued to the time ("00:01+0000")
//   E  References after an id without '@'
#include <gmime/gmime.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/mail/address_list.h"
#include "ingest/mail/mbox_reader.h"
#include "ingest/mail/message_parser.h"

namespace rapport::ingest {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// The mail sets. Each is a folder of the corpus plus a predicate over paths relative to it.

struct MailSet {
  const char* name;
  const char* root;  // relative to the corpus
  bool mbox;         // files are mbox files (split with MboxReader), else one message per file
  bool (*accept)(std::string_view relative_path);
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
std::string_view BaseName(std::string_view p) {
  size_t slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

bool AnyFile(std::string_view) {
  return true;
}
bool EmlFile(std::string_view p) {
  return EndsWith(p, ".eml");
}
bool RustPythonMessage(std::string_view p) {
  std::string_view base = BaseName(p);
  return base.substr(0, 4) == "msg_" && EndsWith(base, ".txt");
}
// notmuch's corpora other than lkml and default; `broken` holds deliberately malformed mail.
bool NotmuchOther(std::string_view p) {
  for (std::string_view skip : {"lkml/", "default/", "broken/"}) {
    if (p.substr(0, skip.size()) == skip) return false;
  }
  return p != "README";
}
// MimeKit's single-message test data; the .tnef blobs and yEnc state-machine input are not mail.
bool MimeKitMessage(std::string_view p) {
  if (p.substr(0, 5) == "mbox/" || EndsWith(p, ".tnef")) return false;
  return !EndsWith(p, "state-changes.ntx");
}
bool MimeKitMbox(std::string_view p) {
  return EndsWith(p, ".mbox.txt");
}
bool MboxFile(std::string_view p) {
  return EndsWith(p, ".mbox");
}
bool LibicalMime(std::string_view p) {
  return EndsWith(p, "-mime.txt");
}

// Names the set in gtest's output instead of dumping its bytes.
void PrintTo(const MailSet& set, std::ostream* os) {
  *os << set.name;
}

constexpr MailSet kMailSets[] = {
    {"enron_mbox", "jpvance123_Amdocs_ML_Email_Analytics/MailDir_to_MBOX/enron", true, AnyFile},
    {"enron_maildir", "tequalsme_accumulo-starter", false, AnyFile},
    {"linux_s390", "linux-mailinglist-archives_linux-s390.vger.kernel.org.0", false, EmlFile},
    {"usrp_users", "linux-mailinglist-archives_usrp-users.lists.ettus.com.0", false, EmlFile},
    {"notmuch_lkml", "notmuch_notmuch/test/corpora/lkml", false, AnyFile},
    {"notmuch_default", "notmuch_notmuch/test/corpora/default", false, AnyFile},
    {"notmuch_other", "notmuch_notmuch/test/corpora", false, NotmuchOther},
    {"rustpython", "RustPython_RustPython/Lib/test/test_email/data", false, RustPythonMessage},
    {"mimekit_messages", "jstedfast_MimeKit/UnitTests/TestData", false, MimeKitMessage},
    {"mimekit_mbox", "jstedfast_MimeKit/UnitTests/TestData/mbox", true, MimeKitMbox},
    {"aspose_eml", "aspose-email_Aspose.Email-for-.NET", false, EmlFile},
    {"aspose_mbox", "aspose-email_Aspose.Email-for-.NET", true, MboxFile},
    {"cpython_mbox", "python_cpython", true, MboxFile},
    {"libical_mime", "libical_libical/test-data", false, LibicalMime},
};

// ---------------------------------------------------------------------------------------------
// What both parsers are compared on, normalised the same way on both sides.

struct Fields {
  std::string sender;           // lower-cased; empty when there is no usable sender
  bool sender_excused = false;  // rapport's sender is a mailbox GMime drops (normalisation A)
  std::vector<std::string> to, cc, bcc;
  std::optional<int64_t> utc_seconds;
  int32_t offset_minutes = 0;
  bool twelve_hour_clock = false;  // the Date has an AM/PM marker (normalisation H)
  std::string message_id, in_reply_to;
  std::vector<std::string> references;

  bool Usable() const { return !sender.empty() && utc_seconds.has_value(); }
};

// How often each normalisation changed what is compared, per set, so that the output shows how
// much they hide. Tests run one after another, so one tally per process suffices.
std::map<std::string, size_t>& NormalisationTally() {
  static std::map<std::string, size_t> tally;
  return tally;
}
void Tally(const char* normalisation) {
  ++NormalisationTally()[normalisation];
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(g_ascii_tolower(c));
  return out;
}
std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(g_ascii_toupper(c));
  return out;
}

// Mailboxes without '@' are ignored on both sides: they carry no address to compare.
void AddAddress(std::string_view address, std::vector<std::string>& out) {
  if (address.find('@') != std::string_view::npos) out.push_back(Lower(address));
}

std::vector<std::string> Addresses(const std::vector<model::Mailbox>& mailboxes) {
  std::vector<std::string> out;
  for (const auto& m : mailboxes) AddAddress(m.address, out);
  return out;
}

Fields RapportFields(const model::MessageMeta& meta) {
  Fields f;
  std::vector<std::string> sender;
  AddAddress(meta.from.address, sender);
  if (!sender.empty()) f.sender = sender.front();
  f.to = Addresses(meta.to);
  f.cc = Addresses(meta.cc);
  f.bcc = Addresses(meta.bcc);
  f.utc_seconds = meta.sent.utc_seconds;
  f.offset_minutes = meta.sent.offset_minutes;
  f.message_id = meta.message_id;
  f.in_reply_to = meta.in_reply_to;
  f.references = meta.references;
  return f;
}

// ---------------------------------------------------------------------------------------------
// Small RFC 5322 lexical helpers, used only to decide whether a normalisation applies.

constexpr size_t kNpos = std::string_view::npos;

// atext of RFC 5322 §3.2.3, plus the UTF-8 bytes that RFC 6532 §3.2 adds.
bool IsAtext(char c) {
  if (static_cast<unsigned char>(c) >= 0x80 || g_ascii_isalnum(c)) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != kNpos;
}

bool IsDotAtom(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.' || s.find("..") != kNpos) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '.' || IsAtext(c); });
}

// `i` is at an opening '"'; returns the index after the closing one, or kNpos.
size_t SkipQuoted(std::string_view s, size_t i) {
  for (size_t j = i + 1; j < s.size(); ++j) {
    if (s[j] == '\\') {
      ++j;
    } else if (s[j] == '"') {
      return j + 1;
    }
  }
  return kNpos;
}

size_t FindUnquoted(std::string_view s, char c, size_t from) {
  size_t i = from;
  while (i < s.size() && s[i] != c) i = s[i] == '"' ? SkipQuoted(s, i) : i + 1;
  return i < s.size() ? i : kNpos;
}

size_t SkipWsp(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
  return i;
}

// local-part = word *("." word), word = atom / quoted-string (RFC 5322 §3.4.1 and §4.4).
bool ValidLocalPart(std::string_view local) {
  for (size_t i = 0;;) {
    i = SkipWsp(local, i);
    if (i >= local.size()) return false;
    size_t end = i;
    if (local[i] == '"') {
      end = SkipQuoted(local, i);
    } else {
      while (end < local.size() && IsAtext(local[end])) ++end;
    }
    if (end == kNpos || end == i) return false;
    i = SkipWsp(local, end);
    if (i == local.size()) return true;
    if (local[i++] != '.') return false;
  }
}

// Splits a raw address-list value at the ',', ';' and ':' outside quotes, comments and angle
// brackets, so that each piece holds at most one mailbox (group names become pieces of their own).
std::vector<std::string> MailboxPieces(std::string_view v) {
  std::vector<std::string> pieces(1);
  int comment = 0;
  bool quoted = false, angle = false;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if ((quoted || comment > 0) && c == '\\' && i + 1 < v.size()) {
      pieces.back() += v.substr(i++, 2);
      continue;
    }
    if (quoted) {
      quoted = c != '"';
    } else if (comment > 0) {
      comment += c == '(' ? 1 : c == ')' ? -1 : 0;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '(') {
      comment = 1;
    } else if (c == '<' || c == '>') {
      angle = c == '<';
    } else if (!angle && (c == ',' || c == ';' || c == ':')) {
      pieces.emplace_back();
      continue;
    }
    pieces.back() += c;
  }
  return pieces;
}

// The addr-spec of one mailbox piece: inside <...> (after an obs-route, RFC 5322 §4.4) if present.
std::string_view AddrSpecOf(std::string_view piece) {
  size_t lt = FindUnquoted(piece, '<', 0);
  if (lt == kNpos) return piece;
  std::string_view spec = piece.substr(lt + 1);
  spec = spec.substr(0, spec.find('>'));
  if (!spec.empty() && spec.front() == '@' && spec.find(':') != kNpos) {
    spec.remove_prefix(spec.find(':') + 1);
  }
  return spec;
}

// True when the addr-spec of `piece` breaks RFC 5322 §3.4.1: a local part that is not
// word *("." word) ("k..allen", ".ward", wells"."tori), a second unquoted '@', or raw 8-bit bytes
// that are not UTF-8 (RFC 6532 allows UTF-8 only).
bool MalformedAddrSpec(std::string_view piece) {
  std::string_view spec = AddrSpecOf(piece);
  if (!g_utf8_validate(spec.data(), static_cast<gssize>(spec.size()), nullptr)) return true;
  size_t at = FindUnquoted(spec, '@', 0);
  if (at == kNpos) return false;
  if (FindUnquoted(spec, '@', at + 1) != kNpos) return true;
  return !ValidLocalPart(spec.substr(0, at));
}

// Whitespace-, comma- and parenthesis-separated words of a Date value.
std::vector<std::string_view> DateWords(std::string_view v) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < v.size()) {
    size_t end = v.find_first_of(" \t\r\n,()", i);
    if (end == kNpos) end = v.size();
    if (end > i) words.push_back(v.substr(i, end - i));
    i = end + 1;
  }
  return words;
}

// ---------------------------------------------------------------------------------------------
// GMime side. GObjects are owned through unique_ptr so every path releases them.

struct GObjectUnref {
  void operator()(void* object) const { g_object_unref(object); }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct ReferencesFree {
  void operator()(GMimeReferences* refs) const { g_mime_references_free(refs); }
};
using ReferencesPtr = std::unique_ptr<GMimeReferences, ReferencesFree>;

struct DateTimeUnref {
  void operator()(GDateTime* date) const { g_date_time_unref(date); }
};
using DateTimePtr = std::unique_ptr<GDateTime, DateTimeUnref>;

struct GFree {
  void operator()(char* s) const { g_free(s); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

// Normalisation F. rapport's header contract accepts a leading UTF-8 byte-order mark (Windows
// tools write one, e.g. MimeKit's feedback-report.txt). It is not RFC 5322 text, and GMime reads
// it as part of the first field name ("\xEF\xBB\xBFFrom"), so GMime gets the bytes after it.
std::string_view WithoutBom(std::string_view raw) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (raw.substr(0, kBom.size()) != kBom) return raw;
  Tally("F byte-order mark");
  return raw.substr(kBom.size());
}

GObjectPtr<GMimeMessage> GmimeParse(std::string_view raw) {
  raw = WithoutBom(raw);
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  return GObjectPtr<GMimeMessage>(g_mime_parser_construct_message(parser.get(), nullptr));
}

// Raw (folded, undecoded) values of every `name` header, in order.
std::vector<std::string> RawValues(GMimeMessage* m, const char* name) {
  GMimeHeaderList* headers = g_mime_object_get_header_list(GMIME_OBJECT(m));
  std::vector<std::string> values;
  for (int i = 0; i < g_mime_header_list_get_count(headers); ++i) {
    GMimeHeader* header = g_mime_header_list_get_header_at(headers, i);
    const char* raw = g_mime_header_get_raw_value(header);
    if (raw && g_ascii_strcasecmp(g_mime_header_get_name(header), name) == 0) {
      values.emplace_back(raw);
    }
  }
  return values;
}

std::optional<std::string> FirstRawValue(GMimeMessage* m, const char* name) {
  std::vector<std::string> values = RawValues(m, name);
  if (values.empty()) return std::nullopt;
  return values.front();
}

// Normalisation B. RFC 5322 §3.4.1: a local part that can be written as a dot-atom SHOULD be, and
// rapport writes a quoted word that needs no quotes without them (<"'thomas.perkins'"@enron.com>
// gives 'thomas.perkins'@enron.com). GMime keeps the quotes as written; the address is the same.
std::string UnquoteDotAtoms(std::string_view addr) {
  std::string out;
  for (size_t i = 0; i < addr.size();) {
    size_t end = addr[i] == '"' ? SkipQuoted(addr, i) : kNpos;
    if (end == kNpos) {
      out += addr[i++];
      continue;
    }
    std::string_view content = addr.substr(i + 1, end - i - 2);
    out.append(IsDotAtom(content) ? content : addr.substr(i, end - i));
    i = end;
  }
  return out;
}

// Appends the addresses of `list` in order, with the members of groups in place of the group.
void FlattenAddresses(InternetAddressList* list, std::vector<std::string>& out) {
  if (!list) return;
  for (int i = 0; i < internet_address_list_length(list); ++i) {
    InternetAddress* ia = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(ia)) {
      FlattenAddresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out);
    } else if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
      const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
      if (addr) AddAddress(UnquoteDotAtoms(addr), out);
    }
  }
}

std::vector<std::string> GmimeAddresses(InternetAddressList* list) {
  std::vector<std::string> out;
  FlattenAddresses(list, out);
  return out;
}

std::vector<std::string> GmimeAddressesOf(const std::string& value) {
  GObjectPtr<InternetAddressList> list(internet_address_list_parse(nullptr, value.c_str()));
  return GmimeAddresses(list.get());
}

// The first address of From, else of Sender (rapport's rule, MessageMeta::from).
std::string GmimeSender(GMimeMessage* m) {
  for (InternetAddressList* list : {g_mime_message_get_from(m), g_mime_message_get_sender(m)}) {
    std::vector<std::string> addresses = GmimeAddresses(list);
    if (!addresses.empty()) return addresses.front();
  }
  return {};
}

// Normalisation D. rapport's contract reads a bracket-less one-word id ("In-Reply-To:
// 1e3137bc-...@ettus.com", as the usrp-users archive writes them); GMime's References parser
// wants the <...> of RFC 5322 §3.6.4 and skips the word. Such a value is read with GMime's
// Message-ID decoder instead, which takes a bare id.
std::vector<std::string> BareId(const std::string& raw) {
  if (raw.find('<') != kNpos) return {};
  GCharPtr id(g_mime_utils_decode_message_id(raw.c_str()));
  std::string_view word = id ? std::string_view(id.get()) : std::string_view();
  if (word.empty() || word.find_first_of(" \t\r\n") != kNpos) return {};
  Tally("D bare message id");
  return {std::string(word)};
}

// Message ids of the first `name` header, parsed by GMime's References parser.
std::vector<std::string> GmimeIds(GMimeMessage* m, const char* name) {
  std::optional<std::string> raw = FirstRawValue(m, name);
  if (!raw) return {};
  ReferencesPtr refs(g_mime_references_parse(nullptr, raw->c_str()));
  std::vector<std::string> ids;
  for (int i = 0; refs && i < g_mime_references_length(refs.get()); ++i) {
    ids.emplace_back(g_mime_references_get_message_id(refs.get(), i));
  }
  return ids.empty() ? BareId(*raw) : ids;
}

// Normalisation C. RFC 5322 §3.3: "year is any numeric year 1900 or later", written with four or
// more digits; only 2- and 3-digit years are obsolete forms to widen (§4.3). GMime widens every
// year below 100, so "Sat, 24 Dec 0001 22:26:44 -0800" (Concur mails in Enron) becomes 2001;
// rapport's contract rejects the year rather than guess. GMime's reading is not compared.
bool HasZeroPaddedYear(std::string_view date) {
  for (std::string_view w : DateWords(date)) {
    bool digits = std::all_of(w.begin(), w.end(), [](char c) { return g_ascii_isdigit(c); });
    if (w.size() == 4 && digits && w.substr(0, 2) == "00") return true;
  }
  return false;
}

// Normalisation G. ABNF strings are case-insensitive (RFC 5234 §2.3), so the obs-zone "cst" is
// CST (-0600, RFC 5322 §4.3); GMime matches zone names case-sensitively and reads "cst" as +0000.
// Such a Date is decoded by GMime from its upper-cased text.
bool HasNonUpperObsZone(std::string_view date) {
  static constexpr std::string_view kObsZones[] = {"UT",  "GMT", "EST", "EDT", "CST",
                                                   "CDT", "MST", "MDT", "PST", "PDT"};
  for (std::string_view w : DateWords(date)) {
    for (std::string_view zone : kObsZones) {
      if (g_ascii_strncasecmp(w.data(), zone.data(), zone.size()) == 0 && w.size() == zone.size() &&
          w != zone) {
        return true;
      }
    }
  }
  return false;
}

// Normalisation H. "06:09:22 PM EDT" is no RFC 5322 form, but its meaning is plain; GMime skips
// the AM/PM word and reads the clock as 24-hour, rapport applies it. With such a marker the two
// readings may differ by exactly twelve hours.
bool HasMeridiem(std::string_view date) {
  for (std::string_view w : DateWords(date)) {
    if (g_ascii_strncasecmp(w.data(), "AM", 2) == 0 && w.size() == 2) return true;
    if (g_ascii_strncasecmp(w.data(), "PM", 2) == 0 && w.size() == 2) return true;
  }
  return false;
}

// Normalisation I. "01 Jan 2001 00:01+0000" (CPython's msg_47) leaves out the space that RFC 5322
// §3.3 requires before a zone. rapport reads 00:01 +0000; GMime loses the minutes and reads 00:00.
// Such a Date is decoded by GMime with the space put back.
bool GluedZoneAt(std::string_view date, size_t i) {
  if (i == 0 || (date[i] != '+' && date[i] != '-') || !g_ascii_isdigit(date[i - 1])) return false;
  size_t word_start = date.find_last_of(" \t\r\n", i);
  word_start = word_start == kNpos ? 0 : word_start + 1;
  return date.substr(word_start, i - word_start).find(':') != kNpos;
}

std::string SpaceBeforeGluedZone(std::string_view date) {
  std::string out;
  for (size_t i = 0; i < date.size(); ++i) {
    if (GluedZoneAt(date, i)) {
      out += ' ';
      Tally("I zone glued to the time");
    }
    out += date[i];
  }
  return out;
}

// The Date text GMime is given again when normalisations G or I apply.
std::string RepairedDate(const std::string& raw) {
  std::string repaired = SpaceBeforeGluedZone(raw);
  if (HasNonUpperObsZone(repaired)) {
    Tally("G lower-case zone");
    repaired = Upper(repaired);
  }
  return repaired;
}

void GmimeDate(GMimeMessage* m, Fields& f) {
  std::optional<std::string> raw = FirstRawValue(m, "Date");
  if (raw && HasZeroPaddedYear(*raw)) {
    Tally("C zero-padded year");
    return;
  }
  GDateTime* date = g_mime_message_get_date(m);  // owned by the message
  DateTimePtr repaired_date;
  if (std::string repaired = raw ? RepairedDate(*raw) : ""; raw && repaired != *raw) {
    repaired_date.reset(g_mime_utils_header_decode_date(repaired.c_str()));
    date = repaired_date.get();
  }
  if (!date) return;
  f.utc_seconds = g_date_time_to_unix(date);
  f.offset_minutes = static_cast<int32_t>(g_date_time_get_utc_offset(date) / G_TIME_SPAN_MINUTE);
  f.twelve_hour_clock = raw && HasMeridiem(*raw);
}

Fields GmimeFields(GMimeMessage* m) {
  Fields f;
  f.sender = GmimeSender(m);
  f.to = GmimeAddresses(g_mime_message_get_to(m));
  f.cc = GmimeAddresses(g_mime_message_get_cc(m));
  f.bcc = GmimeAddresses(g_mime_message_get_bcc(m));
  GmimeDate(m, f);
  const char* id = g_mime_message_get_message_id(m);
  if (id) f.message_id = id;
  std::vector<std::string> in_reply_to = GmimeIds(m, "In-Reply-To");
  if (!in_reply_to.empty()) f.in_reply_to = in_reply_to.front();
  f.references = GmimeIds(m, "References");
  return f;
}

// ---------------------------------------------------------------------------------------------
// Normalisations of rapport's side, given what GMime made of the same message.

// Normalisation A. GMime drops a mailbox whose addr-spec is malformed (see MalformedAddrSpec);
// rapport's contract keeps a best-effort reading so that no participant is lost: Exchange wrote
// k..allen@enron.com, <wells"."tori@enron.com> and raw Latin-1 local parts throughout the Enron
// data. An address rapport read from such a mailbox is left out of the comparison when GMime,
// given that mailbox alone, yields no address at all.
std::vector<std::string> DroppedByGmime(GMimeMessage* m, const char* name) {
  std::vector<std::string> dropped;
  for (const std::string& value : RawValues(m, name)) {
    for (const std::string& piece : MailboxPieces(value)) {
      if (!MalformedAddrSpec(piece) || !GmimeAddressesOf(piece).empty()) continue;
      for (std::string& a : Addresses(ParseAddressList(piece))) dropped.push_back(std::move(a));
    }
  }
  return dropped;
}

void RemoveDropped(std::vector<std::string>& list, const std::vector<std::string>& dropped) {
  for (const std::string& d : dropped) {
    auto it = std::find(list.begin(), list.end(), d);
    if (it == list.end()) continue;
    list.erase(it);
    Tally("A malformed mailbox dropped by GMime");
  }
}

void ExcuseDroppedMailboxes(GMimeMessage* m, Fields& r, const Fields& g) {
  using List = std::vector<std::string> Fields::*;
  const std::pair<const char*, List> kLists[] = {
      {"To", &Fields::to}, {"Cc", &Fields::cc}, {"Bcc", &Fields::bcc}};
  for (const auto& [header, list] : kLists) {
    if (r.*list != g.*list) RemoveDropped(r.*list, DroppedByGmime(m, header));
  }
  if (r.sender == g.sender) return;
  for (const char* header : {"From", "Sender"}) {
    std::vector<std::string> dropped = DroppedByGmime(m, header);
    if (std::find(dropped.begin(), dropped.end(), r.sender) != dropped.end()) {
      r.sender_excused = true;
      Tally("A malformed mailbox dropped by GMime");
    }
  }
}

// Normalisation E. GMime stops reading References at an id without '@' ("<yes>", in LKML mail):
// g_mime_references_parse leaves its '>' unread and gives up on the next token. RFC 5322 §3.6.4
// ids need an '@', but the ids after it are valid and rapport keeps them. When GMime's list is a
// prefix of rapport's that ends in such an id, only that prefix is compared.
void TruncateAtGmimeStop(std::vector<std::string>& r, const std::vector<std::string>& g) {
  if (g.empty() || g.size() >= r.size() || g.back().find('@') != kNpos) return;
  if (!std::equal(g.begin(), g.end(), r.begin())) return;
  r.resize(g.size());
  Tally("E references after an id without '@'");
}

void NormaliseRapportSide(GMimeMessage* m, Fields& r, const Fields& g) {
  ExcuseDroppedMailboxes(m, r, g);
  TruncateAtGmimeStop(r.references, g.references);
}

// ---------------------------------------------------------------------------------------------
// Comparison and bookkeeping.

struct Mismatch {
  std::string where;  // corpus-relative path and byte offset
  std::string field;
  std::string rapport, gmime;
};

struct SetCounts {
  size_t files = 0, compared = 0, agreed = 0, rejected = 0;
  std::vector<Mismatch> mismatches;
  size_t mismatched_messages = 0;
};

std::string Join(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + "]";
}

std::string DateString(const Fields& f) {
  if (!f.utc_seconds) return "(none)";
  return std::to_string(*f.utc_seconds) + " offset " + std::to_string(f.offset_minutes);
}

bool SameDate(const Fields& r, const Fields& g) {
  if (r.utc_seconds == g.utc_seconds && r.offset_minutes == g.offset_minutes) return true;
  if (!g.twelve_hour_clock || !r.utc_seconds || !g.utc_seconds) return false;
  bool twelve_hours = std::llabs(*r.utc_seconds - *g.utc_seconds) == 12 * 3600;
  if (twelve_hours && r.offset_minutes == g.offset_minutes) Tally("H AM/PM");
  return twelve_hours && r.offset_minutes == g.offset_minutes;
}

class Comparer {
 public:
  Comparer(std::string where, std::vector<Mismatch>& out) : where_(std::move(where)), out_(out) {}

  void Field(const char* name, const std::string& r, const std::string& g) {
    if (r != g) Add(name, r, g);
  }
  void List(const char* name, const std::vector<std::string>& r,
            const std::vector<std::string>& g) {
    if (r != g) Add(name, Join(r), Join(g));
  }
  void Add(const char* name, std::string r, std::string g) {
    out_.push_back({where_, name, std::move(r), std::move(g)});
    found_ = true;
  }
  bool found() const { return found_; }

 private:
  std::string where_;
  std::vector<Mismatch>& out_;
  bool found_ = false;
};

void CompareFields(const Fields& r, const Fields& g, Comparer& c) {
  if (!r.sender_excused) c.Field("sender", r.sender, g.sender);
  c.List("to", r.to, g.to);
  c.List("cc", r.cc, g.cc);
  c.List("bcc", r.bcc, g.bcc);
  if (!SameDate(r, g)) c.Add("date", DateString(r), DateString(g));
  c.Field("message-id", r.message_id, g.message_id);
  c.Field("in-reply-to", r.in_reply_to, g.in_reply_to);
  c.List("references", r.references, g.references);
}

std::string UsabilityString(const Fields& g) {
  return "sender=" + (g.sender.empty() ? "(none)" : g.sender) + " date=" + DateString(g);
}

// Compares one message and counts the outcome.
void CompareMessage(std::string_view raw, const std::string& where, SetCounts& counts) {
  ++counts.compared;
  Result<model::MessageMeta> ours = ParseMessage(raw);
  GObjectPtr<GMimeMessage> theirs = GmimeParse(raw);
  Fields g = theirs ? GmimeFields(theirs.get()) : Fields{};
  Comparer c(where, counts.mismatches);
  if (!ours.ok()) {
    // A rejection is right only when GMime, too, finds no usable sender or date.
    if (g.Usable()) c.Add("rejection", ours.status().message(), UsabilityString(g));
    if (!c.found()) ++counts.rejected;
  } else {
    Fields r = RapportFields(ours.value());
    if (theirs) NormaliseRapportSide(theirs.get(), r, g);
    CompareFields(r, g, c);
    if (!c.found()) ++counts.agreed;
  }
  if (c.found()) ++counts.mismatched_messages;
}

// ---------------------------------------------------------------------------------------------
// Walking the corpus.

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return std::move(buffer).str();
}

std::vector<fs::path> SetFiles(const fs::path& corpus, const MailSet& set) {
  std::vector<fs::path> files;
  fs::path root = corpus / set.root;
  if (!fs::is_directory(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    if (set.accept(entry.path().lexically_relative(root).generic_string())) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

void CompareFile(const std::string& data, const std::string& name, bool mbox, SetCounts& counts) {
  if (!mbox) {
    CompareMessage(data, name + " @0", counts);
    return;
  }
  MboxReader reader(data);
  std::string_view message;
  size_t offset = 0;
  while (reader.Next(message, offset)) {
    CompareMessage(message, name + " @" + std::to_string(offset), counts);
  }
}

std::string Report(const MailSet& set, const SetCounts& counts) {
  std::ostringstream out;
  out << "[gmime-differential] " << set.name << ": files=" << counts.files
      << " compared=" << counts.compared << " agreed=" << counts.agreed
      << " rejected=" << counts.rejected << " mismatched=" << counts.mismatched_messages;
  for (const auto& [normalisation, n] : NormalisationTally()) {
    out << "\n[gmime-differential]   normalisation " << normalisation << ": " << n;
  }
  return out.str();
}

std::string MismatchList(const std::vector<Mismatch>& mismatches) {
  constexpr size_t kMaxListed = 50;
  std::ostringstream out;
  for (size_t i = 0; i < mismatches.size() && i < kMaxListed; ++i) {
    const Mismatch& m = mismatches[i];
    out << "  " << m.where << " " << m.field << ": rapport=" << m.rapport << " | gmime=" << m.gmime
        << "\n";
  }
  if (mismatches.size() > kMaxListed) {
    out << "  ... and " << mismatches.size() - kMaxListed << " more field mismatches\n";
  }
  return out.str();
}

class GmimeDifferentialTest : public ::testing::TestWithParam<MailSet> {
 protected:
  // GMime keeps global state (charset tables, iconv cache): set it up once per process.
  static void SetUpTestSuite() { g_mime_init(); }
  static void TearDownTestSuite() { g_mime_shutdown(); }
};

TEST_P(GmimeDifferentialTest, AgreesWithGmime) {
  fs::path corpus = fs::path(RAPPORT_SHARED_DIR) / "corpus";
  if (!fs::is_directory(corpus)) {
    GTEST_SKIP() << "../shared/corpus not found: differential test needs the shared corpus "
                    "(present in CI)";
  }
  const MailSet& set = GetParam();
  SetCounts counts;
  NormalisationTally().clear();
  for (const fs::path& path : SetFiles(corpus, set)) {
    std::optional<std::string> data = ReadFile(path);
    ASSERT_TRUE(data.has_value()) << "cannot read " << path;
    ++counts.files;
    CompareFile(*data, path.lexically_relative(corpus).generic_string(), set.mbox, counts);
  }
  std::cout << Report(set, counts) << std::endl;
  RecordProperty("compared", static_cast<int>(counts.compared));
  RecordProperty("agreed", static_cast<int>(counts.agreed));
  RecordProperty("rejected", static_cast<int>(counts.rejected));
  EXPECT_GT(counts.compared, 0u) << "no messages found for set " << set.name;
  EXPECT_EQ(counts.mismatched_messages, 0u)
      << counts.mismatched_messages << " messages differ from GMime:\n"
      << MismatchList(counts.mismatches);
}

INSTANTIATE_TEST_SUITE_P(Corpus, GmimeDifferentialTest, ::testing::ValuesIn(kMailSets),
                         [](const ::testing::TestParamInfo<MailSet>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace rapport::ingest
