#include "ingest/mail/address_list.h"

#include <string>

#include "ingest/mail/encoded_word.h"

namespace rapport::ingest {
namespace {

enum class TokenKind { kAtom, kQuoted, kComment, kDomainLiteral, kSpecial };

struct Token {
  TokenKind kind;
  std::string text;  // atom text, quoted/comment content unescaped, or the special character
  bool space_before = false;
};

bool IsSpecial(char c) {
  return c == '<' || c == '>' || c == ':' || c == ';' || c == '@' || c == ',';
}
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Reads a delimited run (quoted string, comment, domain literal) starting after its opener.
// Comments nest. Unterminated runs end at the end of the input.
std::string ReadDelimited(std::string_view s, size_t& i, char open, char close) {
  std::string text;
  int depth = 1;
  while (i < s.size()) {
    char c = s[i++];
    if (c == '\\' && i < s.size()) {
      text.push_back(s[i++]);
    } else if (c == close && --depth == 0) {
      return text;
    } else {
      if (open == '(' && c == '(') ++depth;
      text.push_back(c);
    }
  }
  return text;
}

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> tokens;
  size_t i = 0;
  bool space = false;
  while (i < s.size()) {
    char c = s[i];
    if (IsSpace(c)) {
      space = true;
      ++i;
      continue;
    }
    Token t{TokenKind::kAtom, {}, space};
    space = false;
    if (c == '"') {
      ++i;
      t.kind = TokenKind::kQuoted;
      t.text = ReadDelimited(s, i, '"', '"');
    } else if (c == '(') {
      ++i;
      t.kind = TokenKind::kComment;
      t.text = ReadDelimited(s, i, '(', ')');
    } else if (c == '[') {
      ++i;
      t.kind = TokenKind::kDomainLiteral;
      t.text = ReadDelimited(s, i, '[', ']');
    } else if (IsSpecial(c)) {
      t.kind = TokenKind::kSpecial;
      t.text = std::string(1, c);
      ++i;
    } else {
      size_t j = i;
      while (j < s.size() && !IsSpace(s[j]) && !IsSpecial(s[j]) && s[j] != '"' && s[j] != '(' &&
             s[j] != '[' && s[j] != ')' && s[j] != ']') {
        ++j;
      }
      if (j == i) j = i + 1;  // a stray ')' or ']'
      t.text = std::string(s.substr(i, j - i));
      i = j;
    }
    tokens.push_back(std::move(t));
  }
  return tokens;
}

bool IsSpecialToken(const Token& t, char c) {
  return t.kind == TokenKind::kSpecial && t.text[0] == c;
}

std::string LowerAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

bool NeedsQuoting(std::string_view local) {
  if (local.empty()) return true;
  for (char c : local) {
    if (IsSpace(c) || IsSpecial(c) || c == '"' || c == '(' || c == ')' || c == '[' || c == ']' ||
        c == '\\') {
      return true;
    }
  }
  return false;
}

// Builds "local@domain" from the tokens of an addr-spec; empty when there is no '@'.
std::string AddrSpec(const std::vector<Token>& tokens, size_t begin, size_t end) {
  // A local part cannot hold an unquoted '@' (RFC 5322 §3.4.1), so the first '@' token separates
  // the domain, and a domain ends at any further '@': in "x"@host.org@relay.com (Enron) the
  // address is x@host.org and "@relay.com" is trailing junk.
  size_t at = begin;
  while (at < end && !IsSpecialToken(tokens[at], '@')) ++at;
  if (at == end) return {};
  size_t domain_end = at + 1;
  while (domain_end < end && !IsSpecialToken(tokens[domain_end], '@')) ++domain_end;
  std::string local, domain;
  for (size_t k = begin; k < at; ++k) {
    const Token& t = tokens[k];
    if (t.kind == TokenKind::kComment) continue;
    if (t.kind == TokenKind::kQuoted) {
      local += NeedsQuoting(t.text) ? "\"" + t.text + "\"" : t.text;
    } else {
      local += t.text;
    }
  }
  for (size_t k = at + 1; k < domain_end; ++k) {
    const Token& t = tokens[k];
    if (t.kind == TokenKind::kComment) continue;
    domain += t.kind == TokenKind::kDomainLiteral ? "[" + t.text + "]" : t.text;
  }
  if (local.empty() || domain.empty()) return {};
  return SanitizeText(local) + "@" + LowerAscii(SanitizeText(domain));
}

// The display name from phrase tokens: words joined by single spaces, encoded words decoded.
std::string Phrase(const std::vector<Token>& tokens, size_t begin, size_t end) {
  std::string raw;
  for (size_t k = begin; k < end; ++k) {
    const Token& t = tokens[k];
    if (t.kind == TokenKind::kComment || t.kind == TokenKind::kSpecial) continue;
    if (!raw.empty() && (t.space_before || t.kind == TokenKind::kQuoted)) raw.push_back(' ');
    raw += t.text;
  }
  return DecodeHeaderText(raw);
}

std::string FirstComment(const std::vector<Token>& tokens, size_t begin, size_t end) {
  for (size_t k = begin; k < end; ++k) {
    if (tokens[k].kind == TokenKind::kComment) return DecodeHeaderText(tokens[k].text);
  }
  return {};
}

class AddressListParser {
 public:
  explicit AddressListParser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  std::vector<model::Mailbox> Parse() {
    bool in_group = false;
    while (i_ < t_.size()) {
      if (IsSpecialToken(t_[i_], ',')) {
        ++i_;
        continue;
      }
      if (IsSpecialToken(t_[i_], ';')) {
        in_group = false;
        ++i_;
        continue;
      }
      ParseOne(in_group);
    }
    return std::move(out_);
  }

