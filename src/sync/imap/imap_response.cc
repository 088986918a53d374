#include "sync/imap/imap_response.h"

#include <charconv>

namespace rapport::sync {
namespace {

constexpr int kMaxDepth = 64;  // BODYSTRUCTURE nests one level per MIME part

char Upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// The length of the literal announced at the end of `line` ("... {123}" or "{123+}"), if any.
std::optional<uint64_t> LiteralAtEnd(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  size_t open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view digits = line.substr(open + 1, line.size() - open - 2);
  if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return n;
}

class Parser {
 public:
  explicit Parser(std::string_view raw) : s_(raw) {}

  Result<ImapResponse> Response() {
    ImapResponse r;
    r.tag = std::string(Word());
    if (r.tag.empty()) return Error("a response must start with a tag, '*' or '+'");
    if (r.tag == "+") {
      SkipSpace();
      r.text = std::string(RestOfLine());
      return r;
    }
    SkipSpace();
    if (StartsStatus()) {
      ImapValue status;
      status.text = std::string(Word());
      r.values.push_back(std::move(status));
      SkipSpace();
      if (Peek() == '[') {
        ++pos_;
        RAPPORT_RETURN_IF_ERROR(Values(r.code, ']', 0));
        SkipSpace();
      }
      r.text = std::string(RestOfLine());
      return r;
    }
    RAPPORT_RETURN_IF_ERROR(Values(r.values, '\n', 0));
    return r;
  }

 private:
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool AtEnd() const { return pos_ >= s_.size(); }
  void SkipSpace() {
    while (Peek() == ' ') ++pos_;
  }
  Status Error(std::string what) const {
    return Status::InvalidArgument("IMAP response: " + what + " at byte " + std::to_string(pos_));
  }
  std::string_view Word() {
    size_t start = pos_;
    while (!AtEnd() && s_[pos_] != ' ' && s_[pos_] != '\r' && s_[pos_] != '\n') ++pos_;
    return s_.substr(start, pos_ - start);
  }
  std::string_view RestOfLine() {
    size_t start = pos_;
    while (!AtEnd() && s_[pos_] != '\r' && s_[pos_] != '\n') ++pos_;
    return s_.substr(start, pos_ - start);
  }
  bool StartsStatus() const {
    for (std::string_view w : {"OK", "NO", "BAD", "BYE", "PREAUTH"}) {
      if (s_.size() - pos_ < w.size()) continue;
      bool same = true;
      for (size_t i = 0; i < w.size() && same; ++i) same = Upper(s_[pos_ + i]) == w[i];
      size_t after = pos_ + w.size();
      if (same &&
          (after == s_.size() || s_[after] == ' ' || s_[after] == '\r' || s_[after] == '\n')) {
        return true;
      }
    }
    return false;
  }

  // Values up to `close` (')' for a list, ']' for a response code, '\n' for the line's end).
  Status Values(std::vector<ImapValue>& out, char close, int depth) {
    if (depth > kMaxDepth) return Error("lists nested too deep");
    while (true) {
      SkipSpace();
      char c = Peek();
      if (AtEnd()) {
        if (close == '\n') return Status::Ok();
        return Error(std::string("missing '") + close + "'");
      }
      if (c == '\r' || c == '\n') {
        if (close != '\n') return Error(std::string("line ended before '") + close + "'");
        return Status::Ok();
      }
      if (c == close) {
        ++pos_;
        return Status::Ok();
      }
      ImapValue v;
      if (c == '(') {
        ++pos_;
        v.kind = ImapValue::Kind::kList;
        RAPPORT_RETURN_IF_ERROR(Values(v.list, ')', depth + 1));
      } else if (c == '"') {
        RAPPORT_RETURN_IF_ERROR(Quoted(v));
      } else if (c == '{' || (c == '~' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '{')) {
        RAPPORT_RETURN_IF_ERROR(Literal(v));
      } else if (c == ')' || c == ']') {
        return Error(std::string("unexpected '") + c + "'");
      } else {
        RAPPORT_RETURN_IF_ERROR(Atom(v, close));
      }
      out.push_back(std::move(v));
    }
  }

  Status Quoted(ImapValue& v) {
    v.kind = ImapValue::Kind::kString;
    ++pos_;
    while (true) {
      if (AtEnd() || s_[pos_] == '\r' || s_[pos_] == '\n') return Error("unterminated string");
      char c = s_[pos_++];
      if (c == '"') return Status::Ok();
      if (c == '\\') {
        if (AtEnd()) return Error("unterminated string");
        c = s_[pos_++];
      }
      v.text.push_back(c);
    }
  }

