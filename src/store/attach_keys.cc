// Attaching a store's key file when the store is opened, whichever database holds it; a store
// from before key files has its keys moved out into one first.
#include "store/attach_keys.h"

#include "store/key_file.h"

namespace rapport::store {
namespace {

// Tenant settings that held keys before they moved to the key file.
constexpr std::string_view kLegacyOptOutKey = "optout_secret";
constexpr std::string_view kLegacyTokenKey = "token_hash_key";

// The key file missing, unreadable or another store's: what Key() will say.
std::string Unavailable(const StoreKeys& expected, const Status& why) {
  if (why.code() == Status::Code::kNotFound) {
    return "this store's key file " + expected.path +
           " is missing; restore it from the backup made with the store, or name it with --keys "
           "PATH (or RAPPORT_KEYS)";
  }
  return why.message();
}

// The keys are in their file: the store forgets its copies and pins which file is its own.
Result<StoreKeys> Moved(Store& store, StoreKeys keys) {
  RAPPORT_RETURN_IF_ERROR(
      store.EraseSettings({std::string(kLegacyOptOutKey), std::string(kLegacyTokenKey)},
                          kKeyFileIdSetting, keys.store_id));
  return keys;
}

// A store from before key files keeps its keys as settings: writes them (and fresh keys for the
// other purposes) to a new key file, pins where the ledgers' keyed chains start, then erases the
// settings. Re-run after a crash between the two steps, it adopts the file it wrote.
Result<StoreKeys> MoveKeysOut(Store& store, const std::string& keys_path) {
  auto optout = store.Setting(kLegacyOptOutKey);
  if (!optout.ok()) return optout.status();
  auto token = store.Setting(kLegacyTokenKey);
  if (!token.ok()) return token.status();
  // Where the keyed chains start: after each ledger's last row now.
  ChainStart starts[2];
  for (Ledger ledger : {Ledger::kAudit, Ledger::kConsent}) {
    auto last = store.LastLedgerRow(ledger);
    if (!last.ok()) return last.status();
    if (*last) starts[ledger == Ledger::kAudit ? 0 : 1] = {(*last)->seq + 1, (*last)->hash};
  }
  auto same = [](const ChainStart& a, const ChainStart& b) {
    return a.seq == b.seq && a.base == b.base;
  };
  auto keys = ReadKeyFile(keys_path);
  if (keys.status().code() == Status::Code::kNotFound) {
    auto fresh = NewStoreKeys(keys_path);
    if (!fresh.ok()) return fresh.status();
    if (*optout) fresh->keys[size_t(KeyPurpose::kOptOut)] = **optout;
    if (*token) fresh->keys[size_t(KeyPurpose::kAccessToken)] = **token;
    fresh->audit = starts[0];
    fresh->consent = starts[1];
    Status written = WriteNewKeyFile(*fresh);
    if (written.ok()) return Moved(store, *fresh);
    // Another process opening the old store at once (serve and sync after an upgrade) wrote it
    // first: adopt theirs, if it is what this move would have written.
    if (written.code() != Status::Code::kFailedPrecondition) return written;
    keys = ReadKeyFile(keys_path);
  }
  if (!keys.ok()) return keys.status();
  // Adopted only when it is exactly what this move would have written.
  auto& k = keys->keys;
  const bool ours = (!*optout || **optout == k[size_t(KeyPurpose::kOptOut)]) &&
                    (!*token || **token == k[size_t(KeyPurpose::kAccessToken)]) &&
                    same(keys->audit, starts[0]) && same(keys->consent, starts[1]);
  if (!ours) {
    return Status::FailedPrecondition(
        "cannot move this store's keys out of it: the key file " + keys_path +
        " already exists and holds other keys; move that file away, or name a new one with "
        "--keys PATH");
  }
  return Moved(store, *keys);
}

}  // namespace

Status AttachKeyFile(Store& store, const std::string& keys_path) {
  StoreKeys expected;
  expected.path = keys_path;
  auto tenant = store.Tenant();
  if (!tenant.ok()) {
    if (tenant.status().code() != Status::Code::kFailedPrecondition) return tenant.status();
    store.AttachKeys(std::move(expected));  // no tenant yet: init makes the keys
    return Status::Ok();
  }
  auto id = store.Setting(kKeyFileIdSetting);
  if (!id.ok()) return id.status();
  if (!*id) {
    auto moved = MoveKeysOut(store, keys_path);
    if (!moved.ok()) return moved.status();
    store.AttachKeys(std::move(*moved));
    return Status::Ok();
  }
  auto keys = ReadKeyFile(keys_path);
  if (!keys.ok()) {
    expected.unavailable = Unavailable(expected, keys.status());
  } else if (keys->store_id != **id) {
    expected.unavailable = "the key file " + keys_path +
                           " belongs to another store; name this store's with --keys PATH (or "
                           "RAPPORT_KEYS)";
  } else {
    expected = std::move(*keys);
  }
  store.AttachKeys(std::move(expected));
  return Status::Ok();
}

}  // namespace rapport::store
