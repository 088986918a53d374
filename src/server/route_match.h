// MatchPath: whether a request path fits a route's OpenAPI template, segment by segment, and the
// {name} parameters it carries. The path stays percent-encoded here (an X.500 address in a
// parameter may hold an encoded '/'), and each parameter is decoded on its own afterwards.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rapport::server {

using PathParams = std::vector<std::pair<std::string, std::string>>;  // name, encoded value

// "/v1/consent/{type}/grant" and "/v1/consent/aggregated/grant" -> {{"type", "aggregated"}};
// nullopt when the path does not fit (a parameter must not be empty).
std::optional<PathParams> MatchPath(std::string_view pattern, std::string_view path);

}  // namespace rapport::server