  Status Literal(ImapValue& v) {
    if (Peek() == '~') ++pos_;  // literal8 (RFC 3516): the same framing
    size_t close = s_.find('}', pos_);
    if (close == std::string_view::npos) return Error("unterminated literal length");
    auto n = LiteralAtEnd(s_.substr(pos_, close - pos_ + 1));
    if (!n) return Error("bad literal length");
    pos_ = close + 1;
    if (Peek() == '\r') ++pos_;
    if (Peek() != '\n') return Error("a literal's length must end its line");
    ++pos_;
    if (*n > s_.size() - pos_) return Error("literal longer than the response");
    v.kind = ImapValue::Kind::kString;
    v.text = std::string(s_.substr(pos_, *n));
    pos_ += *n;
    return Status::Ok();
  }

  // An atom, or NIL. An atom with '[' runs to its ']' whatever is inside ("BODY[1.2.MIME]",
  // "BODY[HEADER.FIELDS (FROM)]").
  Status Atom(ImapValue& v, char close) {
    size_t start = pos_;
    int brackets = 0;
    while (!AtEnd()) {
      char c = s_[pos_];
      if (c == '\r' || c == '\n') break;
      if (brackets > 0) {
        if (c == ']') --brackets;
        ++pos_;
        continue;
      }
      if (c == ' ' || c == '(' || c == ')' || c == '"' || c == '{') break;
      if (c == ']' && close == ']') break;
      if (c == '[') ++brackets;
      ++pos_;
    }
    if (brackets > 0) return Error("unterminated '['");
    if (pos_ == start) return Error("empty atom");
    v.text = std::string(s_.substr(start, pos_ - start));
    if (v.Is("NIL")) {
      v.kind = ImapValue::Kind::kNil;
      v.text.clear();
    }
    return Status::Ok();
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

bool ImapValue::Is(std::string_view upper) const {
  if (kind != Kind::kAtom || text.size() != upper.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (Upper(text[i]) != upper[i]) return false;
  }
  return true;
}

std::optional<uint64_t> ImapValue::Number() const {
  if (kind != Kind::kAtom || text.empty() || text.size() > 18) return std::nullopt;
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

Result<size_t> ImapResponseLength(std::string_view buffered) {
  size_t pos = 0;
  while (true) {
    size_t nl = buffered.find('\n', pos);
    if (nl == std::string_view::npos) {
      if (buffered.size() - pos > kMaxImapLine) {
        return Status::InvalidArgument("IMAP response: a line longer than " +
                                       std::to_string(kMaxImapLine >> 20) + " MiB");
      }
      return size_t{0};
    }
    std::string_view line = buffered.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto literal = LiteralAtEnd(line);
    if (!literal) return nl + 1;
    if (*literal > kMaxImapLiteral) {
      return Status::InvalidArgument("IMAP response: a literal of " + std::to_string(*literal) +
                                     " bytes, more than the " +
                                     std::to_string(kMaxImapLiteral >> 20) + " MiB allowed");
    }
    if (buffered.size() - (nl + 1) < *literal) return size_t{0};
    pos = nl + 1 + *literal;
  }
}

Result<ImapResponse> ParseImapResponse(std::string_view raw) {
  return Parser(raw).Response();
}

Result<std::vector<uint32_t>> ParseUidSet(std::string_view set, size_t max_count) {
  std::vector<uint32_t> out;
  auto bad = [&] {
    return Status::InvalidArgument("IMAP: bad UID set '" + std::string(set.substr(0, 80)) + "'");
  };
  auto number = [](std::string_view s) -> std::optional<uint32_t> {
    uint32_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n == 0) return std::nullopt;
    return n;
  };
  while (!set.empty()) {
    size_t comma = set.find(',');
    std::string_view range = set.substr(0, comma);
    set = comma == std::string_view::npos ? std::string_view() : set.substr(comma + 1);
    size_t colon = range.find(':');
    auto lo = number(range.substr(0, colon));
    auto hi = colon == std::string_view::npos ? lo : number(range.substr(colon + 1));
    if (!lo || !hi) return bad();
    if (*lo > *hi) std::swap(lo, hi);
    if (out.size() + (*hi - *lo) + 1 > max_count) return bad();
    for (uint64_t u = *lo; u <= *hi; ++u) out.push_back(static_cast<uint32_t>(u));
  }
  return out;
}

std::string FormatUidSet(const std::vector<uint32_t>& uids) {
  std::string out;
  for (size_t i = 0; i < uids.size();) {
    size_t j = i;
    while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(uids[i]);
    if (j > i) out += ':' + std::to_string(uids[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace rapport::sync
