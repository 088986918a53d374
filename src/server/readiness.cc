#include "server/readiness.h"

#include <fmt/core.h>

#include "rapport/api/iso_time.h"

namespace rapport::server {
namespace {

using nlohmann::ordered_json;

// Seconds since the source last synced, or since it was connected when it never has.
int64_t Lag(const store::SyncSource& s, int64_t now) {
  return now - s.last_sync_at.value_or(s.created_at);
}

// Label values are operator-given names: quotes, backslashes and newlines escaped (Prometheus).
std::string Label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? 'n' : c;
  }
  return out;
}

}  // namespace

Readiness CheckReadiness(store::Store& store, int64_t now, int64_t sync_within) {
  Readiness out;
  ordered_json reasons = ordered_json::array();
  ordered_json sources = ordered_json::array();
  auto current = store.SchemaCurrent();
  if (!current.ok()) {
    reasons.push_back("the store does not answer: " + current.status().message());
  } else if (!*current) {
    reasons.push_back("the store was migrated by a newer rapport: upgrade this one");
  }
  auto listed = current.ok() ? store.ListSyncSources() : current.status();
  if (!listed.ok() && current.ok()) {
    reasons.push_back("the store does not answer: " + listed.status().message());
  }
  for (const auto& s : listed.ok() ? *listed : std::vector<store::SyncSource>()) {
    const int64_t lag = Lag(s, now);
    const bool late = lag > sync_within;
    if (late) {
      reasons.push_back(fmt::format("source {}: {} for {} s (allowed {} s)", s.name,
                                    s.last_sync_at ? "not synced" : "never synced since connected",
                                    lag, sync_within));
    }
    if (!s.last_error.empty()) {
      reasons.push_back("source " + s.name + ": its last sync failed: " + s.last_error);
    }
    sources.push_back({{"name", s.name},
                       {"kind", s.kind},
                       {"last_sync_at", s.last_sync_at ? ordered_json(api::IsoTime(*s.last_sync_at))
                                                       : ordered_json(nullptr)},
                       {"lag_seconds", lag},
                       {"late", late},
                       {"last_error", s.last_error}});
  }
  out.ready = reasons.empty();
  out.document = {{"status", out.ready ? "ready" : "not ready"},
                  {"reasons", reasons},
                  {"sync_within_seconds", sync_within},
                  {"sources", sources}};
  return out;
}

std::string SyncMetrics(store::Store& store, int64_t now) {
  auto sources = store.ListSyncSources();
  if (!sources.ok() || sources->empty()) return "";
  std::string out =
      "# HELP rapport_sync_lag_seconds Seconds since the source's last sync ended (or since it "
      "was connected).\n# TYPE rapport_sync_lag_seconds gauge\n";
  for (const auto& s : *sources) {
    out +=
        fmt::format("rapport_sync_lag_seconds{{source=\"{}\"}} {}\n", Label(s.name), Lag(s, now));
  }
  out +=
      "# HELP rapport_sync_failing Whether the source's last sync failed (rapport connect list "
      "says why).\n# TYPE rapport_sync_failing gauge\n";
  for (const auto& s : *sources) {
    out += fmt::format("rapport_sync_failing{{source=\"{}\"}} {}\n", Label(s.name),
                       s.last_error.empty() ? 0 : 1);
  }
  return out;
}

}  // namespace rapport::server
