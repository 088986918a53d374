#include "cli/commands.h"
#include "cli/format.h"

#include <fmt/core.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/progress.h"
#include "ingest/directory/accounts_csv.h"
#include "rapport/api/admin_documents.h"
#include "rapport/consent/consent_gate.h"
#include "rapport/ingest/ingestor.h"
#include "rapport/insights/tie_index.h"
#include "rapport/store/store.h"
#include "sample/organisation.h"

namespace rapport::cli {
namespace {

using nlohmann::ordered_json;

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return s;
}

std::string& NamedKeysPath() {
  static std::string path;
  return path;
}

// Removes what a failed init made: the store file and SQLite's files beside it.
void RemoveStoreFiles(const std::string& db) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((db + suffix).c_str());
}

ordered_json SummaryJson(const ingest::IngestSummary& s, double seconds) {
  ordered_json j;
  j["files"] = {{"total", s.files_total},
                {"read", s.files_read},
                {"unchanged", s.files_unchanged},
                {"skipped", s.skipped_files_by_reason}};
  j["messages"] = {{"read", s.messages_read},
                   {"stored", s.stored},
                   {"duplicates", s.duplicates},
                   {"dropped_by_consent", s.dropped_by_consent},
                   {"automated", s.automated},
                   {"rejected", s.rejected},
                   {"rejected_by_reason", s.rejected_by_reason},
                   {"rejected_examples", s.rejected_examples}};
  j["meetings"] = {{"read", s.meetings_read},
                   {"stored", s.meetings_stored},
                   {"duplicates", s.meetings_duplicates},
                   {"dropped_by_consent", s.meetings_dropped_by_consent},
                   {"rejected", s.meetings_rejected},
                   {"rejected_by_reason", s.meetings_rejected_by_reason}};
  j["removed"] = {{"deleted", s.removed}, {"not_stored", s.removed_unknown}};
  j["items_skipped"] = s.skipped_items_by_reason;
  j["bytes"] = s.bytes_total;
  j["seconds"] = seconds;
  return j;
}

void PrintSummary(const ingest::IngestSummary& s, double seconds) {
  fmt::print("files read          {:>10}  (unchanged since last ingest: {})\n", s.files_read,
             s.files_unchanged);
  for (const auto& [reason, n] : s.skipped_files_by_reason) {
    fmt::print("files skipped       {:>10}  {}\n", n, reason);
  }
  fmt::print("messages read       {:>10}\n", s.messages_read);
  fmt::print("stored              {:>10}\n", s.stored);
  fmt::print("duplicates          {:>10}\n", s.duplicates);
  fmt::print("automated           {:>10}  (lists, bulk, robots: kept, never a relationship)\n",
             s.automated);
  fmt::print("dropped by consent  {:>10}\n", s.dropped_by_consent);
  fmt::print("rejected            {:>10}\n", s.rejected);
  for (const auto& [reason, n] : s.rejected_by_reason) {
    fmt::print("  {:>26}  {}  e.g. {}\n", n, reason, s.rejected_examples.at(reason).front());
  }
  if (s.meetings_read + s.meetings_rejected > 0) {
    fmt::print("meetings read       {:>10}  (occurrences)\n", s.meetings_read);
    fmt::print("  stored            {:>10}\n", s.meetings_stored);
    fmt::print("  duplicates        {:>10}  (merged into a stored occurrence)\n",
               s.meetings_duplicates);
    fmt::print("  dropped by consent{:>10}\n", s.meetings_dropped_by_consent);
    fmt::print("  rejected          {:>10}\n", s.meetings_rejected);
    for (const auto& [reason, n] : s.meetings_rejected_by_reason) {
      fmt::print("  {:>26}  {}\n", n, reason);
    }
  }
  if (s.removed + s.removed_unknown > 0) {
    fmt::print("removed (Graph)     {:>10}  ({} not stored before)\n", s.removed,
               s.removed_unknown);
  }
  for (const auto& [reason, n] : s.skipped_items_by_reason) {
    fmt::print("items skipped       {:>10}  {}\n", n, reason);
  }
  double rate = seconds > 0 ? s.messages_read / seconds : 0;
  fmt::print("took                {:>10.2f} s  ({:.0f} messages/s)\n", seconds, rate);
}

}  // namespace

void SetKeysPath(std::string path) {
  NamedKeysPath() = std::move(path);
}

std::string KeysPath(const std::string& db) {
  if (!NamedKeysPath().empty() || store::IsPostgresUrl(db)) return NamedKeysPath();
  return store::DefaultKeyFilePath(db);
}

