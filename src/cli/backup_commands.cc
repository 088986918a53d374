// `rapport backup` and `rapport restore` (issue 22): a consistent copy of the store and its key
// file, taken while `serve` and `sync` go on writing, and a restore that checks both hash-chained
// ledgers before the store is used. `rapport migrate` (issue 21) moves a SQLite store into
// PostgreSQL, its ledgers checked on arrival against the heads they had at the source.
// `rapport compact` gives a SQLite store's free pages back to the disk.
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

#include "cli/commands.h"
#include "rapport/consent/ledger_anchor.h"

namespace rapport::cli {
namespace {

bool Exists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

// Copies the key file `from` to a new file `to`, readable by its owner only.
Status CopyKeyFile(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in) {
    return Status::NotFound("cannot read the key file " + from + ": " + std::strerror(errno) +
                            " (name it with --keys PATH)");
  }
  std::stringstream data;
  data << in.rdbuf();
  const std::string bytes = data.str();
  const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    return Status::IoError("cannot write the key file " + to + ": " + std::strerror(errno) +
                           (errno == EEXIST ? " (a backup never overwrites a file)" : ""));
  }
  const bool written =
      ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) {
    ::unlink(to.c_str());
    return Status::IoError("cannot write the key file " + to + " (check the disk space)");
  }
  return Status::Ok();
}

// Both ledgers' chains, under the store's key: one line each, or why not.
Result<std::string> VerifyLedgers(store::Store& store) {
  std::string out;
  for (store::Ledger ledger : {store::Ledger::kConsent, store::Ledger::kAudit}) {
    const std::string name(consent::LedgerName(ledger));
    auto check = consent::VerifyLedger(store, ledger, nullptr);
    if (!check.ok()) return check.status();
    if (check->first_broken) {
      return Status::Corruption(name + " ledger entry " + std::to_string(*check->first_broken) +
                                " " + check->problem);
    }
    out += fmt::format("{} ledger: {} entries, hash chain intact\n", name, check->entries);
  }
  return out;
}

void RemoveStore(const std::string& db, const std::string& keys) {
  for (const std::string& f : {db, db + "-wal", db + "-shm", keys}) ::unlink(f.c_str());
}

}  // namespace

int RunBackup(const std::string& db, const std::string& to) {
  const std::string keys_to = to + ".keys";
  if (Exists(keys_to)) {
    return Fail(keys_to + " already exists: a backup never overwrites a file (name a new one)");
  }
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto stats = (*store)->Stats();
  if (!stats.ok()) return Fail(stats.status().message());
  if (Status st = (*store)->BackupTo(to); !st.ok()) return Fail(st.message());
  if (Status st = CopyKeyFile(KeysPath(db), keys_to); !st.ok()) {
    ::unlink(to.c_str());
    return Fail(st.message());
  }
  fmt::print(
      "backed up {} ({} messages, {} meetings) to {} and its key file to {}: keep both apart "
      "from the store, the key file secret; rapport --db NEW.db restore --from {} brings them "
      "back\n",
      db, stats->messages, stats->meetings, to, keys_to, to);
  return 0;
}

int RunRestore(const std::string& db, const std::string& from) {
  if (store::IsPostgresUrl(db)) {
    return Fail(
        "restore makes a SQLite store from a backup file; a store in PostgreSQL is "
        "restored with pg_restore (docs/deploy.md)");
  }
  const std::string keys = KeysPath(db);
  for (const std::string& f : {db, keys}) {
    if (Exists(f)) {
      return Fail(f + " already exists: restore never overwrites a store (name a new --db, or " +
                  "move the old one away first)");
    }
  }
  if (Status st = store::CopySqliteBackup(from, db); !st.ok()) return Fail(st.message());
  if (Status st = CopyKeyFile(from + ".keys", keys); !st.ok()) {
    RemoveStore(db, keys);
    return Fail(st.message() + "; nothing was restored");
  }
  // Opening migrates a backup from an older rapport forward; then both chains must hold.
  auto store = OpenStore(db);
  Result<std::string> ledgers = store.ok() ? VerifyLedgers(**store) : store.status();
  if (!ledgers.ok()) {
    if (store.ok()) store->reset();  // closed before its files go
    RemoveStore(db, keys);
    return Fail("the backup " + from + " does not verify: " + ledgers.status().message() +
                "; nothing was restored (restore an earlier backup)");
  }
  auto stats = (*store)->Stats();
  if (!stats.ok()) return Fail(stats.status().message());
  fmt::print("restored {} into {}: {} messages, {} meetings\n{}", from, db, stats->messages,
             stats->meetings, *ledgers);
  return 0;
}

