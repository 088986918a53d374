// EntraKeyCache: the tenant's Entra ID signing keys as rapport serve holds them, refreshed once,
// off the request path, so that no client can make the server fetch keys at will.
//
// Contract: Verify never waits on a fetch. A fetch runs on the cache's own thread, one at a time
// ("single-flight"), when a token names a key the set does not hold or when the set has grown
// old, and never sooner than an interval after the previous fetch, whether that one worked or
// not; after consecutive failures the interval doubles, up to a cap. A token whose key is unknown
// is refused at once (after at most one fetch per interval, its key may be known next time); a
// failed fetch keeps the keys the cache has.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "rapport/consent/entra_tokens.h"
#include "rapport/status.h"

namespace rapport::server {

// Where the key set comes from: its text, or why not. Called on the cache's thread, one call at
// a time; it should give up soon after `stop` is requested (the cache is being destroyed).
using KeySetFetch = std::function<Result<std::string>(std::stop_token stop)>;

struct KeyRefreshPolicy {
  int64_t min_interval_seconds = 300;   // between two fetches, whatever their outcome
  int64_t max_interval_seconds = 3600;  // the cap of the back-off after consecutive failures
  // A set this old is fetched again when a token is verified, so that a key Entra has just
  // published is usually known before the first token signed with it arrives.
  int64_t refresh_after_seconds = 3600;
};

class EntraKeyCache {
 public:
  // `initial`: the keys to verify with until a fetch replaces them, read or fetched at
  // `loaded_at` (UTC seconds). `fetch`: null for a set that never changes (a file).
  EntraKeyCache(consent::EntraTokens initial, consent::EntraSettings settings, int64_t loaded_at,
                KeySetFetch fetch, KeyRefreshPolicy policy = {});
  ~EntraKeyCache();  // asks a running fetch to stop and waits for it
  EntraKeyCache(const EntraKeyCache&) = delete;
  EntraKeyCache& operator=(const EntraKeyCache&) = delete;

  // consent::EntraTokens::Verify with the current keys at `now`, which also drives the refresh
  // schedule. When the key is unknown and a fetch has been started for it, or one is running,
  // the message says to try again: "unknown signing key (the server is fetching its key set: try
  // again in a few seconds)"; otherwise it is EntraTokens' "unknown signing key".
  Result<consent::EntraIdentity> Verify(std::string_view token, int64_t now);

  struct Stats {
    int64_t fetches = 0;               // started
    int64_t failures = 0;              // of those, fetched nothing usable
    int64_t consecutive_failures = 0;  // since the last success
    int64_t next_fetch_at = 0;         // the earliest UTC second a fetch may start
    bool fetching = false;             // a fetch is wanted or running
  };
  Stats stats() const;
  // Blocks until no fetch is wanted or running (for tests, and for a caller that must know the
  // outcome of a refresh it caused).
  void WaitUntilIdle() const;

 private:
  bool RequestFetchLocked(int64_t now);  // true when a fetch is now wanted or running
  int64_t NextFetchAtLocked() const;
  void Refresh(std::stop_token stop);  // the fetch thread

  const consent::EntraSettings settings_;
  const KeySetFetch fetch_;
  const KeyRefreshPolicy policy_;

  mutable std::mutex mutex_;
  mutable std::condition_variable_any changed_;  // wanted_ set, or a fetch done
  std::shared_ptr<const consent::EntraTokens> keys_;
  int64_t loaded_at_;     // when keys_ were fetched (the `now` that asked for them)
  int64_t attempted_at_;  // when the last fetch was asked for (loaded_at_ before any)
  bool wanted_ = false;   // a fetch is asked for or running
  Stats stats_;
  std::jthread thread_;  // last: stopped and joined before the members it uses go
};

}  // namespace rapport::server