 private:
  // One mailbox, or the start of a group (which then continues in the caller's loop).
  void ParseOne(bool& in_group) {
    size_t start = i_;
    while (i_ < t_.size()) {
      const Token& t = t_[i_];
      if (IsSpecialToken(t, '<')) {
        ParseAngle(start);
        return;
      }
      if (IsSpecialToken(t, ':') && !in_group && !HasAt(start, i_)) {
        in_group = true;  // "display-name :" opens a group; its name is not a mailbox
        ++i_;
        return;
      }
      if (IsSpecialToken(t, ',') || IsSpecialToken(t, ';')) break;
      ++i_;
    }
    AddBare(start, i_);
  }

  // name-addr: phrase tokens in [start, i_), then "<" [obs-route] addr-spec ">".
  void ParseAngle(size_t start) {
    size_t name_end = i_++;
    size_t addr_begin = i_;
    while (i_ < t_.size() && !IsSpecialToken(t_[i_], '>')) ++i_;
    size_t addr_end = i_;
    if (i_ < t_.size()) ++i_;  // '>'
    // obs-route "@a,@b:" precedes the addr-spec; skip up to its colon.
    for (size_t k = addr_begin; k < addr_end; ++k) {
      if (IsSpecialToken(t_[k], ':')) addr_begin = k + 1;
    }
    model::Mailbox m;
    m.name = Phrase(t_, start, name_end);
    m.address = AddrSpec(t_, addr_begin, addr_end);
    if (m.name.empty()) m.name = FirstComment(t_, i_, NextSeparator());
    if (m.address.empty() && m.name.empty()) m.name = Phrase(t_, addr_begin, addr_end);
    i_ = NextSeparator();
    Push(std::move(m));
  }

  // addr-spec without angle brackets, maybe with a comment as the name; or a bare phrase.
  void AddBare(size_t begin, size_t end) {
    if (begin == end) return;
    model::Mailbox m;
    m.address = AddrSpec(t_, begin, end);
    if (m.address.empty()) {
      m.name = Phrase(t_, begin, end);
    } else {
      m.name = FirstComment(t_, begin, end);
    }
    Push(std::move(m));
  }

  size_t NextSeparator() const {
    size_t k = i_;
    while (k < t_.size() && !IsSpecialToken(t_[k], ',') && !IsSpecialToken(t_[k], ';')) ++k;
    return k;
  }

  bool HasAt(size_t begin, size_t end) const {
    for (size_t k = begin; k < end; ++k) {
      if (IsSpecialToken(t_[k], '@')) return true;
    }
    return false;
  }

  void Push(model::Mailbox m) {
    if (m.address.empty() && m.name.empty()) return;
    out_.push_back(std::move(m));
  }

  std::vector<Token> t_;
  size_t i_ = 0;
  std::vector<model::Mailbox> out_;
};

}  // namespace

std::vector<model::Mailbox> ParseAddressList(std::string_view value) {
  return AddressListParser(Tokenize(value)).Parse();
}

}  // namespace rapport::ingest
