// The audit writer's group commit (issue 19): concurrent requests' entries share write
// transactions, yet each request returns only once its own entry is in the store, the chain stays
// one chain when another writer appends meanwhile, and a group is all or nothing.
#include "rapport/consent/audit_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "consent/hash_chain.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport::consent {
namespace {

using testing::TempDir;

using testing::TestStore;

std::unique_ptr<store::Store> MakeStore(const TestStore& place) {
  auto store = testing::CreateTestStore(place);
  EXPECT_TRUE(store->InitTenant({"Northwind", {"northwind.example"}}).ok());
  return store;
}

// Another connection to the store, as a server's worker opens one.
std::unique_ptr<store::Store> Connect(const TestStore& place) {
  auto store = store::OpenStore(place.db, place.keys, store::PageReads::kCopied);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return std::move(*store);
}

// An entry that names its writer and its seq, as the policy point's do.
AuditWriter::Entry Named(const std::string& name) {
  return [name](int64_t seq) {
    return "{\"seq\":" + std::to_string(seq) + ",\"who\":\"" + name + "\"}";
  };
}

TEST(AuditWriter, ConcurrentRequestsKeepOneChainAndEachReturnsOnlyOnceItsEntryIsStored) {
  TempDir dir;
  const TestStore path = testing::NewTestStore(dir);
  auto owner = MakeStore(path);
  AuditWriter writer;  // the server's, shared by its workers
  constexpr int kWorkers = 8, kEach = 40;
  std::atomic<int> failures{0}, unseen{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kWorkers; ++t) {
    threads.emplace_back([&, t] {
      auto store = Connect(path);
      for (int i = 0; i < kEach; ++i) {
        const std::string name = "w" + std::to_string(t) + "-" + std::to_string(i);
        if (!writer.Append(*store, Named(name)).ok()) ++failures;
        // Written by whichever worker led the group, but committed before Append returned: this
        // worker's own connection sees it.
        auto rows = store->ReadLedger(store::Ledger::kAudit);
        bool seen = false;
        for (const auto& row : *rows) seen |= row.entry.find('"' + name + '"') != std::string::npos;
        if (!seen) ++unseen;
      }
    });
  }
  // Another process's writer (its own AuditWriter, its own connection) appends meanwhile.
  threads.emplace_back([&] {
    auto store = Connect(path);
    AuditWriter other;
    for (int i = 0; i < kEach; ++i) {
      if (!other.Append(*store, Named("other-" + std::to_string(i))).ok()) ++failures;
    }
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(unseen.load(), 0);

  auto rows = owner->ReadLedger(store::Ledger::kAudit);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), size_t{(kWorkers + 1) * kEach});
  std::set<std::string> entries;
  for (size_t i = 0; i < rows->size(); ++i) {
    const auto& row = (*rows)[i];
    EXPECT_EQ(row.seq, static_cast<int64_t>(i + 1));
    // Each entry was made for the seq it was stored under, even when its group was rebuilt
    // after the other writer moved the chain on.
    EXPECT_EQ(row.entry.rfind("{\"seq\":" + std::to_string(row.seq) + ",", 0), 0u) << row.entry;
    entries.insert(row.entry.substr(row.entry.find("\"who\"")));
  }
  EXPECT_EQ(entries.size(), rows->size());  // no entry twice
  auto chain = ChainKeyOf(*owner, store::Ledger::kAudit);
  ASSERT_TRUE(chain.ok());
  const ChainCheck check = VerifyChain(*rows, *chain);
  EXPECT_FALSE(check.first_broken) << check.problem;
}

// The group is written without the writing request's time limit: one late request must not fail
// the others whose entries it carries. Its limit is back in force afterwards.
TEST(AuditWriter, ALateRequestStillWritesItsGroupAndKeepsItsTimeLimit) {
  TempDir dir;
  auto store = MakeStore(testing::NewTestStore(dir));
  const auto past = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  store->SetDeadline(past);
  AuditWriter writer;
  EXPECT_TRUE(writer.Append(*store, Named("late")).ok());
  EXPECT_EQ(store->Deadline(), past);
  EXPECT_EQ(store->LastLedgerRow(store::Ledger::kAudit).status().code(),
            Status::Code::kDeadlineExceeded);
  store->SetDeadline(std::nullopt);
  auto last = store->LastLedgerRow(store::Ledger::kAudit);
  ASSERT_TRUE(last.ok() && *last);
  EXPECT_EQ((*last)->entry, "{\"seq\":1,\"who\":\"late\"}");
}

// An entry that cannot be made fails its own request, and the writer is free for the next one.
TEST(AuditWriter, AnEntryThatThrowsFailsItsRequestAndLeavesTheWriterFree) {
  TempDir dir;
  auto store = MakeStore(testing::NewTestStore(dir));
  AuditWriter writer;
  const Status failed = writer.Append(
      *store, [](int64_t) -> std::string { throw std::runtime_error("invalid UTF-8 byte"); });
  EXPECT_EQ(failed.code(), Status::Code::kIoError);
  EXPECT_NE(failed.message().find("invalid UTF-8 byte"), std::string::npos) << failed.message();
  EXPECT_TRUE(writer.Append(*store, Named("next")).ok());
  auto rows = store->ReadLedger(store::Ledger::kAudit);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().entry, "{\"seq\":1,\"who\":\"next\"}");
}

// A store append of several rows is one transaction: a row out of sequence keeps all of them out.
TEST(AuditWriter, RowsAreAppendedAllOrNothing) {
  TempDir dir;
  auto store = MakeStore(testing::NewTestStore(dir));
  auto chain = ChainKeyOf(*store, store::Ledger::kAudit);
  ASSERT_TRUE(chain.ok());
  std::vector<store::LedgerRow> rows;
  rows.push_back(NextRow(*chain, nullptr, "{\"seq\":1}"));
  rows.push_back(NextRow(*chain, &rows.back(), "{\"seq\":2}"));
  rows.back().seq = 3;  // a gap
  EXPECT_EQ(store->AppendLedgerRows(store::Ledger::kAudit, rows).code(),
            Status::Code::kFailedPrecondition);
  auto stored = store->ReadLedger(store::Ledger::kAudit);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->empty());
  rows.back().seq = 2;
  EXPECT_TRUE(store->AppendLedgerRows(store::Ledger::kAudit, rows).ok());
  EXPECT_EQ(store->ReadLedger(store::Ledger::kAudit)->size(), 2u);
}

}  // namespace
}  // namespace rapport::consent
