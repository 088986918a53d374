// Store::Atomically: what a server request changes is kept whole or not at all (issue 15,
// finding 3: a DELETE answered 500 but had removed the opt-out).
#include <gtest/gtest.h>

#include "rapport/store/store.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport::store {
namespace {

using rapport::testing::TempDir;

class Atomically : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing::CreateTestStore(place_);
    ASSERT_TRUE(store_);
    ASSERT_TRUE(store_->InitTenant({"Northwind", {"northwind.example"}}).ok());
  }
  size_t OptOuts() { return store_->ListOptOuts()->size(); }

  TempDir dir_;
  testing::TestStore place_ = testing::NewTestStore(dir_);
  std::unique_ptr<Store> store_;
};

TEST_F(Atomically, AFailureAfterSeveralWritesKeepsNoneOfThem) {
  Status st = store_->Atomically([&]() -> Status {
    RAPPORT_RETURN_IF_ERROR(store_->SetOptOut("hash-a", "all", 1));
    // The store's own transactions inside become part of this one.
    RAPPORT_RETURN_IF_ERROR(store_->SetSetting("cold_after_days", "30"));
    RAPPORT_RETURN_IF_ERROR(store_->SetOptOut("hash-b", "identifiable", 1));
    return Status::InvalidArgument("the answer could not be written");
  });
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(OptOuts(), 0u);
  EXPECT_FALSE(*store_->Setting("cold_after_days"));
  // The connection is usable afterwards, in and out of Atomically.
  ASSERT_TRUE(store_->SetOptOut("hash-c", "all", 2).ok());
  EXPECT_EQ(OptOuts(), 1u);
}

TEST_F(Atomically, SuccessKeepsEveryWrite) {
  Status st = store_->Atomically([&]() -> Status {
    RAPPORT_RETURN_IF_ERROR(store_->SetOptOut("hash-a", "all", 1));
    return store_->SetOptOut("hash-b", "identifiable", 1);
  });
  ASSERT_TRUE(st.ok()) << st.message();
  auto reopened = OpenStore(place_.db, place_.keys);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->ListOptOuts()->size(), 2u);
}

TEST_F(Atomically, AnEmptyPurgeInsideIsPartOfTheTransaction) {
  LedgerRow row{1, R"({"event":"grant"})", "", "h1"};
  Status st = store_->Atomically([&]() -> Status {
    auto purged = store_->Purge(PurgePlan{}, &row);
    if (!purged.ok()) return purged.status();
    return Status::FailedPrecondition("changed my mind");
  });
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition);
  EXPECT_TRUE(store_->ReadLedger(Ledger::kConsent)->empty());
}

// ReadSnapshot: an insight's queries agree with each other while another connection writes.
TEST_F(Atomically, ReadsInASnapshotDoNotSeeAWriteMadeMeanwhile) {
  auto other = OpenStore(place_.db, place_.keys);
  ASSERT_TRUE(other.ok());
  size_t before = 0, during = 0;
  Status st = store_->ReadSnapshot([&]() -> Status {
    before = OptOuts();
    RAPPORT_RETURN_IF_ERROR((*other)->SetOptOut("hash-a", "all", 1));  // another connection
    during = OptOuts();
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(before, 0u);
  EXPECT_EQ(during, 0u);     // the snapshot's state, not the write's
  EXPECT_EQ(OptOuts(), 1u);  // the next read sees it
  // A failing body ends the snapshot too, and inside Atomically the body runs in its transaction.
  EXPECT_EQ(store_->ReadSnapshot([] { return Status::NotFound("no such contact"); }).code(),
            Status::Code::kNotFound);
  st = store_->Atomically([&]() -> Status {
    RAPPORT_RETURN_IF_ERROR(store_->SetOptOut("hash-b", "all", 1));
    return store_->ReadSnapshot(
        [&] { return OptOuts() == 2u ? Status::Ok() : Status::Corruption("own write not seen"); });
  });
  EXPECT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(OptOuts(), 2u);
}

}  // namespace
}  // namespace rapport::store
