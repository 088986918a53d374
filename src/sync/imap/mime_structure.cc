#include "sync/imap/mime_structure.h"

#include <algorithm>
#include <cctype>

namespace rapport::sync {
namespace {

constexpr int kMaxDepth = 32;

bool ContainsNoCase(std::string_view hay, std::string_view needle) {
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         }) != hay.end();
}

bool TextIs(const ImapValue& v, std::string_view lower) {
  if (v.kind != ImapValue::Kind::kString && v.kind != ImapValue::Kind::kAtom) return false;
  if (v.text.size() != lower.size()) return false;
  for (size_t i = 0; i < lower.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(v.text[i])) != lower[i]) return false;
  }
  return true;
}

void Walk(const ImapValue& body, const std::string& path, int depth,
          std::vector<std::pair<std::string, std::string>>& out) {
  if (body.kind != ImapValue::Kind::kList || body.list.empty() || depth > kMaxDepth) return;
  if (body.list[0].kind == ImapValue::Kind::kList) {  // multipart: the parts, then the subtype
    int n = 0;
    for (const auto& part : body.list) {
      if (part.kind != ImapValue::Kind::kList) break;
      ++n;
      Walk(part, path.empty() ? std::to_string(n) : path + "." + std::to_string(n), depth + 1, out);
    }
    return;
  }
  if (body.list.size() < 2 || !TextIs(body.list[0], "text") || !TextIs(body.list[1], "calendar")) {
    return;
  }
  if (path.empty()) {
    out.emplace_back("HEADER", "TEXT");
  } else {
    out.emplace_back(path + ".MIME", path);
  }
}

}  // namespace

bool MayHoldInvitation(std::string_view header) {
  // Only the Content-Type field's value matters, but a search of the whole header is enough to
  // rule most mail out: a false positive costs one BODYSTRUCTURE, never a wrong answer.
  return ContainsNoCase(header, "multipart/") || ContainsNoCase(header, "text/calendar");
}

std::vector<std::pair<std::string, std::string>> CalendarSections(const ImapValue& structure) {
  std::vector<std::pair<std::string, std::string>> out;
  Walk(structure, "", 0, out);
  return out;
}

}  // namespace rapport::sync