Result<std::unique_ptr<store::Store>> OpenStore(const std::string& db) {
  return store::OpenStore(db, KeysPath(db));
}

int Fail(const std::string& message) {
  fmt::print(stderr, "rapport: error: {}\n", message);
  return 1;
}

int Usage(const std::string& message) {
  fmt::print(stderr, "rapport: usage error: {} (see rapport --help)\n", message);
  return 2;
}

int RunInit(const std::string& db, const InitArgs& args) {
  store::TenantConfig config;
  config.name = args.tenant;
  for (const auto& d : args.domains) {
    std::string domain = Lower(d);
    if (domain.empty() || domain.find('@') != std::string::npos ||
        domain.find('.') == std::string::npos) {
      return Fail("'" + d + "' is not a mail domain (write it like example.com)");
    }
    config.domains.push_back(domain);
  }
  config.retention_days = args.retention_days;
  config.keep_subjects = args.keep_subjects;
  config.fold_plus_addresses = args.fold_plus_addresses;
  for (const auto& a : args.admins) {
    std::string admin = Lower(a);
    if (admin.find('@') == std::string::npos) {
      return Fail("'" + a + "' is not an address (write the admin like alice@example.com)");
    }
    config.admins.push_back(admin);
  }
  const bool existed = std::filesystem::exists(db);
  Status st;
  {
    auto store = store::CreateStore(db, KeysPath(db));
    st = store.ok() ? (*store)->InitTenant(config) : store.status();
  }
  if (!st.ok()) {
    // A failed init leaves no file behind (in a database, the empty tables wait for a retry).
    if (!existed && !store::IsPostgresUrl(db)) RemoveStoreFiles(db);
    return Fail(st.message());
  }
  fmt::print(
      "initialised tenant '{}' in {}, its keys in {} (back up both: docs/security-keys.md)\n",
      config.name, db, KeysPath(db));
  return 0;
}

int RunIngest(const std::string& db, const IngestArgs& args) {
  auto format = ingest::ParseMailFormat(args.format);
  if (!format.ok()) return Fail(format.status().message());
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto writer = (*store)->OpenMessageWriter(args.batch);
  if (!writer.ok()) return Fail(writer.status().message());
  // Nothing is collected without consent; excluded people's data is never stored (SPEC §1).
  consent::ConsentGate gate(**store);
  // Recurring meetings become occurrences up to two years ahead; earlier ones from any time.
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  ingest::ExpansionWindow window{0, now + 2 * 366 * 86400};
  ingest::Ingestor ingestor(**writer, gate, {*format, args.rescan, window});
  IngestProgress progress;
  auto start = std::chrono::steady_clock::now();
  auto summary =
      ingestor.Run(args.paths, [&](const ingest::IngestSummary& s) { progress.Update(s); });
  progress.Finish();
  if (!summary.ok()) return Fail(summary.status().message());
  writer->reset();  // commits and closes the writer before the store is used again
  auto seconds = [](auto from, auto to) {
    return std::chrono::duration<double>(to - from).count();
  };
  const auto stored = std::chrono::steady_clock::now();
  // Who is who, from what this run learned (aliases, X.500 names); accounts follow.
  auto people = (*store)->ResolvePeople();
  if (!people.ok()) return Fail(people.status().message());
  const auto resolved = std::chrono::steady_clock::now();
  // Who Knows Whom reads the tie index: bring it up to date with what this run stored.
  auto refreshed = insights::RefreshTieIndex(**store);
  if (!refreshed.ok()) return Fail(refreshed.status().message());
  const auto indexed = std::chrono::steady_clock::now();
  const double secs = seconds(start, indexed);
  const auto trained = args.train ? TrainIfStale(**store) : std::nullopt;
  if (args.json) {
    ordered_json j = SummaryJson(*summary, secs);
    j["people"] = {{"merged", people->people_merged},
                   {"split", people->people_split},
                   {"addresses_moved", people->addresses_moved}};
    // Where the time went: reading and storing, people, the tie index (and for how many).
    j["stages"] = {{"read_and_store_seconds", seconds(start, stored)},
                   {"people_seconds", seconds(stored, resolved)},
                   {"tie_index_seconds", seconds(resolved, indexed)},
                   {"tie_index_contacts_extended", refreshed->extended},
                   {"tie_index_contacts_recomputed", refreshed->recomputed}};
    if (trained) j["ranker"] = *trained;
    fmt::print("{}\n", j.dump(2));
  } else {
    PrintSummary(*summary, secs);
    fmt::print("people merged       {:>10}  (addresses found to be one person)\n",
               people->people_merged);
    if (trained) PrintTraining(*trained);
  }
  return 0;
}

