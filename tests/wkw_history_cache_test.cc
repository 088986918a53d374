// The organisations' histories a server keeps between Who Knows Whom requests
// (insights/wkw_history_cache.h): found only under the same key, and kept within their bounds,
// the least recently used going first. That a kept history gives the answers a new one would,
// and that an ingest is seen at once, is checked on a real store in wkw_ranker_test.cc.
#include "insights/wkw_history_cache.h"

#include <gtest/gtest.h>

namespace rapport::insights {
namespace {

// A history of `interactions` mails between colleague 1 and contact 100.
std::shared_ptr<const WkwHistory> HistoryOf(int interactions) {
  TieInteractions tie{1, 100, {}};
  for (int i = 0; i < interactions; ++i) {
    tie.interactions.push_back({InteractionKind::kEmailToContact, 1'700'000'000 + i, 2});
  }
  return std::make_shared<const WkwHistory>(std::vector<TieInteractions>{tie},
                                            std::unordered_map<int64_t, std::string>{});
}

WkwHistoryCache::Key KeyOf(std::string organisation, int64_t version = 1) {
  return {version, 2'000'000'000, std::move(organisation), {100, 101}};
}

TEST(WkwHistoryCache, FindsAHistoryOnlyUnderItsWholeKey) {
  WkwHistoryCache cache;
  auto kept = HistoryOf(3);
  cache.Keep(KeyOf("a.example"), kept);
  EXPECT_EQ(cache.Find(KeyOf("a.example")), kept);
  EXPECT_EQ(cache.Find(KeyOf("a.example", 2)), nullptr);  // the index changed since
  EXPECT_EQ(cache.Find(KeyOf("b.example")), nullptr);
  auto other_cutoff = KeyOf("a.example");
  other_cutoff.until -= 1;
  EXPECT_EQ(cache.Find(other_cutoff), nullptr);
  auto other_people = KeyOf("a.example");
  other_people.people.pop_back();  // someone opted out: they no longer count
  EXPECT_EQ(cache.Find(other_people), nullptr);
}

TEST(WkwHistoryCache, KeepsWithinItsBoundsDroppingTheLeastRecentlyUsed) {
  WkwHistoryCache cache(/*entries=*/2, /*interactions=*/10);
  cache.Keep(KeyOf("a.example"), HistoryOf(4));
  cache.Keep(KeyOf("b.example"), HistoryOf(4));
  ASSERT_NE(cache.Find(KeyOf("a.example")), nullptr);  // a is now the more recently used
  cache.Keep(KeyOf("c.example"), HistoryOf(1));        // a third entry: b goes
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_NE(cache.Find(KeyOf("a.example")), nullptr);
  EXPECT_EQ(cache.Find(KeyOf("b.example")), nullptr);
  cache.Keep(KeyOf("d.example"), HistoryOf(8));  // 4 + 1 + 8 > 10 interactions: a and c go
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_NE(cache.Find(KeyOf("d.example")), nullptr);
  cache.Keep(KeyOf("e.example"), HistoryOf(11));  // larger than the bound alone: not kept
  EXPECT_EQ(cache.Find(KeyOf("e.example")), nullptr);
  EXPECT_NE(cache.Find(KeyOf("d.example")), nullptr);
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace rapport::insights
