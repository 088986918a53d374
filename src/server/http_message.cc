#include "server/http_message.h"

#include <fmt/core.h>

#include "ingest/csv_rows.h"
#include "ingest/mail/header_block.h"

namespace rapport::server {
namespace {

std::string HeaderIn(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (ingest::EqualsIgnoreCase(n, name)) return v;
  }
  return "";
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A decoded part must be text: UTF-8 and no NUL (a NUL would cut the string short in SQLite or a
// log line, and no address or date holds one).
bool Text(std::string_view s) {
  return s.find('\0') == std::string_view::npos && ingest::IsValidUtf8(s);
}

}  // namespace

std::string HttpRequest::Header(std::string_view name) const {
  return HeaderIn(headers, name);
}

std::string HttpResponse::Header(std::string_view name) const {
  return HeaderIn(headers, name);
}

void HttpResponse::Set(std::string_view name, std::string value) {
  for (auto& [n, v] : headers) {
    if (ingest::EqualsIgnoreCase(n, name)) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::move(value));
}

bool PercentDecode(std::string_view text, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return false;
      const int hi = HexDigit(text[i + 1]), lo = HexDigit(text[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(plus_is_space && c == '+' ? ' ' : c);
    }
  }
  return true;
}

Status DecodeTarget(std::string_view target, HttpRequest& request) {
  const size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  request.query.clear();
  if (question == std::string_view::npos) return Status::Ok();
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::string name, value;
    if (!PercentDecode(pair.substr(0, eq), true, name) || !Text(name)) {
      return Status::InvalidArgument(
          "a query parameter's name is not valid UTF-8 (or has a bad %-escape)");
    }
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (!PercentDecode(raw_value, true, value) || !Text(value)) {
      return Status::InvalidArgument(
          fmt::format("query parameter '{}' is not valid UTF-8 (or has a bad %-escape): "
                      "percent-encode UTF-8 text",
                      EscapeForLog(name)));
    }
    request.query.emplace_back(std::move(name), std::move(value));
  }
  return Status::Ok();
}

Result<std::string> DecodeText(std::string_view encoded, std::string_view what) {
  std::string text;
  if (!PercentDecode(encoded, false, text) || !Text(text)) {
    return Status::InvalidArgument(fmt::format(
        "{} is not valid UTF-8 (or has a bad %-escape): percent-encode UTF-8 text", what));
  }
  return text;
}

std::string EscapeForLog(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b >= 0x7F || c == '\\') {
      out += fmt::format("\\x{:02x}", b);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace rapport::server
