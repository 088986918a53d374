#include "insights/wkw_history_cache.h"

#include <algorithm>
#include <unordered_map>

#include "rapport/insights/tie_index.h"

namespace rapport::insights {

WkwHistoryCache& WkwHistoryCache::Shared() {
  static WkwHistoryCache cache;
  return cache;
}

std::shared_ptr<const WkwHistory> WkwHistoryCache::Find(const Key& key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  it->second.used = ++clock_;
  return it->second.history;
}

void WkwHistoryCache::Keep(Key key, std::shared_ptr<const WkwHistory> history) {
  size_t interactions = 0;
  for (const auto& tie : history->ties()) interactions += tie.interactions.size();
  if (interactions > max_interactions_ || max_entries_ == 0) return;
  std::lock_guard lock(mutex_);
  if (auto it = entries_.find(key); it != entries_.end()) {  // another thread built it too
    interactions_ -= it->second.interactions;
    entries_.erase(it);
  }
  while (!entries_.empty() &&
         (entries_.size() >= max_entries_ || interactions_ + interactions > max_interactions_)) {
    auto oldest = std::min_element(
        entries_.begin(), entries_.end(),
        [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
    interactions_ -= oldest->second.interactions;
    entries_.erase(oldest);
  }
  interactions_ += interactions;
  entries_.emplace(std::move(key), Entry{std::move(history), interactions, ++clock_});
}

void WkwHistoryCache::Clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  interactions_ = 0;
}

size_t WkwHistoryCache::size() {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

Result<std::shared_ptr<const WkwHistory>> OrganisationHistory(store::Store& store,
                                                              WkwHistoryCache& cache,
                                                              std::vector<int64_t> people,
                                                              const std::string& organisation,
                                                              int64_t until) {
  std::sort(people.begin(), people.end());
  people.erase(std::unique(people.begin(), people.end()), people.end());
  auto fresh = store.Ties().Fresh(people);
  if (!fresh.ok()) return fresh.status();
  WkwHistoryCache::Key key;
  if (*fresh) {
    auto version = store.Ties().Version();
    if (!version.ok()) return version.status();
    key = {*version, until, organisation, people};
    if (auto kept = cache.Find(key)) return kept;
  }
  auto ties =
      ReadTies(store, people, until, *fresh ? TieSource::kIndexFresh : TieSource::kMessages);
  if (!ties.ok()) return ties.status();
  std::unordered_map<int64_t, std::string> organisation_of;
  if (!organisation.empty()) {
    for (int64_t p : people) organisation_of.emplace(p, organisation);
  }
  // Prepared at `until`: every request that finds it kept asks at `until`.
  auto history = std::make_shared<const WkwHistory>(std::move(ties->ties), organisation_of, until);
  // Read in the same snapshot as the check: fresh then is fresh now, and from the index.
  if (*fresh && ties->from_index) cache.Keep(std::move(key), history);
  return history;
}

}  // namespace rapport::insights
