#include "sync/graph/graph_http.h"

#include <httplib.h>

#include <map>
#include <nlohmann/json.hpp>

#include "rapport/sync/imap_source.h"
#include "sync/graph/client_assertion.h"
#include "sync/net_helpers.h"

namespace rapport::sync {
namespace {

constexpr int kAttempts = 8;
constexpr auto kTimeout = std::chrono::seconds(60);

struct Url {
  std::string origin, path;
};

Url Split(const std::string& url) {
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

// Graph's error body: {"error": {"code": "...", "message": "..."}}; the token endpoint's:
// {"error": "...", "error_description": "AADSTS...: ..."}.
std::pair<std::string, std::string> ErrorOf(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("error")) return {"", ""};
  const auto& e = j["error"];
  if (e.is_object()) {
    return {e.value("code", ""), e.value("message", "")};
  }
  std::string description = j.value("error_description", "");
  return {e.is_string() ? e.get<std::string>() : "", description.substr(0, description.find('\n'))};
}

// Retry-After when Graph gave one (seconds), else jittered back-off.
std::chrono::milliseconds WaitBefore(int attempt, const httplib::Response* response) {
  if (response != nullptr && response->has_header("Retry-After")) {
    long seconds = std::strtol(response->get_header_value("Retry-After").c_str(), nullptr, 10);
    if (seconds >= 0 && seconds <= 300) return std::chrono::seconds(seconds);
  }
  return JitteredBackoff(attempt);
}

}  // namespace

struct GraphHttp::Impl {
  std::map<std::string, std::unique_ptr<httplib::Client>> clients;  // by origin, kept alive

