// ConsentLedger: the tenant's grants and revokes of the three consent types (SPEC §1), kept as an
// append-only, hash-chained ledger; the consent state at any time is derived from it.
//
// Contract:
// * Only a tenant admin (named at `rapport init --admin`) may grant or revoke.
// * Every read of the state first checks the whole chain; a changed, removed or re-ordered entry
//   makes the state unreadable (Corruption), so a tampered ledger grants nothing: fail closed.
// * A grant of a type already in force replaces it (new terms or exclusions); a revoke of a type
//   not in force is refused, so the ledger only holds changes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::consent {

enum class ConsentType { kPersonal = 0, kAggregated = 1, kIdentifiable = 2 };
inline constexpr std::array<ConsentType, 3> kConsentTypes = {
    ConsentType::kPersonal, ConsentType::kAggregated, ConsentType::kIdentifiable};

std::string_view ConsentTypeName(ConsentType type);  // "personal", "aggregated", "identifiable"
Result<ConsentType> ParseConsentType(std::string_view name);

struct ConsentEvent {
  int64_t seq = 0;
  bool grant = true;  // false: a revoke
  ConsentType type = ConsentType::kPersonal;
  std::string by;                            // the admin's address
  int64_t at = 0;                            // UTC seconds
  std::string grant_id;                      // grants: "<type>-<seq>", the receipt's id
  std::string terms_version;                 // grants
  std::vector<std::string> excluded_groups;  // grants: directory group names, sorted
};

struct TypeState {
  bool in_force = false;
  std::optional<ConsentEvent> last;  // the event that set this state; none: never granted
};

struct ConsentState {
  std::array<TypeState, 3> types;
  const TypeState& of(ConsentType t) const { return types[static_cast<size_t>(t)]; }
  bool AnyInForce() const;
};

// OK when `admin` is one of the tenant's admins (named at init); else a FailedPrecondition that
// says who may `action` instead. The one check of every admin-only change.
Status RequireAdmin(store::Store& store, std::string_view admin, std::string_view action);

// The result of checking a chain: its length, and the first entry that does not fit.
struct ChainCheck {
  int64_t entries = 0;
  std::optional<int64_t> first_broken;  // seq (position) of the first bad entry
  std::string problem;                  // what is wrong with it
};

// A grant or revoke, and what it purged in the same transaction.
struct ConsentChange {
  ConsentEvent event;
  store::PurgeCounts purged;
};

class ConsentLedger {
 public:
  explicit ConsentLedger(store::Store& store) : store_(store) {}

  // Each change purges, in the transaction that records it, the data no consent in force after
  // it covers (SPEC §1): everything when no type remains, else the people excluded from every
  // type that remains.
  Result<ConsentChange> Grant(ConsentType type, std::string_view admin,
                              std::string_view terms_version,
                              std::vector<std::string> excluded_groups, int64_t now);
  Result<ConsentChange> Revoke(ConsentType type, std::string_view admin, int64_t now);

  // The state after every event up to `at` (default: all).
  Result<ConsentState> State(std::optional<int64_t> at = std::nullopt);
  Result<std::vector<ConsentEvent>> History();
  Result<ChainCheck> Verify();

 private:
  Result<std::vector<ConsentEvent>> ReadChecked();
  Result<ConsentChange> Append(ConsentEvent event, ConsentState state);

  store::Store& store_;
};

}  // namespace rapport::consent
