// The rapport sub-commands. Each returns the process exit code (0 ok, 1 failure) after printing
// its result to stdout and, on failure, one line to stderr.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "rapport/api/audit_documents.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::cli {

// The key file named by --keys or RAPPORT_KEYS (main sets it); "" means beside the store.
void SetKeysPath(std::string path);
// The key file of the store at `db`: the one named, else <db>.keys.
std::string KeysPath(const std::string& db);
// Opens the existing store at `db` with its key file; never creates one (only init does).
Result<std::unique_ptr<store::Store>> OpenStore(const std::string& db);

struct InitArgs {
  std::string tenant;
  std::vector<std::string> domains;
  int64_t retention_days = 0;
  bool keep_subjects = false;
  bool fold_plus_addresses = false;
  std::vector<std::string> admins;
};

struct AdminArgs {
  std::string action;  // add, remove, list
  std::string address;
  std::string by;
  bool json = false;
};

struct AccessCheckArgs {
  std::string as, insight, subject, tenant;
  bool json = false;
};

struct OptOutArgs {
  std::string action;  // add, remove, list
  std::string user;
  std::string scope = "identifiable";
  bool json = false;
};

struct TokenCreateArgs {
  std::string user;
  std::string expires;  // YYYY-MM-DD (00:00 UTC) or YYYY-MM-DDTHH:MM:SSZ; "" never
  bool json = false;
};

struct ConsentGrantArgs {
  std::string type;
  std::string by;
  std::vector<std::string> exclude_groups;
  std::string terms_version = "1";
};

struct IngestArgs {
  std::vector<std::string> paths;
  std::string format = "auto";
  bool rescan = false;
  bool json = false;
  size_t batch = 500000;  // fewer, larger commits: see SqlMessageWriter::Create
  bool train = true;      // train Who Knows Whom's ranker afterwards when it is stale
};

struct SampleArgs {
  std::string out;
  uint64_t messages = 2000;
  uint64_t users = 0;  // 0: derived from messages
  uint64_t seed = 1;
  std::string layout = "maildir";
  std::string domain = "northwind.example";
};

int RunInit(const std::string& db, const InitArgs& args);
int RunIngest(const std::string& db, const IngestArgs& args);
int RunStats(const std::string& db, bool json);

// After an ingest or a sync: trains Who Knows Whom's ranker (rapport train) when it is missing or
// stale and identifiable consent is in force. nullopt when nothing was due; otherwise what
// happened, as JSON ("trained", and "reason" when it could not).
std::optional<nlohmann::ordered_json> TrainIfStale(store::Store& store);
// One line saying what TrainIfStale did.
void PrintTraining(const nlohmann::ordered_json& trained);
int RunSample(const SampleArgs& args);
int RunAccountsImport(const std::string& db, const std::string& file);
int RunAccountsList(const std::string& db, bool json);
int RunDirectoryImport(const std::string& db, const std::string& file);
int RunDirectoryList(const std::string& db, bool json);
int RunPeopleShow(const std::string& db, const std::string& who, const std::string& as, bool json);
int RunConsentGrant(const std::string& db, const ConsentGrantArgs& args);
int RunConsentRevoke(const std::string& db, const std::string& type, const std::string& by);
int RunConsentStatus(const std::string& db, bool json);
int RunConsentHistory(const std::string& db, bool json);
// `anchor`: a file rapport consent anchor wrote ("" none); verify also checks the ledger holds it.
int RunConsentVerify(const std::string& db, const std::string& anchor);
// Prints the ledger's head as an anchor document, or writes it to `out` (mode 0600).
int RunConsentAnchor(const std::string& db, const std::string& out);
int RunConsentReceipt(const std::string& db, const std::string& grant_id);
// Prints the decision (allow or deny, with the reason); exit 0 either way.
int RunAccessCheck(const std::string& db, const AccessCheckArgs& args);
int RunAuditList(const std::string& db, bool json, const api::AuditQuery& query);
int RunAuditVerify(const std::string& db, const std::string& anchor);
// A consistent copy of the store at `to` and of its key file at `to`.keys; and back.
int RunBackup(const std::string& db, const std::string& to);
int RunRestore(const std::string& db, const std::string& from);
// Gives the SQLite store's free pages back to the disk (Store::Compact).
int RunCompact(const std::string& db);
// Copies the SQLite store at `from` (key file: --keys, or beside it) into the PostgreSQL database
// at `to`, which must hold no store yet; both ledgers are checked on arrival.
int RunMigrate(const std::string& from, const std::string& to);
int RunAuditAnchor(const std::string& db, const std::string& out);
int RunOptOut(const std::string& db, const OptOutArgs& args);
int RunSettingsShow(const std::string& db, bool json);
int RunPurgeExpired(const std::string& db);
int RunSettingsSet(const std::string& db, const std::string& name, const std::string& value,
                   const std::string& by);
// Personal access tokens: create prints the token once; list and revoke never show it.
int RunAdmin(const std::string& db, const AdminArgs& args);
int RunTokenCreate(const std::string& db, const TokenCreateArgs& args);
int RunTokenList(const std::string& db, bool json);
int RunTokenRevoke(const std::string& db, int64_t id);

// Prints "rapport: error: MESSAGE" on stderr and returns 1.
int Fail(const std::string& message);
// Prints "rapport: usage error: MESSAGE (see rapport --help)" on stderr and returns 2.
int Usage(const std::string& message);

}  // namespace rapport::cli