  httplib::Client& ClientFor(const std::string& origin) {
    auto& c = clients[origin];
    if (!c) {
      c = std::make_unique<httplib::Client>(origin);
      c->set_keep_alive(true);
      c->set_connection_timeout(kTimeout);
      c->set_read_timeout(kTimeout);
      c->set_write_timeout(kTimeout);
    }
    return *c;
  }
};

GraphHttp::GraphHttp(GraphSource source, const std::atomic<bool>* stop)
    : impl_(std::make_unique<Impl>()), source_(std::move(source)), stop_(stop) {}

GraphHttp::~GraphHttp() = default;

Status GraphHttp::Authenticate() {
  return RefreshToken();
}

Status GraphHttp::RefreshToken() {
  const std::string endpoint = source_.TokenEndpoint();
  std::string form = "grant_type=client_credentials&client_id=" + PercentEncode(source_.client_id) +
                     "&scope=" + PercentEncode(source_.graph_url + "/.default");
  if (!source_.client_secret_file.empty()) {
    auto secret = ReadSecretFile(source_.client_secret_file, "client secret");
    if (!secret.ok()) return secret.status();
    form += "&client_secret=" + PercentEncode(*secret);
  } else {
    auto assertion =
        MakeClientAssertion(source_.certificate_file, source_.private_key_file, source_.client_id,
                            endpoint, static_cast<int64_t>(std::time(nullptr)));
    if (!assertion.ok()) return assertion.status();
    form += "&client_assertion_type=" +
            PercentEncode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
            "&client_assertion=" + *assertion;
  }
  Url url = Split(endpoint);
  for (int attempt = 0;; ++attempt) {
    auto response =
        impl_->ClientFor(url.origin).Post(url.path, form, "application/x-www-form-urlencoded");
    ++requests_;
    if (!response || response->status == 429 || response->status >= 500) {
      if (attempt + 1 >= kAttempts) {
        return Status::IoError("Graph: the token endpoint " + url.origin + " cannot be reached" +
                               (response ? " (HTTP " + std::to_string(response->status) + ")"
                                         : ": " + httplib::to_string(response.error())));
      }
      ++retries_;
      SleepUnlessStopped(WaitBefore(attempt, response ? &*response : nullptr), stop_);
      continue;
    }
    if (response->status == 200) {
      auto j = nlohmann::json::parse(response->body, nullptr, false);
      if (!j.is_object() || !j.contains("access_token") || !j["access_token"].is_string()) {
        return Status::Corruption("Graph: the token endpoint answered without an access token");
      }
      token_ = j["access_token"].get<std::string>();
      int64_t lifetime = j.value("expires_in", int64_t{3599});
      token_expires_ = std::chrono::steady_clock::now() +
                       std::chrono::seconds(std::max<int64_t>(lifetime - 300, 30));
      return Status::Ok();
    }
    auto [code, description] = ErrorOf(response->body);
    std::string aadsts = description.substr(0, description.find(':'));
    if (aadsts == "AADSTS7000215" || aadsts == "AADSTS7000222") {
      return Status::PermissionDenied(
          "Graph: the client secret was refused (" + aadsts +
          "): check --client-secret-file holds the secret's value, not its id, and that it has "
          "not expired");
    }
    if (aadsts == "AADSTS90002" || aadsts == "AADSTS900023") {
      return Status::NotFound("Graph: unknown tenant '" + source_.tenant + "' (" + aadsts +
                              "): check --tenant (the directory (tenant) id)");
    }
    if (aadsts == "AADSTS700016") {
      return Status::NotFound("Graph: no application '" + source_.client_id + "' in tenant '" +
                              source_.tenant + "' (" + aadsts + "): check --client-id");
    }
    if (aadsts == "AADSTS700027" || aadsts == "AADSTS700024") {
      return Status::PermissionDenied("Graph: the certificate assertion was refused (" + aadsts +
                                      "): upload this certificate to the app registration");
    }
    return Status::PermissionDenied("Graph: no token (HTTP " + std::to_string(response->status) +
                                    (code.empty() ? "" : ", " + code) + "): " + description);
  }
}

Result<std::string> GraphHttp::Get(const std::string& url_or_path, std::string_view permission) {
  const std::string url =
      url_or_path.rfind("http", 0) == 0 ? url_or_path : source_.graph_url + "/v1.0" + url_or_path;
  Url parts = Split(url);
  bool renewed = false;
  for (int attempt = 0;; ++attempt) {
    if (token_.empty() || std::chrono::steady_clock::now() >= token_expires_) {
      RAPPORT_RETURN_IF_ERROR(RefreshToken());
    }
    httplib::Headers headers{{"Authorization", "Bearer " + token_},
                             {"Accept", "application/json"},
                             {"Prefer", "odata.maxpagesize=500"}};
    auto response = impl_->ClientFor(parts.origin).Get(parts.path, headers);
    ++requests_;
    const int status = response ? response->status : 0;
    if (status == 200) return std::move(response->body);
    auto [code, message] =
        response ? ErrorOf(response->body) : std::pair<std::string, std::string>{};
    if (status == 410 || code == "SyncStateNotFound" || code == "resyncRequired" ||
        code == "SyncStateInvalid") {
      return Status::NotFound(std::string(kDeltaExpired));
    }
    if (status == 401 && !renewed) {  // expired or revoked early: one new token, then again
      renewed = true;
      token_.clear();
      ++retries_;
      continue;
    }
    if (status == 0 || status == 429 || status == 503 || status == 504) {
      if (attempt + 1 >= kAttempts || (stop_ && stop_->load())) {
        return Status::IoError(
            "Graph: " + parts.origin + " kept failing (" +
            (response ? "HTTP " + std::to_string(status) : httplib::to_string(response.error())) +
            "); try again later");
      }
      ++retries_;
      SleepUnlessStopped(WaitBefore(attempt, response ? &*response : nullptr), stop_);
      continue;
    }
    if (status == 403) {
      return Status::PermissionDenied("Graph: access denied (" + code +
                                      "): grant the application "
                                      "permission " +
                                      std::string(permission) +
                                      " to the app and give admin consent (docs/connectors.md)");
    }
    if (status == 404) {
      return Status::NotFound("Graph: not found (" + code + "): " + message);
    }
    return Status::FailedPrecondition("Graph: HTTP " + std::to_string(status) +
                                      (code.empty() ? "" : " " + code) + ": " + message);
  }
}

}  // namespace rapport::sync
