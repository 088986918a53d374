#include "ingest/mail/message_id.h"

#include "ingest/mail/encoded_word.h"

namespace rapport::ingest {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Removes comments (nesting, with quoted-pairs) so that "(...<x>...)" is not taken for an id.
std::string StripComments(std::string_view s) {
  std::string out;
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size() && (depth > 0 || quoted)) {
      if (depth == 0) out.append(s.substr(i, 2));
      ++i;
      continue;
    }
    if (c == '"' && depth == 0) quoted = !quoted;
    if (!quoted && c == '(') {
      ++depth;
      continue;
    }
    if (!quoted && c == ')' && depth > 0) {
      --depth;
      continue;
    }
    if (depth == 0) out.push_back(c);
  }
  return out;
}

std::string WithoutSpaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!IsSpace(c)) out.push_back(c);
  }
  return SanitizeText(out);
}

}  // namespace

std::vector<std::string> ParseMessageIds(std::string_view value) {
  std::string s = StripComments(value);
  std::vector<std::string> ids;
  size_t pos = 0;
  while ((pos = s.find('<', pos)) != std::string::npos) {
    size_t end = s.find('>', pos + 1);
    if (end == std::string::npos) break;
    std::string id = WithoutSpaces(std::string_view(s).substr(pos + 1, end - pos - 1));
    if (!id.empty()) ids.push_back(std::move(id));
    pos = end + 1;
  }
  if (ids.empty()) {
    size_t b = 0, e = s.size();
    while (b < e && IsSpace(s[b])) ++b;
    while (e > b && IsSpace(s[e - 1])) --e;
    std::string_view word = std::string_view(s).substr(b, e - b);
    bool one_word = !word.empty() && word.find_first_of(" \t\r\n<>") == std::string_view::npos;
    if (one_word) ids.push_back(SanitizeText(word));
  }
  return ids;
}

std::string ParseMessageId(std::string_view value) {
  auto ids = ParseMessageIds(value);
  return ids.empty() ? std::string() : std::move(ids.front());
}

}  // namespace rapport::ingest
