#include "server/beast_request.h"

#include <fmt/core.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <iterator>

#include "ingest/csv_rows.h"

namespace rapport::server {

namespace http = boost::beast::http;

void ApplyLimits(BeastParser& parser, const FrontLimits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
  parser.body_limit(limits.body_bytes);
}

std::optional<Refusal> RefusalOf(const boost::beast::error_code& ec) {
  if (ec == http::error::header_limit) {
    return Refusal{431, "header_fields_too_large",
                   "the request line and headers are larger than this server accepts"};
  }
  if (ec == http::error::body_limit) {
    return Refusal{413, "payload_too_large", "the request body is larger than this server accepts"};
  }
  // Broken HTTP gets a 400 that says which rule it broke; a closed, reset or timed-out stream
  // gets nothing (nobody is listening, or the client is the problem).
  if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message &&
      ec != http::error::need_more) {
    return Refusal{400, "bad_request",
                   fmt::format("the request is not valid HTTP/1.1 ({})", ec.message())};
  }
  return std::nullopt;
}

std::optional<Refusal> CheckHead(const BeastParser& parser, const FrontLimits& limits) {
  const auto& head = parser.get();
  if (static_cast<size_t>(std::distance(head.begin(), head.end())) > limits.header_count) {
    return Refusal{431, "header_fields_too_large",
                   fmt::format("the request has more than {} header fields", limits.header_count)};
  }
  if (auto length = parser.content_length(); length && *length > limits.body_bytes) {
    return Refusal{413, "payload_too_large",
                   fmt::format("the request body is larger than this server accepts ({} bytes)",
                               limits.body_bytes)};
  }
  return std::nullopt;
}

Result<HttpRequest> ToHttpRequest(BeastRequest&& request) {
  HttpRequest out;
  out.method = std::string(request.method_string());
  for (const auto& field : request) {
    std::string name(field.name_string());
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    std::string value(field.value());
    if (!ingest::IsValidUtf8(value)) {
      return Status::InvalidArgument(
          fmt::format("header '{}' is not valid UTF-8", EscapeForLog(name)));
    }
    out.headers.emplace_back(std::move(name), std::move(value));
  }
  const std::string_view target(request.target().data(), request.target().size());
  if (target.empty() || target.front() != '/') {
    return Status::InvalidArgument("the request target must be a path starting with '/'");
  }
  RAPPORT_RETURN_IF_ERROR(DecodeTarget(target, out));
  out.body = std::move(request.body());
  return out;
}

ParsedRequest ParseRequest(std::string_view bytes, const FrontLimits& limits) {
  BeastParser parser;
  ApplyLimits(parser, limits);
  ParsedRequest out;
  bool head_checked = false;
  while (!parser.is_done()) {
    boost::beast::error_code ec;
    const size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    bytes.remove_prefix(used);
    if (ec == http::error::need_more) return out;  // incomplete
    if (ec) {
      out.refusal = RefusalOf(ec);
      return out;
    }
    if (parser.is_header_done() && !head_checked) {
      head_checked = true;
      if ((out.refusal = CheckHead(parser, limits))) return out;
    }
    if (used == 0 && !parser.is_done()) return out;
  }
  auto request = ToHttpRequest(parser.release());
  if (request.ok()) {
    out.request = std::move(*request);
  } else {
    out.refusal = Refusal{400, "bad_request", request.status().message()};
  }
  return out;
}

}  // namespace rapport::server
