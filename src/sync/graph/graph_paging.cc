#include "sync/graph/graph_paging.h"

#include <ctime>

#include "sync/net_helpers.h"

namespace rapport::sync {

Status ForEachGraphItem(GraphHttp& http, std::string url, std::string_view permission,
                        SyncCounts& counts,
                        const std::function<void(const nlohmann::json&)>& each) {
  while (!url.empty()) {
    auto body = http.Get(url, permission);
    if (!body.ok()) return body.status();
    ++counts.pages;
    auto j = nlohmann::json::parse(*body, nullptr, false);
    if (!j.is_object()) return Status::Corruption("Graph: a page that is not JSON from " + url);
    if (j.contains("value") && j["value"].is_array()) {
      for (const auto& item : j["value"]) each(item);
    } else {
      each(j);  // a single resource
    }
    url = j.contains("@odata.nextLink") && j["@odata.nextLink"].is_string()
              ? j["@odata.nextLink"].get<std::string>()
              : std::string();
  }
  return Status::Ok();
}

std::string GraphPathSegment(std::string_view s) {
  return PercentEncode(s, "@=");
}

uint64_t GraphItemOffset(std::string_view graph_id) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a, then mixed: stable across builds and machines
  for (unsigned char c : graph_id) h = (h ^ c) * 1099511628211ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return h & 0x7fffffffffffffffULL;
}

std::string GraphUtc(int64_t utc_seconds) {
  std::time_t t = static_cast<std::time_t>(utc_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace rapport::sync
