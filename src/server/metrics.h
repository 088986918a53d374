// Metrics: what the server has done since it started, in the Prometheus text exposition format
// (version 0.0.4) at /metrics. Labels are route templates, never paths or query values, so no
// address or target ever reaches a metric.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace rapport::server {

class Metrics {
 public:
  // A request to `route` (a template, or "static", "not_found") answered with `status`.
  void Request(const std::string& method, const std::string& route, int status, double seconds);
  // The policy point's answer to an insight request: allowed, or denied.
  void Decision(bool allowed);
  void InFlight(int delta);

  // The exposition text; `store_gauges` are appended as rapport_store_<name> gauges. The
  // in-flight gauge counts the /metrics request that asks for it.
  std::string Render(const std::map<std::string, int64_t>& store_gauges, size_t open_connections);

 private:
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };

  std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  uint64_t allowed_ = 0, denied_ = 0;
  int64_t in_flight_ = 0;
};

}  // namespace rapport::server
