// AdminRoster: who the tenant's admins are (SPEC §2), and the one way to change that after init.
//
// Contract:
// * Only an admin may add or remove an admin, and the tenant never goes from some admins to none:
//   removing the last one is refused.
// * Every change is appended to the hash-chained audit ledger in the transaction that makes it
//   (principal: who changed it; subject: the admin added or removed, by address -- admins act
//   for the organisation, and "who made whom an admin" must stay answerable).
// * A store made without an admin (older versions allowed it) takes its first admin from
//   AddFirst, which only the CLI calls: whoever can run it holds the store and its key file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::consent {

class AdminRoster {
 public:
  explicit AdminRoster(store::Store& store) : store_(store) {}

  // The admins' addresses, sorted.
  Result<std::vector<std::string>> List();
  // `by` must be an admin. InvalidArgument for something that is not an address;
  // FailedPrecondition when `address` is an admin already.
  Status Add(std::string_view by, std::string_view address, int64_t now);
  // `by` must be an admin. FailedPrecondition when `address` is not an admin, or is the last one.
  Status Remove(std::string_view by, std::string_view address, int64_t now);
  // The first admin of a tenant that has none; FailedPrecondition when it has one.
  Status AddFirst(std::string_view address, int64_t now);

 private:
  Status Change(std::string_view by, std::string_view address, bool add, std::string reason,
                int64_t now);

  store::Store& store_;
};

}  // namespace rapport::consent
