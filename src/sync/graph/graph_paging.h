// What every Graph reader of the sync layer shares: what a pass works with, walking a paged
// collection, writing a path segment, and turning a Graph id into the number an item is kept
// under.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "rapport/ingest/ingest_gate.h"
#include "rapport/ingest/mailbox_sink.h"
#include "rapport/status.h"
#include "rapport/store/sync_source.h"
#include "rapport/sync/graph_source.h"
#include "rapport/sync/mailbox_sync.h"
#include "sync/graph/graph_http.h"

namespace rapport::sync {

// What one pass over a Graph source works with.
struct GraphPass {
  const store::SyncSource& source;
  const GraphSource& settings;
  GraphHttp& http;
  ingest::MailboxSink& sink;
  ingest::IngestGate& gate;
  const SyncOptions& options;
  SyncCounts& counts;
};

// One mailbox a Graph source reads: the user's Entra object id and primary address.
struct GraphMailboxRef {
  std::string id, address;
};

// Calls `each` with every item of a paged collection (or the one resource a URL names),
// following @odata.nextLink; each page is counted in counts.pages.
Status ForEachGraphItem(GraphHttp& http, std::string url, std::string_view permission,
                        SyncCounts& counts, const std::function<void(const nlohmann::json&)>& each);

// A path segment as Graph's own links write one: '@' and '=' (addresses, ids) kept.
std::string GraphPathSegment(std::string_view s);

// A Graph id as an item offset: mailbox_item and calendar_item key items by number (IMAP UIDs).
// 63 bits of a stable hash make a collision within one folder practically impossible.
uint64_t GraphItemOffset(std::string_view graph_id);

// ISO 8601 UTC ("2026-12-03T00:00:00Z") for a query parameter.
std::string GraphUtc(int64_t utc_seconds);

}  // namespace rapport::sync
