// How the front reads one request with Boost.Beast's parser and hands it on as an HttpRequest:
// the parser's limits, what each parse error is answered with, and the checks on a complete head.
// Shared by the front (http_front.cc) and its fuzz target, so the fuzzer reads requests exactly as
// the server does. Internal to src/server.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <string_view>

#include "server/front_limits.h"
#include "server/http_message.h"

namespace rapport::server {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// A parser with the front's byte limits: a head over header_bytes, or a body (declared or
// chunked) over body_bytes, fails the read.
void ApplyLimits(BeastParser& parser, const FrontLimits& limits);

// What to answer for a read that failed, or nullopt when the connection is simply closed (the
// client went away, the deadline passed, the stream broke).
std::optional<Refusal> RefusalOf(const boost::beast::error_code& ec);

// Checks a complete head: too many header fields (431), a declared body over the limit (413,
// answered before any of the body is read).
std::optional<Refusal> CheckHead(const BeastParser& parser, const FrontLimits& limits);

// The request as the handling sees it: the target decoded, header values checked for UTF-8.
// A Refusal (400) names the part that is wrong.
Result<HttpRequest> ToHttpRequest(BeastRequest&& request);

// Reads one whole request from `bytes` as the front does (for the fuzz target and tests): the
// request, or the refusal the front would send. nullopt refusal and no request: incomplete.
struct ParsedRequest {
  std::optional<HttpRequest> request;
  std::optional<Refusal> refusal;
};
ParsedRequest ParseRequest(std::string_view bytes, const FrontLimits& limits);

}  // namespace rapport::server
