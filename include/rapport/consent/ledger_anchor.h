// LedgerAnchor: a ledger's head kept outside the store (issue 15). `rapport audit anchor` and
// `rapport consent anchor` print one; the operator keeps it where the store's writers cannot
// reach (another machine, a ticket, write-once storage). `verify --anchor FILE` then fails when
// the ledger no longer holds that head: entries cut from its tail, or the ledger rewritten up to
// it, which no chain check can see (a prefix of a valid chain is valid), keyed or not.
//
// An anchor is one line of JSON: {"rapport_anchor", "store_id", "ledger", "entries", "hash",
// "at", "mac"}, the mac an HMAC-SHA256 of the rest under the key file's anchor key, so that
// nobody without the key file can make or change one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rapport/consent/consent_ledger.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::consent {

struct Anchor {
  store::Ledger ledger = store::Ledger::kAudit;
  int64_t entries = 0;   // how many entries the ledger had
  std::string hash;      // the last one's hash ("" when none)
  int64_t at = 0;        // when the anchor was taken, UTC seconds
  std::string store_id;  // the store's (its key file's) id
};

std::string_view LedgerName(store::Ledger ledger);  // "audit" or "consent"

// The ledger's head now, as an anchor document (one line, without a newline).
Result<std::string> TakeAnchor(store::Store& store, store::Ledger ledger, int64_t now);

// The anchor in `text` (read from `source`, named in errors), for this store's `ledger`;
// InvalidArgument when it is not one, was changed, or is another store's or ledger's.
Result<Anchor> ReadAnchor(store::Store& store, store::Ledger ledger, std::string_view text,
                          std::string_view source);

// Checks the ledger's chain under its key and, given an anchor, that the ledger still holds the
// head it recorded: the first entry that does not fit, and why.
Result<ChainCheck> VerifyLedger(store::Store& store, store::Ledger ledger, const Anchor* anchor);

}  // namespace rapport::consent
