#include "server/metrics.h"

#include <fmt/core.h>

namespace rapport::server {

void Metrics::Request(const std::string& method, const std::string& route, int status,
                      double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{method, route, status}];
  Histogram& h = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::Decision(bool allowed) {
  std::lock_guard lock(mutex_);
  ++(allowed ? allowed_ : denied_);
}

void Metrics::InFlight(int delta) {
  std::lock_guard lock(mutex_);
  in_flight_ += delta;
}

std::string Metrics::Render(const std::map<std::string, int64_t>& store_gauges,
                            size_t open_connections) {
  std::lock_guard lock(mutex_);
  std::string out;
  out += "# HELP rapport_http_requests_total HTTP requests answered, by route and status.\n";
  out += "# TYPE rapport_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out +=
        fmt::format("rapport_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                    method, route, status, n);
  }
  out += "# HELP rapport_http_request_duration_seconds Time to answer a request, by route.\n";
  out += "# TYPE rapport_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out +=
          fmt::format("rapport_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                      route, kBuckets[i], h.counts[i]);
    }
    out +=
        fmt::format("rapport_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                    route, h.count);
    out +=
        fmt::format("rapport_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route, h.sum);
    out += fmt::format("rapport_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route,
                       h.count);
  }
  out +=
      "# HELP rapport_policy_decisions_total Insight requests the policy point allowed or "
      "denied.\n";
  out += "# TYPE rapport_policy_decisions_total counter\n";
  out += fmt::format("rapport_policy_decisions_total{{decision=\"allow\"}} {}\n", allowed_);
  out += fmt::format("rapport_policy_decisions_total{{decision=\"deny\"}} {}\n", denied_);
  out += "# HELP rapport_http_requests_in_flight Requests being answered now.\n";
  out += "# TYPE rapport_http_requests_in_flight gauge\n";
  out += fmt::format("rapport_http_requests_in_flight {}\n", in_flight_);
  out += "# HELP rapport_http_connections_open Client connections open now.\n";
  out += "# TYPE rapport_http_connections_open gauge\n";
  out += fmt::format("rapport_http_connections_open {}\n", open_connections);
  for (const auto& [name, value] : store_gauges) {
    out += fmt::format("# HELP rapport_store_{0} What the store holds: {0}.\n", name);
    out += fmt::format("# TYPE rapport_store_{} gauge\n", name);
    out += fmt::format("rapport_store_{} {}\n", name, value);
  }
  return out;
}

}  // namespace rapport::server
