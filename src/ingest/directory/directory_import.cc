#include "ingest/directory/directory_import.h"

#include "ingest/mail/encoded_word.h"
#include "ingest/mail/header_block.h"

namespace rapport::ingest {
namespace directory_internal {
namespace {

// Valid UTF-8 without control characters is exactly what SanitizeText leaves unchanged.
bool IsCleanText(std::string_view s) {
  return SanitizeText(s) == s;
}

}  // namespace

bool IsMailAddress(std::string_view s) {
  size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == s.size()) return false;
  if (s.find('@', at + 1) != std::string_view::npos) return false;
  if (s.find(' ') != std::string_view::npos) return false;
  return IsCleanText(s);  // also rules out tabs and line breaks, which SanitizeText replaces
}

bool IsX500Address(std::string_view s) {
  return StartsWithIgnoreCase(s, "/o=") && IsCleanText(s);
}

std::string FoldCase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

int AddressOwners::Claim(std::string_view address, int line) {
  auto [it, fresh] = owner_.emplace(FoldCase(address), line);
  return fresh || it->second == line ? 0 : it->second;
}

}  // namespace directory_internal

Result<model::Directory> ParseDirectoryFile(std::string_view data, std::string_view file_name) {
  std::string_view rest = data;
  if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);
  size_t first = rest.find_first_not_of(" \t\r\n");
  bool json = first != std::string_view::npos && (rest[first] == '{' || rest[first] == '[');
  return json ? ParseDirectoryGraphJson(data, file_name) : ParseDirectoryCsv(data, file_name);
}

}  // namespace rapport::ingest
