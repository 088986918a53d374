#include "server/routes.h"

#include <charconv>

#include "rapport/api/iso_time.h"

namespace rapport::server {

std::string Call::Param(const std::string& name, const std::string& fallback) const {
  auto it = query.find(name);
  return it == query.end() ? fallback : it->second;
}

Result<int64_t> IntParam(const Call& call, const std::string& name, int64_t fallback, int64_t min,
                         int64_t max) {
  const std::string text = call.Param(name);
  if (text.empty()) return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return Status::InvalidArgument("'" + name + "' wants a whole number from " +
                                   std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

Result<int64_t> AsOfParam(const Call& call) {
  const std::string text = call.Param("as_of");
  if (text.empty()) return call.now;
  return api::ParseUtc("'as_of'", text);
}

Result<api::Document> JsonBody(const Call& call) {
  if (call.body.empty()) return api::Document::object();
  auto body = api::Document::parse(call.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Status::InvalidArgument("the request body is not a JSON object");
  }
  return body;
}

std::vector<Route> ApiRoutes() {
  auto routes = InsightRoutes();
  for (auto& r : AdminRoutes()) routes.push_back(std::move(r));
  for (auto& r : TokenRoutes()) routes.push_back(std::move(r));
  return routes;
}

}  // namespace rapport::server
