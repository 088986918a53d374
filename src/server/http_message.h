// HttpRequest and HttpResponse: one request as the server's handling sees it, apart from the
// network front that read it (http_front.h). The front checks the limits and hands over only a
// request whose target, parameters and headers are decoded and valid UTF-8, so nothing after it
// has to guard against odd bytes.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rapport/status.h"

namespace rapport::server {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;  // GET, POST, ...
  std::string path;    // as sent (still percent-encoded), without the query: routes match it
                       // segment by segment and decode each parameter on its own
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in the order sent
  HeaderList headers;                                      // names lower-case
  std::string body;

  // The first header of that (lower-case) name, or "".
  std::string Header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;

  void Set(std::string_view name, std::string value);  // replaces a header of that name
  std::string Header(std::string_view name) const;     // "" when absent
};

// What the front answers instead of handling a request (malformed, too large, too slow, ...).
struct Refusal {
  int status = 400;
  std::string code;     // bad_request, payload_too_large, header_fields_too_large, ...
  std::string message;  // what was wrong and how to fix it
};

// Splits a request target ("/v1/who-knows?target=a%40b.com") into its path (left encoded) and
// decoded query parameters. InvalidArgument names the part that is wrong: bad percent-encoding,
// a NUL, or bytes that are not UTF-8 ("query parameter 'target' is not valid UTF-8").
Status DecodeTarget(std::string_view target, HttpRequest& request);

// One percent-encoded piece of text (a path parameter, or the whole path) decoded; InvalidArgument
// naming `what` when it is not UTF-8 text.
Result<std::string> DecodeText(std::string_view encoded, std::string_view what);

// Percent-decodes `text` ('+' is a space when `plus_is_space`); false on a bad escape.
bool PercentDecode(std::string_view text, bool plus_is_space, std::string& out);

// `text` safe for a log line: control characters, backslashes and bytes past ASCII become \xNN.
std::string EscapeForLog(std::string_view text);

}  // namespace rapport::server
