// Several processes on one store at once (issue 21): what one process would make, whichever
// interleaving -- run on SQLite and PostgreSQL alike. Each thread has its own connection, as a
// process would; the audit chain's case is audit_writer_test's.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ingest/mail/message_parser.h"
#include "rapport/store/store.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport::store {
namespace {

using testing::TempDir;
using testing::TestStore;

constexpr int64_t kMarch = 1'772'323'200;  // 2026-03-01 00:00 UTC

std::unique_ptr<Store> Open(const TestStore& place) {
  auto store = OpenStore(place.db, place.keys);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(*store) : nullptr;
}

std::unique_ptr<Store> Northwind(const TestStore& place) {
  auto store = testing::CreateTestStore(place);
  EXPECT_TRUE(store->InitTenant({"Northwind", {"northwind.example"}}).ok());
  return store;
}

PrivacyRelease Release(const std::string& key, int64_t rho_nano) {
  PrivacyRelease r;
  r.request_key = key;
  r.requested_by = "ceo@northwind.example";
  r.released_at = kMarch + 100;
  r.epsilon_micro = 1'000'000;
  r.delta = "1e-07";
  r.body = "{}";
  r.charges = {{kMarch, rho_nano, 10}};
  return r;
}

// Releases racing from many connections never spend more than a month holds: exactly as many
// are kept as fit, one after another.
TEST(StoreConcurrency, RacingReleasesNeverOverspendAMonth) {
  TempDir dir;
  const TestStore place = testing::NewTestStore(dir);
  auto owner = Northwind(place);
  ReleaseLimits limits;
  limits.rho_budget_nano = 1'000'000'000;  // ten releases of 0.1
  limits.delta_budget_atto = 1'000'000;
  constexpr int kThreads = 6, kEach = 8;
  std::atomic<int> kept{0}, refused{0}, failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto store = Open(place);
      for (int i = 0; i < kEach; ++i) {
        auto r = store->AppendRelease(
            Release("r" + std::to_string(t) + "-" + std::to_string(i), 100'000'000), limits);
        if (r.ok()) {
          ++kept;
        } else if (r.status().code() == Status::Code::kResourceExhausted) {
          ++refused;
        } else {
          ++failed;
          ADD_FAILURE() << r.status().message();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(kept.load(), 10);
  EXPECT_EQ(refused.load(), kThreads * kEach - 10);
  auto spent = owner->PrivacySpent(INT64_MIN, INT64_MAX);
  ASSERT_TRUE(spent.ok());
  ASSERT_EQ(spent->size(), 1u);
  EXPECT_EQ((*spent)[0].rho_nano, 1'000'000'000);
  EXPECT_EQ((*spent)[0].releases, 10);
}

model::MessageMeta Message(int i) {
  // Each its own time, so that no two are one message by their fingerprint.
  const std::string raw =
      "Message-ID: <m" + std::to_string(i) +
      "@contoso.example>\nDate: " + std::to_string(1 + i / 24) + " Mar 2026 " +
      std::to_string(i % 24) + ":00:00 +0000\nFrom: " +
      (i % 2 ? "ann@northwind.example" : "c" + std::to_string(i % 7) + "@contoso.example") +
      "\nTo: " +
      (i % 2 ? "c" + std::to_string(i % 5) + "@contoso.example" : "ben@northwind.example") +
      "\nCc: dan@northwind.example\n\n";
  auto m = ingest::ParseMessage(raw);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return *m;
}

Status Ingest(Store& store, int first, int last, const std::string& file) {
  auto writer = store.OpenMessageWriter(7);
  if (!writer.ok()) return writer.status();
  for (int i = first; i < last; ++i) {
    auto added = (*writer)->Add(Message(i), {"eml", file, static_cast<uint64_t>(i), {}});
    if (!added.ok()) return added.status();
  }
  return (*writer)->Commit();
}

// What the store holds, in terms that do not depend on the order rows were written in.
std::string Contents(Store& store) {
  auto stats = store.Stats();
  auto activity = store.ReadActivity({.everyone = true});
  if (!stats.ok() || !activity.ok()) return "unreadable";
  std::multiset<std::string> mail;
  for (const auto& m : activity->mail) {
    std::string line = m.message_id + " " + std::to_string(m.sent_at) + " from " +
                       activity->people[m.sender].address + " to";
    std::set<std::string> to;
    for (int64_t p : m.recipients) to.insert(activity->people[p].address);
    for (const auto& a : to) line += " " + a;
    mail.insert(line);
  }
  std::string out = std::to_string(stats->messages) + " messages, " +
                    std::to_string(stats->message_sources) + " copies, " +
                    std::to_string(stats->people_internal) + " internal, " +
                    std::to_string(stats->people_external) + " external\n";
  for (const auto& line : mail) out += line + "\n";
  return out;
}

// Two ingests of overlapping mail at once store each message once: the store of one ingest of
// everything, copies counted from both.
TEST(StoreConcurrency, TwoIngestsOfOverlappingMailAtOnceMakeTheStoreOfOne) {
  TempDir dir;
  const TestStore both = testing::NewTestStore(dir, "both.db");
  auto owner = Northwind(both);
  std::thread a([&] { EXPECT_TRUE(Ingest(*Open(both), 0, 120, "/a").ok()); });
  std::thread b([&] { EXPECT_TRUE(Ingest(*Open(both), 60, 180, "/b").ok()); });
  a.join();
  b.join();

  const TestStore one = testing::NewTestStore(dir, "one.db");
  auto single = Northwind(one);
  ASSERT_TRUE(Ingest(*single, 0, 120, "/a").ok());
  ASSERT_TRUE(Ingest(*single, 60, 180, "/b").ok());
  const std::string expected = Contents(*single);
  EXPECT_NE(expected.find("180 messages, 240 copies"), std::string::npos) << expected;
  EXPECT_EQ(Contents(*owner), expected);
}

}  // namespace
}  // namespace rapport::store
