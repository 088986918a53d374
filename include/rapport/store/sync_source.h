// A live mailbox source (rapport connect): an IMAP account or a Microsoft 365 tenant over Graph.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rapport::store {

struct SyncSource {
  int64_t id = 0;
  std::string name;
  std::string kind;    // "imap" or "graph"
  std::string config;  // the settings as JSON: paths of secret files, never a secret
  int64_t created_at = 0;
  std::optional<int64_t> last_sync_at;
  std::string last_error;  // "" after a clean sync
};

}  // namespace rapport::store