int RunCompact(const std::string& db) {
  if (!store::IsPostgresUrl(db) && !Exists(db)) return Fail("no store at " + db + " (check --db)");
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  const auto start = std::chrono::steady_clock::now();
  auto done = (*store)->Compact();
  if (!done.ok()) return Fail(done.status().message());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Tenths of a megabyte (10^6 bytes): a small store's whole MB would all read "0".
  auto mb = [](int64_t bytes) { return static_cast<double>(bytes) / 1e6; };
  fmt::print("compacted {}: {:.1f} MB, {:.1f} MB of it free pages, now {:.1f} MB, in {:.1f} s\n",
             db, mb(done->bytes_before), mb(done->free_bytes_before), mb(done->bytes_after),
             seconds);
  return 0;
}

namespace {

// Both ledgers at the copy hold at least the heads the source's had (the same key file signs the
// anchors, so the copy must be that store's), and their chains are intact: one line each.
Result<std::string> VerifyArrival(store::Store& copy, const std::vector<std::string>& anchors) {
  std::string out;
  size_t i = 0;
  for (store::Ledger ledger : {store::Ledger::kConsent, store::Ledger::kAudit}) {
    auto anchor = consent::ReadAnchor(copy, ledger, anchors[i++], "the source store");
    if (!anchor.ok()) return anchor.status();
    auto check = consent::VerifyLedger(copy, ledger, &*anchor);
    if (!check.ok()) return check.status();
    const std::string name(consent::LedgerName(ledger));
    if (check->first_broken) {
      return Status::Corruption(name + " ledger entry " + std::to_string(*check->first_broken) +
                                " " + check->problem);
    }
    out += fmt::format("{} ledger: {} entries, hash chain intact, ending where the source's did\n",
                       name, check->entries);
  }
  return out;
}

}  // namespace

int RunMigrate(const std::string& from, const std::string& to) {
  if (store::IsPostgresUrl(from) || !store::IsPostgresUrl(to)) {
    return Usage(
        "migrate moves a SQLite store into PostgreSQL: --from FILE.db --to postgresql://...");
  }
  if (!Exists(from)) return Fail("no store at " + from + " (check --from)");
  const std::string keys = KeysPath(from);
  std::vector<std::string> anchors;
  {
    auto source = OpenStore(from);  // brings its schema up to date
    if (!source.ok()) return Fail(source.status().message());
    if (auto ledgers = VerifyLedgers(**source); !ledgers.ok()) {
      return Fail("the store " + from + " does not verify: " + ledgers.status().message() +
                  "; nothing was copied (migrate a store whose ledgers hold)");
    }
    for (store::Ledger ledger : {store::Ledger::kConsent, store::Ledger::kAudit}) {
      auto anchor = consent::TakeAnchor(**source, ledger, std::time(nullptr));
      if (!anchor.ok()) return Fail(anchor.status().message());
      anchors.push_back(*anchor);
    }
  }
  const std::string where = store::PostgresWhere(to);
  auto copied = store::CopySqliteStoreToPostgres(from, to);
  if (!copied.ok()) return Fail(copied.status().message());
  auto copy = store::OpenPostgresStore(to, keys);
  Result<std::string> ledgers = copy.ok() ? VerifyArrival(**copy, anchors) : copy.status();
  if (!ledgers.ok()) {
    return Fail("the copy at " + where + " does not verify: " + ledgers.status().message() +
                "; do not use it (drop that database, then migrate again)");
  }
  auto stats = (*copy)->Stats();
  if (!stats.ok()) return Fail(stats.status().message());
  int64_t rows = 0;
  for (const auto& t : *copied) rows += t.rows;
  fmt::print(
      "migrated {} into PostgreSQL at {}: {} messages, {} meetings ({} rows in {} tables)\n{}"
      "the copy uses the same key file: rapport --db <the URL> --keys {}\n",
      from, where, stats->messages, stats->meetings, rows, copied->size(), *ledgers, keys);
  return 0;
}

}  // namespace rapport::cli
