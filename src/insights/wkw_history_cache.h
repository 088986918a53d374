// WkwHistoryCache: the learned ranker's feature histories of whole organisations, kept between
// Who Knows Whom requests. Ranking a contact by the model reads the ties of everyone at the
// contact's organisation (its account features): at a big account, most of a request's time.
// Every contact there, asked about again and again from the dashboard, shares one history.
//
// Contract: an entry is used only for the same people (those the policy lets count, so a
// consent change gives another key), the same cut-off, and the tie index version it was built
// under, with every one of those people fresh -- the same rows, so the same history, bit for
// bit. A refresh that writes rows changes the version (store::TieIndex::Version); while anyone
// is stale, histories are built from the mail and not kept.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rapport/insights/wkw_model.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::insights {

class WkwHistoryCache {
 public:
  struct Key {
    int64_t version = 0;  // store::TieIndex::Version
    int64_t until = 0;    // the ties read are those before it
    std::string organisation;
    std::vector<int64_t> people;  // sorted, without repeats
    auto operator<=>(const Key&) const = default;
  };

  // Bounds: entries, and interactions over all of them (about 50 bytes each once indexed).
  explicit WkwHistoryCache(size_t entries = 64, size_t interactions = 2'000'000)
      : max_entries_(entries), max_interactions_(interactions) {}

  // The one a process shares (a server's threads each hold their own store connection).
  static WkwHistoryCache& Shared();

  std::shared_ptr<const WkwHistory> Find(const Key& key);
  // Keeps `history`, dropping the least recently used entries to stay within the bounds; one
  // larger than the bound alone is not kept.
  void Keep(Key key, std::shared_ptr<const WkwHistory> history);
  void Clear();
  size_t size();

 private:
  struct Entry {
    std::shared_ptr<const WkwHistory> history;
    size_t interactions = 0;
    uint64_t used = 0;
  };
  std::mutex mutex_;
  std::map<Key, Entry> entries_;
  uint64_t clock_ = 0;
  size_t interactions_ = 0;
  const size_t max_entries_, max_interactions_;
};

// The history of `people` (everyone at `organisation` the policy lets count, and the contact)
// before `until`, from `cache` when the tie index holds all of them fresh, built and kept there
// otherwise.
Result<std::shared_ptr<const WkwHistory>> OrganisationHistory(store::Store& store,
                                                              WkwHistoryCache& cache,
                                                              std::vector<int64_t> people,
                                                              const std::string& organisation,
                                                              int64_t until);

}  // namespace rapport::insights
