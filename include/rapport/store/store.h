// Store: rapport's persistence. SQLite is the first implementation (OpenSqliteStore); a
// PostgreSQL one for multi-server deployments will implement the same interface, so nothing
// outside src/store knows which database is underneath.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rapport/ingest/message_sink.h"
#include "rapport/model/account.h"
#include "rapport/status.h"

namespace rapport::store {

struct TenantConfig {
  std::string name;
  std::vector<std::string> domains;  // internal domains, lower-case
  int64_t retention_days = 0;        // 0 = keep forever
  bool keep_subjects = false;
};

struct StoreStats {
  uint64_t messages = 0;
  uint64_t meetings = 0;     // occurrences that took place: not cancelled, not all-day
  double meeting_hours = 0;  // their total length
  uint64_t meetings_cancelled = 0;
  uint64_t all_day_events = 0;
  std::optional<int64_t> first_meeting;  // UTC seconds of the earliest / latest start
  std::optional<int64_t> last_meeting;
  uint64_t people_internal = 0;
  uint64_t people_external = 0;
  uint64_t bulk_messages = 0;  // list/bulk/auto-submitted, or from a role address (noreply, ...)
  uint64_t message_sources = 0;       // mailbox copies seen, >= messages
  std::optional<int64_t> first_sent;  // UTC seconds
  std::optional<int64_t> last_sent;
};

// A customer company: imported, or made from a company domain seen in mail.
struct Account {
  int64_t id = 0;
  std::string name;
  std::string origin;                // "import" or "domain"
  std::vector<std::string> domains;  // organisation domains, sorted
  uint64_t people = 0;               // external people (not role addresses) at those domains
};

class Store {
 public:
  virtual ~Store() = default;

  // Creates the tenant. Fails when the store already has one (one tenant per store for now).
  virtual Status InitTenant(const TenantConfig& config) = 0;
  // The store's tenant; FailedPrecondition when `rapport init` has not run.
  virtual Result<TenantConfig> Tenant() = 0;

  // A writer that batches messages into transactions of `batch_size`. One writer at a time.
  virtual Result<std::unique_ptr<ingest::MessageSink>> OpenMessageWriter(size_t batch_size) = 0;

  virtual Result<StoreStats> Stats() = 0;

  // Brings accounts up to date with the addresses stored: every address knows its organisation
  // domain, and every company domain of an external person belongs to an account (created from
  // the domain when none claims it). Cheap: it touches only what changed since the last call.
  virtual Status ResolveAccounts() = 0;
  // Creates or extends the named accounts and points their domains at them, all in one
  // transaction; an account made from a domain that is now claimed disappears into the import.
  virtual Status ImportAccounts(const std::vector<model::AccountRecord>& accounts) = 0;
  virtual Result<std::vector<Account>> ListAccounts() = 0;
};

// Opens (creating if needed) a SQLite store and brings its schema up to date.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace rapport::store
