#include "rapport/sync/graph_source.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "rapport/sync/imap_source.h"
#include "sync/net_helpers.h"

namespace rapport::sync {
namespace {

Status CheckUrl(std::string_view flag, std::string_view url) {
  if (url.rfind("https://", 0) == 0) return Status::Ok();
  if (url.rfind("http://", 0) == 0 && IsLoopbackUrl(url)) return Status::Ok();
  return Status::InvalidArgument(std::string(flag) + " '" + std::string(url) +
                                 "' must be an https:// URL (plain http only for loopback)");
}

}  // namespace

Status CheckGraphSource(const GraphSource& s) {
  if (s.tenant.empty()) return Status::InvalidArgument("--tenant is required");
  if (s.client_id.empty()) return Status::InvalidArgument("--client-id is required");
  RAPPORT_RETURN_IF_ERROR(CheckUrl("--authority", s.authority));
  RAPPORT_RETURN_IF_ERROR(CheckUrl("--graph-url", s.graph_url));
  const bool secret = !s.client_secret_file.empty();
  const bool certificate = !s.certificate_file.empty() || !s.private_key_file.empty();
  if (secret == certificate) {
    return Status::InvalidArgument(
        "give either --client-secret-file or --certificate with --private-key");
  }
  if (secret) {
    auto read = ReadSecretFile(s.client_secret_file, "client secret");
    if (!read.ok()) return read.status();
  } else {
    if (s.certificate_file.empty() || s.private_key_file.empty()) {
      return Status::InvalidArgument("--certificate and --private-key go together");
    }
    for (const auto& f : {s.certificate_file, s.private_key_file}) {
      if (!std::filesystem::is_regular_file(f)) {
        return Status::NotFound("cannot read '" + f + "' (it must be a PEM file)");
      }
    }
  }
  if (s.meetings_back_days < 0 || s.meetings_back_days > 36500 || s.meetings_ahead_days < 0 ||
      s.meetings_ahead_days > 36500) {
    return Status::InvalidArgument(
        "--meetings-back and --meetings-ahead take 0 to 36500 days (both 0: no meetings)");
  }
  if (s.users != "all" && s.users.rfind("group:", 0) != 0 &&
      s.users.find('@') == std::string::npos) {
    return Status::InvalidArgument("--users takes all, ADDRESS,ADDRESS... or group:GROUP_ID");
  }
  return Status::Ok();
}

std::string GraphSourceJson(const GraphSource& s) {
  nlohmann::ordered_json j;
  j["tenant"] = s.tenant;
  j["client_id"] = s.client_id;
  if (!s.client_secret_file.empty()) j["client_secret_file"] = s.client_secret_file;
  if (!s.certificate_file.empty()) j["certificate_file"] = s.certificate_file;
  if (!s.private_key_file.empty()) j["private_key_file"] = s.private_key_file;
  j["users"] = s.users;
  j["authority"] = s.authority;
  j["graph_url"] = s.graph_url;
  j["meetings_back_days"] = s.meetings_back_days;
  j["meetings_ahead_days"] = s.meetings_ahead_days;
  j["directory"] = s.directory;
  return j.dump();
}

Result<GraphSource> GraphSourceFromJson(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object())
    return Status::Corruption("a Graph source's settings in the store are unreadable");
  auto text = [&](const char* key, std::string fallback = {}) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : fallback;
  };
  GraphSource s;
  s.tenant = text("tenant");
  s.client_id = text("client_id");
  s.client_secret_file = text("client_secret_file");
  s.certificate_file = text("certificate_file");
  s.private_key_file = text("private_key_file");
  s.users = text("users", "all");
  s.authority = text("authority", s.authority);
  s.graph_url = text("graph_url", s.graph_url);
  auto days = [&](const char* key, int fallback) {
    return j.contains(key) && j[key].is_number_integer() ? j[key].get<int>() : fallback;
  };
  s.meetings_back_days = days("meetings_back_days", s.meetings_back_days);
  s.meetings_ahead_days = days("meetings_ahead_days", s.meetings_ahead_days);
  s.directory =
      !j.contains("directory") || !j["directory"].is_boolean() || j["directory"].get<bool>();
  return s;
}

}  // namespace rapport::sync
