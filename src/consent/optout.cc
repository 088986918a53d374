#include "rapport/consent/optout.h"

#include "consent/exclusions.h"
#include "consent/keyed_hash.h"
#include "ingest/identity/address_identity.h"
#include "rapport/consent/consent_ledger.h"

namespace rapport::consent {

OptOuts::OptOuts(store::Store& store)
    : store_(store), hash_(std::make_unique<KeyedHash>(store, store::KeyPurpose::kOptOut)) {}
OptOuts::~OptOuts() = default;
OptOuts::OptOuts(OptOuts&&) noexcept = default;

Result<std::string> OptOuts::HashOf(std::string_view address) {
  return hash_->Of(ingest::AddressKey(address));
}

Result<std::vector<std::string>> OptOuts::AddressesOf(std::string_view address) {
  auto person = store_.LocatePerson(address);
  if (person.ok()) return person->addresses;
  // Names nobody (not in the store yet, or text that cannot name one person): the text itself,
  // so that a later ingest drops the address, and a look-up by a bad name is no error here.
  const auto code = person.status().code();
  if (code != Status::Code::kNotFound && code != Status::Code::kInvalidArgument) {
    return person.status();
  }
  return std::vector<std::string>{ingest::AddressKey(address)};
}

Result<size_t> OptOuts::Add(std::string_view address, OptOutScope scope, int64_t now) {
  if (address.find('@') == std::string_view::npos) {
    return Status::InvalidArgument(SingleQuoted(address) +
                                   " is not an address (opt a user out by address)");
  }
  auto addresses = AddressesOf(address);
  if (!addresses.ok()) return addresses.status();
  for (const auto& a : *addresses) {
    auto hash = HashOf(a);
    if (!hash.ok()) return hash.status();
    RAPPORT_RETURN_IF_ERROR(
        store_.SetOptOut(*hash, scope == OptOutScope::kAll ? "all" : "identifiable", now));
  }
  // Their data goes when no consent in force covers it any more (SPEC §1). With no consent in
  // force nothing was collected, so there is nothing to purge.
  auto state = ConsentLedger(store_).State();
  if (!state.ok()) return state.status();
  if (state->AnyInForce()) {
    auto plan = PlanPurge(store_, *state);
    if (!plan.ok()) return plan.status();
    auto purged = store_.Purge(*plan, nullptr);
    if (!purged.ok()) return purged.status();
  }
  return addresses->size();
}

Result<size_t> OptOuts::Remove(std::string_view address) {
  auto addresses = AddressesOf(address);
  if (!addresses.ok()) return addresses.status();
  for (const auto& a : *addresses) {
    auto hash = HashOf(a);
    if (!hash.ok()) return hash.status();
    RAPPORT_RETURN_IF_ERROR(store_.SetOptOut(*hash, "", 0));
  }
  return addresses->size();
}

Result<std::optional<OptOutScope>> OptOuts::ScopeOfAddress(std::string_view address) {
  auto hash = HashOf(address);
  if (!hash.ok()) return hash.status();
  auto scope = store_.OptOutScope(*hash);
  if (!scope.ok()) return scope.status();
  if (!*scope) return std::optional<OptOutScope>();
  return std::optional<OptOutScope>(**scope == "all" ? OptOutScope::kAll
                                                     : OptOutScope::kIdentifiable);
}

Result<std::optional<OptOutScope>> OptOuts::ScopeOf(std::string_view address) {
  auto addresses = AddressesOf(address);
  if (!addresses.ok()) return addresses.status();
  std::optional<OptOutScope> widest;
  for (const auto& a : *addresses) {
    auto scope = ScopeOfAddress(a);
    if (!scope.ok()) return scope.status();
    if (*scope == OptOutScope::kAll) return scope;
    if (*scope) widest = scope.value();
  }
  return widest;
}

}  // namespace rapport::consent
