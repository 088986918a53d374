#include "server/static_files.h"

#include <fstream>
#include <sstream>

namespace rapport::server {
namespace {

bool PlainName(std::string_view name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) {
    return false;
  }
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '.' && c != '-' && c != '_' && c != '/') return false;
  }
  return true;
}

std::string ContentType(std::string_view name) {
  auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

}  // namespace

std::optional<StaticFile> FindStaticFile(const std::string& web_root, std::string_view path) {
  std::string_view name = path;
  if (!name.empty() && name.front() == '/') name.remove_prefix(1);
  if (name.empty()) name = "index.html";
  if (!PlainName(name)) return std::nullopt;
  if (web_root.empty()) {
    auto body = EmbeddedFile(name);
    if (!body) return std::nullopt;
    return StaticFile{std::string(*body), ContentType(name)};
  }
  std::ifstream in(web_root + "/" + std::string(name), std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream data;
  data << in.rdbuf();
  return StaticFile{data.str(), ContentType(name)};
}

}  // namespace rapport::server
