#include "ingest/mail/header_block.h"

#include <cstring>

namespace rapport::ingest {
namespace {

// Returns the line starting at `pos` without its line end, and advances `pos` past the line end.
std::string_view NextLine(std::string_view s, size_t& pos) {
  size_t start = pos;
  const void* nl = std::memchr(s.data() + start, '\n', s.size() - start);
  size_t end = nl ? static_cast<size_t>(static_cast<const char*>(nl) - s.data()) : s.size();
  pos = nl ? end + 1 : end;
  if (end > start && s[end - 1] == '\r') --end;
  return s.substr(start, end - start);
}

bool IsWsp(char c) {
  return c == ' ' || c == '\t';
}

std::string_view TrimLeft(std::string_view v) {
  while (!v.empty() && IsWsp(v.front())) v.remove_prefix(1);
  return v;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

std::string_view TrimSpaces(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

bool LooksLikeHeaderField(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && line[i] > ' ' && line[i] < 127 && line[i] != ':') ++i;
  size_t name_end = i;
  while (i < line.size() && IsWsp(line[i])) ++i;  // obs-optional: WSP before the colon
  return name_end > 0 && i < line.size() && line[i] == ':';
}

const HeaderField* HeaderBlock::Find(std::string_view name) const {
  for (const auto& f : fields) {
    if (EqualsIgnoreCase(f.name, name)) return &f;
  }
  return nullptr;
}

HeaderBlock SplitHeaderBlock(std::string_view message) {
  HeaderBlock block;
  size_t pos = 0;
  if (message.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  if (message.substr(pos, 5) == "From ") NextLine(message, pos);  // mbox envelope line

  bool in_field = false;          // the last line read was a field or its continuation
  std::string* folded = nullptr;  // the last field's joined value, once it has a continuation
  while (pos < message.size()) {
    std::string_view line = NextLine(message, pos);
    if (line.empty()) break;  // end of the header section
    if (IsWsp(line.front())) {
      if (!in_field) {
        ++block.malformed_lines;
        continue;
      }
      HeaderField& current = block.fields.back();
      if (!folded) {
        folded = &block.unfolded.emplace_back(current.value);
      }
      // Unfolding removes only the line break; the leading whitespace stays.
      if (folded->empty()) {
        folded->assign(TrimLeft(line));
      } else {
        folded->append(line);
      }
      current.value = *folded;
      continue;
    }
    folded = nullptr;
    if (!LooksLikeHeaderField(line)) {
      ++block.malformed_lines;
      in_field = false;
      continue;
    }
    size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && IsWsp(name.back())) name.remove_suffix(1);
    block.fields.push_back({name, TrimLeft(line.substr(colon + 1))});
    in_field = true;
  }
  block.header_bytes = pos;
  return block;
}

}  // namespace rapport::ingest
