#include "rapport/sync/imap_source.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sync/net_helpers.h"

namespace rapport::sync {

Status ParseImapUrl(std::string_view url, bool starttls, ImapSource& source) {
  auto bad = [&](std::string why) {
    return Status::InvalidArgument("--url '" + std::string(url) + "': " + why +
                                   " (write it like imaps://mail.example.com or "
                                   "imap://mail.example.com:143 with --starttls)");
  };
  std::string_view rest = url;
  if (rest.rfind("imaps://", 0) == 0) {
    source.implicit_tls = true;
    source.port = 993;
    rest.remove_prefix(8);
  } else if (rest.rfind("imap://", 0) == 0) {
    source.implicit_tls = false;
    source.port = 143;
    rest.remove_prefix(7);
  } else {
    return bad("not an imap:// or imaps:// URL");
  }
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos || rest.find('@') != std::string_view::npos) {
    return bad("give only the host and port (the user goes in --user)");
  }
  std::string_view host = rest, port;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("unterminated '['");
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return bad("junk after ']'");
      port = rest.substr(close + 2);
    }
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return bad("no host");
  if (!port.empty()) {
    unsigned n = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc() || end != port.data() + port.size() || n == 0 || n > 65535) {
      return bad("bad port");
    }
    source.port = static_cast<uint16_t>(n);
  }
  if (source.implicit_tls && starttls) {
    return bad("--starttls is for imap:// (imaps:// is TLS from the start)");
  }
  if (!source.implicit_tls && !starttls && !IsLoopbackHost(host)) {
    return bad("plain imap:// would send the password in the clear; add --starttls");
  }
  source.url = std::string(url);
  source.host = std::string(host);
  source.starttls = starttls;
  return Status::Ok();
}

Result<std::string> ReadSecretFile(const std::string& path, std::string_view what) {
  std::string secret;
  if (path.rfind("env:", 0) == 0) {
    const char* value = std::getenv(path.c_str() + 4);
    if (value == nullptr) {
      return Status::NotFound("the " + std::string(what) + " variable " + path.substr(4) +
                              " is not set (set it where rapport connect and rapport sync run)");
    }
    secret = value;
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return Status::NotFound("cannot read the " + std::string(what) + " file '" + path +
                              "' (it must exist and be readable by this user)");
    }
    std::stringstream ss;
    ss << in.rdbuf();
    secret = ss.str();
  }
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  const std::string where =
      "the " + std::string(what) +
      (path.rfind("env:", 0) == 0 ? " variable " + path.substr(4) : " file '" + path + "'");
  if (secret.empty()) return Status::InvalidArgument(where + " is empty");
  if (secret.find_first_of("\r\n") != std::string::npos) {
    return Status::InvalidArgument(where + " holds more than one line");
  }
  return secret;
}

Status CheckImapSource(const ImapSource& source) {
  if (source.user.empty()) return Status::InvalidArgument("--user is required");
  if (source.password_file.empty() == source.oauth2_token_file.empty()) {
    return Status::InvalidArgument("give exactly one of --password-file and --oauth2-token-file");
  }
  auto secret = source.password_file.empty()
                    ? ReadSecretFile(source.oauth2_token_file, "OAuth token")
                    : ReadSecretFile(source.password_file, "password");
  if (!secret.ok()) return secret.status();
  if (!source.ca_file.empty() && !std::filesystem::is_regular_file(source.ca_file)) {
    return Status::NotFound("--ca-file '" + source.ca_file + "' is not a file");
  }
  return Status::Ok();
}

std::string ImapSourceJson(const ImapSource& s) {
  nlohmann::ordered_json j;
  j["url"] = s.url;
  j["starttls"] = s.starttls;
  j["user"] = s.user;
  if (!s.password_file.empty()) j["password_file"] = s.password_file;
  if (!s.oauth2_token_file.empty()) j["oauth2_token_file"] = s.oauth2_token_file;
  if (!s.ca_file.empty()) j["ca_file"] = s.ca_file;
  j["folders"] = s.folders;
  return j.dump();
}

Result<ImapSource> ImapSourceFromJson(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("url") || !j["url"].is_string()) {
    return Status::Corruption("an IMAP source's settings in the store are unreadable");
  }
  ImapSource s;
  auto text = [&](const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
  };
  RAPPORT_RETURN_IF_ERROR(ParseImapUrl(text("url"), j.value("starttls", false) == true, s));
  s.user = text("user");
  s.password_file = text("password_file");
  s.oauth2_token_file = text("oauth2_token_file");
  s.ca_file = text("ca_file");
  if (j.contains("folders") && j["folders"].is_array()) {
    for (const auto& f : j["folders"]) {
      if (f.is_string()) s.folders.push_back(f.get<std::string>());
    }
  }
  return s;
}

}  // namespace rapport::sync
