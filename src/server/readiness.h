// /readyz: whether this server should be sent requests -- the store answers, its schema is the
// one this rapport knows (not migrated further by a newer one), and every live mailbox source
// (rapport connect) synced cleanly within the allowed time -- and what the metrics say of each
// source. Internal to src/server.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include "rapport/store/store.h"

namespace rapport::server {

struct Readiness {
  bool ready = false;
  nlohmann::ordered_json document;  // {"status", "reasons": [...], "sources": [...]}
};

// `sync_within`: the seconds a source may go without a clean sync (counted from when it was
// connected, until its first).
Readiness CheckReadiness(store::Store& store, int64_t now, int64_t sync_within);

// Prometheus lines for each source: seconds since its last sync ended, and whether it failed.
std::string SyncMetrics(store::Store& store, int64_t now);

}  // namespace rapport::server
