// libFuzzer target: the server's front reading one request from arbitrary bytes (Boost.Beast's
// parser with the front's limits, then the checks and decoding of beast_request.h), and the
// route table matching what it read.
//
// Besides "no crash, no sanitizer report", it checks what the handling relies on: a request that
// gets through has a method, a path starting with '/', and decoded query parameters and header
// values that are UTF-8 without NUL (checked against the fuzz oracle's own UTF-8 reading); a body
// within the limit; a refusal is 400, 413 or 431 with a message that serialises as JSON; every
// path parameter either decodes to text or is refused; a log line's escape holds no control byte.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_invariants.h"
#include "server/beast_request.h"
#include "server/http_errors.h"
#include "server/route_match.h"
#include "server/routes.h"

namespace rapport::server {
namespace {

using fuzz::Require;

bool OracleUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = fuzz::Utf8Length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool Text(std::string_view s) {
  return OracleUtf8(s) && s.find('\0') == std::string_view::npos;
}

void CheckLogEscape(std::string_view s) {
  for (char c : EscapeForLog(s)) {
    const auto b = static_cast<unsigned char>(c);
    Require(b >= 0x20 && b < 0x7F, "a log escape holds only printable ASCII", s);
  }
}

void CheckRequest(const HttpRequest& r, const FrontLimits& limits) {
  Require(!r.method.empty(), "a request has a method", r.method);
  Require(!r.path.empty() && r.path.front() == '/', "a path starts with '/'", r.path);
  Require(r.body.size() <= limits.body_bytes, "a body is within the limit", r.method);
  for (const auto& [name, value] : r.query) {
    Require(Text(name) && Text(value), "query parameters are UTF-8 text", name + "=" + value);
  }
  for (const auto& [name, value] : r.headers) {
    Require(OracleUtf8(value), "header values are UTF-8", value);
  }
  static const auto routes = ApiRoutes();
  for (const auto& route : routes) {
    auto params = MatchPath(route.path, r.path);
    if (!params) continue;
    for (const auto& [name, encoded] : *params) {
      auto decoded = DecodeText(encoded, name);
      if (decoded.ok()) Require(Text(*decoded), "a decoded path parameter is text", *decoded);
    }
  }
  CheckLogEscape(r.path);
}

}  // namespace
}  // namespace rapport::server

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::server;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  FrontLimits limits;
  limits.header_bytes = 2048;  // small, so that the fuzzer reaches the limits
  limits.header_count = 16;
  limits.body_bytes = 512;
  ParsedRequest parsed = ParseRequest(bytes, limits);
  rapport::fuzz::Require(!(parsed.request && parsed.refusal), "a request or a refusal", bytes);
  if (parsed.request) CheckRequest(*parsed.request, limits);
  if (parsed.refusal) {
    const int s = parsed.refusal->status;
    rapport::fuzz::Require(s == 400 || s == 413 || s == 431, "a refusal is 400, 413 or 431",
                           parsed.refusal->message);
    (void)ErrorDocument(parsed.refusal->code, parsed.refusal->message, "0").dump();  // no throw
  }
  return 0;
}