int RunStats(const std::string& db, bool json) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto tenant = (*store)->Tenant();
  if (!tenant.ok()) return Fail(tenant.status().message());
  auto stats = (*store)->Stats();
  if (!stats.ok()) return Fail(stats.status().message());
  const auto& s = *stats;
  if (json) {
    auto doc = api::StatsDocument(**store);
    if (!doc.ok()) return Fail(doc.status().message());
    fmt::print("{}\n", doc->dump(2));
    return 0;
  }
  fmt::print("tenant              {}\n", tenant->name);
  fmt::print("messages            {:>10}  ({} copies found in mailboxes)\n", s.messages,
             s.message_sources);
  fmt::print("  bulk / automated  {:>10}  (never count as relationships)\n", s.bulk_messages);
  fmt::print(
      "meetings            {:>10}  ({:.1f} hours; {} cancelled and {} all-day not counted)\n",
      s.meetings, s.meeting_hours, s.meetings_cancelled, s.all_day_events);
  fmt::print("first meeting       {}\n", s.first_meeting ? IsoTime(*s.first_meeting) : "-");
  fmt::print("last meeting        {}\n", s.last_meeting ? IsoTime(*s.last_meeting) : "-");
  fmt::print("people internal     {:>10}\n", s.people_internal);
  fmt::print("people guest        {:>10}\n", s.people_guest);
  fmt::print("people external     {:>10}\n", s.people_external);
  fmt::print("first message       {}\n", s.first_sent ? IsoTime(*s.first_sent) : "-");
  fmt::print("last message        {}\n", s.last_sent ? IsoTime(*s.last_sent) : "-");
  return 0;
}

int RunAccountsImport(const std::string& db, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Fail("cannot read " + file + " (check the path)");
  std::stringstream data;
  data << in.rdbuf();
  auto accounts = ingest::ParseAccountsCsv(data.str(), file);
  if (!accounts.ok()) return Fail(accounts.status().message());
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  Status st = (*store)->ImportAccounts(*accounts);
  if (!st.ok()) return Fail(st.message());
  fmt::print("imported {} accounts from {}\n", accounts->size(), file);
  return 0;
}

int RunAccountsList(const std::string& db, bool json) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto accounts = (*store)->ListAccounts();
  if (!accounts.ok()) return Fail(accounts.status().message());
  if (json) {
    auto doc = api::AccountsDocument(**store);
    if (!doc.ok()) return Fail(doc.status().message());
    fmt::print("{}\n", doc->dump(2));
    return 0;
  }
  fmt::print("{:<40} {:>7}  {}\n", "account", "people", "domains");
  for (const auto& a : *accounts) {
    std::string domains;
    for (const auto& d : a.domains) domains += (domains.empty() ? "" : ", ") + d;
    fmt::print("{:<40} {:>7}  {}\n", a.name, a.people, domains);
  }
  return 0;
}

int RunSample(const SampleArgs& args) {
  sample::OrganisationSpec spec;
  spec.messages = args.messages;
  spec.users = args.users;
  spec.seed = args.seed;
  spec.layout =
      args.layout == "mbox" ? sample::SampleLayout::kMbox : sample::SampleLayout::kMaildir;
  spec.internal_domain = Lower(args.domain);
  auto summary = sample::WriteSampleOrganisation(spec, args.out);
  if (!summary.ok()) return Fail(summary.status().message());
  fmt::print(
      "wrote {} messages ({} files, {:.1f} MB) for {} users and {} contacts at {} accounts to {}\n",
      summary->messages, summary->files, summary->bytes / 1e6, summary->users, summary->contacts,
      summary->accounts, args.out);
  if (spec.meetings) {
    fmt::print(
        "  plus {} meetings in {} calendars, {} invitation e-mails, and {} Graph files "
        "({} messages of one mailbox)\n",
        summary->meetings, summary->calendar_files, summary->invitation_messages,
        summary->graph_files, summary->graph_messages);
    fmt::print(
        "  plus a directory of {} users ({} guests) in {} groups, and the CRM's {} accounts\n",
        summary->directory_users, summary->directory_guests, summary->directory_groups,
        summary->directory_accounts);
  }
  return 0;
}

}  // namespace rapport::cli
