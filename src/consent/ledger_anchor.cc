#include "rapport/consent/ledger_anchor.h"

#include <ctime>
#include <nlohmann/json.hpp>

#include "consent/hash_chain.h"
#include "consent/keyed_hash.h"

namespace rapport::consent {
namespace {

using nlohmann::ordered_json;

constexpr int kAnchorVersion = 1;

// What the mac covers: every field, in a fixed order, apart.
std::string MacInput(const Anchor& a) {
  return "rapport-anchor-" + std::to_string(kAnchorVersion) + '\n' + a.store_id + '\n' +
         std::string(LedgerName(a.ledger)) + '\n' + std::to_string(a.entries) + '\n' + a.hash +
         '\n' + std::to_string(a.at);
}

std::string UtcTime(int64_t t) {
  const std::time_t time = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&time, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::string> AnchorMac(store::Store& store, const Anchor& anchor) {
  return KeyedHash(store, store::KeyPurpose::kAnchor).Of(MacInput(anchor));
}

}  // namespace

std::string_view LedgerName(store::Ledger ledger) {
  return ledger == store::Ledger::kAudit ? "audit" : "consent";
}

Result<std::string> TakeAnchor(store::Store& store, store::Ledger ledger, int64_t now) {
  // Only an intact chain is worth anchoring.
  auto check = VerifyLedger(store, ledger, nullptr);
  if (!check.ok()) return check.status();
  if (check->first_broken) {
    return Status::Corruption(std::string(LedgerName(ledger)) + " ledger entry " +
                              std::to_string(*check->first_broken) + " " + check->problem +
                              "; a broken ledger is not anchored (restore the store from a "
                              "backup)");
  }
  auto last = store.LastLedgerRow(ledger);
  if (!last.ok()) return last.status();
  Anchor anchor;
  anchor.ledger = ledger;
  anchor.entries = *last ? (*last)->seq : 0;
  anchor.hash = *last ? (*last)->hash : "";
  anchor.at = now;
  anchor.store_id = store.Keys().store_id;
  auto mac = AnchorMac(store, anchor);
  if (!mac.ok()) return mac.status();
  return ordered_json{{"rapport_anchor", kAnchorVersion},
                      {"store_id", anchor.store_id},
                      {"ledger", LedgerName(ledger)},
                      {"entries", anchor.entries},
                      {"hash", anchor.hash},
                      {"at", anchor.at},
                      {"time", UtcTime(anchor.at)},
                      {"mac", *mac}}
      .dump();
}

Result<Anchor> ReadAnchor(store::Store& store, store::Ledger ledger, std::string_view text,
                          std::string_view source) {
  const std::string name(LedgerName(ledger));
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument(std::string(source) + " " + what);
  };
  ordered_json j = ordered_json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("rapport_anchor", 0) != kAnchorVersion ||
      !j.contains("entries") || !j["entries"].is_number_integer() || !j.contains("at") ||
      !j["at"].is_number_integer()) {
    return bad("is not a rapport anchor (write one with rapport " + name + " anchor --out FILE)");
  }
  Anchor anchor;
  anchor.entries = j["entries"].get<int64_t>();
  anchor.at = j["at"].get<int64_t>();
  anchor.hash = j.value("hash", "");
  anchor.store_id = j.value("store_id", "");
  const std::string ledger_name = j.value("ledger", "");
  if (ledger_name != "audit" && ledger_name != "consent") return bad("names no ledger");
  anchor.ledger = ledger_name == "audit" ? store::Ledger::kAudit : store::Ledger::kConsent;
  if (anchor.ledger != ledger) {
    return bad("anchors the " + ledger_name + " ledger, not the " + name + " ledger");
  }
  auto mac = AnchorMac(store, anchor);
  if (!mac.ok()) return mac.status();
  if (anchor.store_id != store.Keys().store_id) {
    return bad("anchors another store's " + name + " ledger (use this store's anchor)");
  }
  if (*mac != j.value("mac", "")) {
    return bad("was changed after it was written (its mac does not match)");
  }
  return anchor;
}

Result<ChainCheck> VerifyLedger(store::Store& store, store::Ledger ledger, const Anchor* anchor) {
  auto chain = ChainKeyOf(store, ledger);
  if (!chain.ok()) return chain.status();
  auto rows = store.ReadLedger(ledger);
  if (!rows.ok()) return rows.status();
  ChainCheck check = VerifyChain(*rows, *chain);
  if (check.first_broken || !anchor) return check;
  const std::string when = "the anchor taken " + UtcTime(anchor->at);
  if (check.entries < anchor->entries) {
    check.first_broken = check.entries + 1;
    check.problem = "is missing: " + when + " recorded " + std::to_string(anchor->entries) +
                    " entries, the ledger now has " + std::to_string(check.entries) +
                    " (its tail was cut)";
  } else if (anchor->entries > 0 &&
             (*rows)[static_cast<size_t>(anchor->entries - 1)].hash != anchor->hash) {
    check.first_broken = anchor->entries;
    check.problem = "is not the entry " + when + " recorded (the ledger was rewritten)";
  }
  return check;
}

}  // namespace rapport::consent
