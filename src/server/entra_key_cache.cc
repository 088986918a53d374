#include "server/entra_key_cache.h"

#include <fmt/core.h>

#include <algorithm>
#include <utility>

namespace rapport::server {
namespace {

constexpr std::string_view kUnknownKey = "unknown signing key";  // EntraTokens' reason

}  // namespace

EntraKeyCache::EntraKeyCache(consent::EntraTokens initial, consent::EntraSettings settings,
                             int64_t loaded_at, KeySetFetch fetch, KeyRefreshPolicy policy)
    : settings_(std::move(settings)),
      fetch_(std::move(fetch)),
      policy_(policy),
      keys_(std::make_shared<const consent::EntraTokens>(std::move(initial))),
      loaded_at_(loaded_at),
      attempted_at_(loaded_at) {
  if (fetch_) thread_ = std::jthread([this](std::stop_token stop) { Refresh(std::move(stop)); });
}

EntraKeyCache::~EntraKeyCache() = default;

int64_t EntraKeyCache::NextFetchAtLocked() const {
  // The interval doubles with each failure in a row: 5 min, 10, 20, 40, then the 1 h cap.
  int64_t interval = std::max<int64_t>(policy_.min_interval_seconds, 0);
  for (int64_t i = 0; i < stats_.consecutive_failures && interval < policy_.max_interval_seconds;
       ++i) {
    interval *= 2;
  }
  return attempted_at_ +
         std::min(interval, std::max(policy_.max_interval_seconds, policy_.min_interval_seconds));
}

bool EntraKeyCache::RequestFetchLocked(int64_t now) {
  if (!fetch_) return false;
  if (wanted_) return true;
  // A clock set back must not stall fetches until it has caught up again.
  if (now < attempted_at_) attempted_at_ = now;
  if (now < NextFetchAtLocked()) return false;
  wanted_ = true;
  attempted_at_ = now;
  ++stats_.fetches;
  changed_.notify_all();
  return true;
}

Result<consent::EntraIdentity> EntraKeyCache::Verify(std::string_view token, int64_t now) {
  std::shared_ptr<const consent::EntraTokens> keys;
  {
    std::lock_guard lock(mutex_);
    keys = keys_;
    if (now - loaded_at_ >= policy_.refresh_after_seconds) RequestFetchLocked(now);
  }
  auto identity = keys->Verify(token, now);
  if (identity.ok() || identity.status().message() != kUnknownKey) return identity;

  // The key may be new: ask for the set once per interval, but do not wait for it.
  bool fetching = false;
  {
    std::lock_guard lock(mutex_);
    if (keys_ != keys) {
      keys = keys_;  // a fetch finished meanwhile: its keys are the ones to try
    } else {
      fetching = RequestFetchLocked(now);
    }
  }
  if (!fetching) return keys->Verify(token, now);
  return Status::PermissionDenied(
      "unknown signing key (the server is fetching its key set: try again in a few seconds)");
}

void EntraKeyCache::Refresh(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (changed_.wait(lock, stop, [this] { return wanted_; })) {
    lock.unlock();
    Result<std::string> text = fetch_(stop);
    Result<consent::EntraTokens> fetched =
        text.ok() ? consent::EntraTokens::FromJwks(*text, settings_) : text.status();
    lock.lock();
    if (fetched.ok()) {
      keys_ = std::make_shared<const consent::EntraTokens>(std::move(*fetched));
      loaded_at_ = attempted_at_;
      stats_.consecutive_failures = 0;
    } else {
      ++stats_.failures;
      ++stats_.consecutive_failures;
      if (!stop.stop_requested()) {
        fmt::print(stderr,
                   "rapport serve: could not refresh the Entra ID key set, keeping the keys it "
                   "has (next try in {} s): {}\n",
                   NextFetchAtLocked() - attempted_at_, fetched.status().message());
      }
    }
    wanted_ = false;
    changed_.notify_all();
  }
}

EntraKeyCache::Stats EntraKeyCache::stats() const {
  std::lock_guard lock(mutex_);
  Stats out = stats_;
  out.next_fetch_at = NextFetchAtLocked();
  out.fetching = wanted_;
  return out;
}

void EntraKeyCache::WaitUntilIdle() const {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return !wanted_; });
}

}  // namespace rapport::server
