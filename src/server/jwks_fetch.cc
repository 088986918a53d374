#include "server/jwks_fetch.h"

namespace rapport::server {

Result<std::string> FetchJwks(const std::string& url, const JwksFetchLimits& limits,
                              std::stop_token stop) {
  if (url.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("--entra-jwks wants a file or an https:// URL, not " + url);
  }
  const std::string what = "the JWKS endpoint";
  auto answer = HttpsCall({"GET", url}, what, limits, std::move(stop));
  if (!answer.ok()) {
    if (answer.status().message().find(" answered more than ") == std::string::npos) {
      return answer.status();
    }
    return Status::IoError(answer.status().message() + " (is --entra-jwks the tenant's keys URL?)");
  }
  if (answer->status != 200) {
    return Status::IoError(what + " " + url + " answered HTTP " + std::to_string(answer->status));
  }
  return std::move(answer->body);
}

}  // namespace rapport::server
