// The dashboard's files (web/) and the OpenAPI document, built into the binary so that the
// server works offline and from any folder; a --web-root folder replaces the built-in copy while
// the dashboard is being worked on.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rapport::server {

// A built-in file by name ("index.html", "openapi.json"), or nullopt.
std::optional<std::string_view> EmbeddedFile(std::string_view name);

struct StaticFile {
  std::string body;
  std::string content_type;
};

// The file a GET of `path` asks for ("/" is index.html), from `web_root` when set, else built-in.
// Only plain names (letters, digits, '.', '-', '_' and '/', no "..") are looked up.
std::optional<StaticFile> FindStaticFile(const std::string& web_root, std::string_view path);

}  // namespace rapport::server
