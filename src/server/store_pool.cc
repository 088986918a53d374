#include "server/store_pool.h"

namespace rapport::server {

StorePool::Lease::~Lease() {
  if (pool_ && store_) pool_->Release(std::move(store_));
}

Result<StorePool::Lease> StorePool::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto store = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(store));
    }
  }
  auto store = store::OpenStore(path_, keys_, store::PageReads::kCopied, read_);
  if (!store.ok()) return store.status();
  return Lease(this, std::move(*store));
}

void StorePool::Release(std::unique_ptr<store::Store> store) {
  store->SetDeadline(std::nullopt);
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(store));
}

}  // namespace rapport::server
