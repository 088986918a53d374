// StorePool: open store connections for the server's worker threads. SQLite in WAL mode lets
// each connection read while another writes, so each request leases a connection of its own and
// gives it back when done; at most one connection per worker is ever open.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::server {

class StorePool {
 public:
  // `keys`: the store's key file ("" = <path>.keys); `read`: a standby to read from ("" for
  // none). Opens only: never creates a store.
  explicit StorePool(std::string path, std::string keys = "", std::string read = "")
      : path_(std::move(path)), keys_(std::move(keys)), read_(std::move(read)) {}

  // A connection, returned to the pool when the lease goes out of scope.
  class Lease {
   public:
    Lease(StorePool* pool, std::unique_ptr<store::Store> store)
        : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    store::Store& operator*() { return *store_; }
    store::Store* get() { return store_.get(); }
    // Closes the connection instead of returning it (after an interrupted request, so that no
    // half-done transaction can reach the next one).
    void Discard() { store_.reset(); }

   private:
    StorePool* pool_;
    std::unique_ptr<store::Store> store_;
  };

  Result<Lease> Acquire();

 private:
  void Release(std::unique_ptr<store::Store> store);

  const std::string path_;
  const std::string keys_;
  const std::string read_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<store::Store>> idle_;
};

}  // namespace rapport::server
