// `rapport audit verify|anchor` and `rapport consent verify|anchor`: checking the hash-chained
// ledgers, and anchoring their heads outside the store (issue 15, docs/security-keys.md).
#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "cli/format.h"
#include "rapport/consent/ledger_anchor.h"

namespace rapport::cli {
namespace {

int VerifyLedger(const std::string& db, store::Ledger ledger, const std::string& anchor_file) {
  const std::string name(consent::LedgerName(ledger));
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  std::optional<consent::Anchor> anchor;
  if (!anchor_file.empty()) {
    std::ifstream in(anchor_file);
    if (!in) {
      return Fail("cannot read the anchor " + anchor_file + ": " + std::strerror(errno) +
                  " (name the file rapport " + name + " anchor wrote)");
    }
    std::stringstream text;
    text << in.rdbuf();
    auto read = consent::ReadAnchor(**store, ledger, text.str(), anchor_file);
    if (!read.ok()) return Fail(read.status().message());
    anchor = std::move(*read);
  }
  auto check = consent::VerifyLedger(**store, ledger, anchor ? &*anchor : nullptr);
  if (!check.ok()) return Fail(check.status().message());
  if (check->first_broken) {
    return Fail(name + " ledger entry " + std::to_string(*check->first_broken) + " " +
                check->problem + " (restore the store from a backup)");
  }
  fmt::print("{} ledger: {} entries, hash chain intact", name, check->entries);
  if (anchor) {
    fmt::print(", holds the head anchored {} ({} entries)", IsoTime(anchor->at), anchor->entries);
  }
  fmt::print("\n");
  return 0;
}

int Anchor(const std::string& db, store::Ledger ledger, const std::string& out) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto anchor = consent::TakeAnchor(**store, ledger, Now());
  if (!anchor.ok()) return Fail(anchor.status().message());
  if (out.empty()) {
    fmt::print("{}\n", *anchor);
    return 0;
  }
  std::ofstream file(out, std::ios::trunc);
  file << *anchor << '\n';
  file.close();
  if (!file) {
    return Fail("cannot write the anchor to " + out + ": " + std::strerror(errno) +
                " (check the path)");
  }
  fmt::print(
      "anchored the {} ledger's head in {}: keep it away from the store, and check with "
      "rapport {} verify --anchor {}\n",
      consent::LedgerName(ledger), out, consent::LedgerName(ledger), out);
  return 0;
}

}  // namespace

int RunAuditVerify(const std::string& db, const std::string& anchor) {
  return VerifyLedger(db, store::Ledger::kAudit, anchor);
}

int RunAuditAnchor(const std::string& db, const std::string& out) {
  return Anchor(db, store::Ledger::kAudit, out);
}

int RunConsentVerify(const std::string& db, const std::string& anchor) {
  return VerifyLedger(db, store::Ledger::kConsent, anchor);
}

int RunConsentAnchor(const std::string& db, const std::string& out) {
  return Anchor(db, store::Ledger::kConsent, out);
}

}  // namespace rapport::cli
