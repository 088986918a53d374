#include "ingest/mail/encoded_word.h"

#include "ingest/mail/header_block.h"

#include <iconv.h>

#include <cerrno>
#include <map>
#include <memory>
#include <optional>
#include <utility>

namespace rapport::ingest {
namespace {

struct EncodedWord {
  std::string charset;
  std::string bytes;  // decoded transfer encoding, still in `charset`
  size_t length = 0;  // characters of input consumed
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::optional<std::string> DecodeBase64(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    int v = Base64Value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::string DecodeQ(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '_') {
      out.push_back(' ');
    } else if (c == '=' && i + 2 < in.size() && HexValue(in[i + 1]) >= 0 &&
               HexValue(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(in[i + 1]) * 16 + HexValue(in[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Parses "=?charset?enc?text?=" at the start of `s`.
std::optional<EncodedWord> ParseEncodedWord(std::string_view s) {
  if (s.size() < 8 || s[0] != '=' || s[1] != '?') return std::nullopt;
  size_t q1 = s.find('?', 2);
  if (q1 == std::string_view::npos || q1 + 2 >= s.size() || s[q1 + 2] != '?') return std::nullopt;
  char enc = s[q1 + 1];
  size_t end = s.find("?=", q1 + 3);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view text = s.substr(q1 + 3, end - (q1 + 3));
  if (text.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
  EncodedWord w;
  w.charset = std::string(s.substr(2, q1 - 2));
  if (size_t star = w.charset.find('*'); star != std::string::npos) w.charset.resize(star);
  if (w.charset.empty()) return std::nullopt;
  if (enc == 'B' || enc == 'b') {
    auto b = DecodeBase64(text);
    if (!b) return std::nullopt;
    w.bytes = std::move(*b);
  } else if (enc == 'Q' || enc == 'q') {
    w.bytes = DecodeQ(text);
  } else {
    return std::nullopt;
  }
  w.length = end + 2;
  return w;
}

struct IconvCloser {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};
using IconvHandle = std::unique_ptr<void, IconvCloser>;

// One converter per charset and thread; iconv_open is far too slow to call per word.
// Mailers label text with a charset narrower than the one they used; decode with the superset,
// as browsers do (WHATWG Encoding): GB2312 mail is really GBK, Latin-1 mail is Windows-1252.
std::string EffectiveCharset(std::string_view charset) {
  static constexpr std::pair<std::string_view, std::string_view> kSupersets[] = {
      {"gb2312", "GB18030"},          {"gbk", "GB18030"},          {"iso-8859-1", "WINDOWS-1252"},
      {"us-ascii", "WINDOWS-1252"},   {"ks_c_5601-1987", "CP949"}, {"euc-kr", "CP949"},
      {"iso-8859-9", "WINDOWS-1254"}, {"tis-620", "CP874"}};
  for (const auto& [label, superset] : kSupersets) {
    if (EqualsIgnoreCase(charset, label)) return std::string(superset);
  }
  return std::string(charset);
}

iconv_t ConverterFor(std::string_view charset) {
  thread_local std::map<std::string, IconvHandle, std::less<>> cache;
  auto it = cache.find(charset);
  if (it == cache.end()) {
    iconv_t cd = iconv_open("UTF-8", EffectiveCharset(charset).c_str());
    IconvHandle handle(cd == reinterpret_cast<iconv_t>(-1) ? nullptr : cd);
    if (cache.size() > 256) cache.clear();  // hostile input can name endless charsets
    it = cache.emplace(std::string(charset), std::move(handle)).first;
  }
  return it->second ? static_cast<iconv_t>(it->second.get()) : reinterpret_cast<iconv_t>(-1);
}

size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  // Reject overlong forms and surrogates.
  auto b1 = static_cast<unsigned char>(n > 1 ? s[i + 1] : 0);
  if (n == 2 && b < 0xC2) return 0;
  if (n == 3 && ((b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 >= 0xA0))) return 0;
  if (n == 4 && ((b == 0xF0 && b1 < 0x90) || b > 0xF4 || (b == 0xF4 && b1 >= 0x90))) return 0;
  return n;
}

// Windows-1252 bytes 0x80..0x9F as Unicode code points; the rest of the range is Latin-1.
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

void AppendCodePoint(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Trims and turns every run of spaces into one: folding and encoded-word joins leave uneven runs.
std::string CollapseSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out.push_back(c);
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

bool ConvertToUtf8(std::string_view charset, std::string_view bytes, std::string& out) {
  iconv_t cd = ConverterFor(charset);
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // reset shift state
  std::string result(bytes.size() * 4 + 16, '\0');
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* outp = result.data();
  size_t out_left = result.size();
  if (iconv(cd, &in, &in_left, &outp, &out_left) == static_cast<size_t>(-1)) return false;
  if (iconv(cd, nullptr, nullptr, &outp, &out_left) == static_cast<size_t>(-1)) return false;
  result.resize(result.size() - out_left);
  out += result;
  return true;
}

std::string SanitizeText(std::string_view s) {
  bool plain = true;  // the common case: printable ASCII needs no work
  for (char c : s) plain = plain && c >= 0x20 && c < 0x7F;
  if (plain) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b == 0x7F) {
      if (b == '\t' || b == '\r' || b == '\n') out.push_back(' ');
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(s, i);
    if (n == 2 && b == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      i += 2;  // a C1 control (U+0080..U+009F, e.g. U+009B CSI, which terminals may obey)
      continue;
    }
    if (n > 0) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    }
    AppendCodePoint(out, b >= 0x80 && b < 0xA0 ? kCp1252High[b - 0x80] : b);
    ++i;
  }
  return out;
}

std::string DecodeHeaderText(std::string_view raw) {
  std::string out;
  std::string pending_charset, pending_bytes;  // adjacent encoded words not yet converted
  std::string pending_space;                   // whitespace after the last encoded word
  auto flush = [&] {
    if (pending_charset.empty()) return;
    if (!ConvertToUtf8(pending_charset, pending_bytes, out)) out += SanitizeText(pending_bytes);
    pending_charset.clear();
    pending_bytes.clear();
  };
  size_t i = 0;
  while (i < raw.size()) {
    if (raw[i] == '=' && i + 1 < raw.size() && raw[i + 1] == '?') {
      if (auto w = ParseEncodedWord(raw.substr(i))) {
        if (!pending_charset.empty() && !EqualsIgnoreCase(pending_charset, w->charset)) flush();
        pending_space.clear();  // whitespace between encoded words is dropped
        if (pending_charset.empty()) pending_charset = w->charset;
        pending_bytes += w->bytes;
        i += w->length;
        continue;
      }
    }
    if (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' || raw[i] == '\n') {
      if (!pending_charset.empty()) {
        pending_space.push_back(' ');
      } else {
        out.push_back(' ');
      }
      ++i;
      continue;
    }
    flush();
    out += pending_space;
    pending_space.clear();
    size_t j = i;
    while (j < raw.size() && raw[j] != ' ' && raw[j] != '\t' && raw[j] != '\r' && raw[j] != '\n' &&
           !(raw[j] == '=' && j + 1 < raw.size() && raw[j + 1] == '?' && j > i)) {
      ++j;
    }
    if (j == i) j = i + 1;
    out.append(raw.substr(i, j - i));
    i = j;
  }
  flush();
  return CollapseSpaces(SanitizeText(out));
}

}  // namespace rapport::ingest
