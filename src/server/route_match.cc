#include "server/route_match.h"

namespace rapport::server {
namespace {

// The next '/'-separated segment of `rest`, consuming it and its separator.
std::string_view NextSegment(std::string_view& rest) {
  const size_t slash = rest.find('/');
  std::string_view segment = rest.substr(0, slash);
  rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  return segment;
}

}  // namespace

std::optional<PathParams> MatchPath(std::string_view pattern, std::string_view path) {
  if (pattern.empty() || path.empty() || pattern.front() != '/' || path.front() != '/') {
    return std::nullopt;
  }
  pattern.remove_prefix(1);
  path.remove_prefix(1);
  PathParams params;
  while (true) {
    const bool pattern_done = pattern.empty(), path_done = path.empty();
    if (pattern_done || path_done) {
      if (pattern_done && path_done) return params;
      return std::nullopt;
    }
    const std::string_view want = NextSegment(pattern), got = NextSegment(path);
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (got.empty()) return std::nullopt;
      params.emplace_back(std::string(want.substr(1, want.size() - 2)), std::string(got));
    } else if (want != got) {
      return std::nullopt;
    }
  }
}

}  // namespace rapport::server
