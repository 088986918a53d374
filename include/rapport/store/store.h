// Store: rapport's persistence, in a SQLite file (the embedded default) or a PostgreSQL database
// (for several processes and hosts at once). Both run the same SQL (src/store/sql), so nothing
// outside src/store knows which database is underneath.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "rapport/ingest/mailbox_sink.h"
#include "rapport/model/account.h"
#include "rapport/model/directory.h"
#include "rapport/status.h"
#include "rapport/store/access_token.h"
#include "rapport/store/activity.h"
#include "rapport/store/engagement.h"
#include "rapport/store/keys.h"
#include "rapport/store/sync_source.h"
#include "rapport/store/tie_index.h"

namespace rapport::store {

struct TenantConfig {
  std::string name;
  std::vector<std::string> domains;  // internal domains, lower-case
  int64_t retention_days = 0;        // 0 = keep forever
  bool keep_subjects = false;
  // alice+news@x and alice@x are one person. Off by default: some systems use '+' otherwise.
  bool fold_plus_addresses = false;
  std::vector<std::string> admins = {};  // addresses of the tenant's admins (SPEC §2), lower-case
};

// The hash-chained ledgers (SPEC §2). The store keeps their rows in order and never changes one;
// the consent layer writes and checks the chain.
enum class Ledger { kConsent, kAudit };

struct LedgerRow {
  int64_t seq = 0;        // 1, 2, ... within its ledger
  std::string entry;      // the event, canonical JSON
  std::string prev_hash;  // the previous row's hash ("" for the first)
  // Hex HMAC-SHA256 of prev_hash and entry under the ledger's chain key (keys.h); plain SHA-256
  // in rows written before the keys left the store.
  std::string hash;
};

struct StoreStats {
  uint64_t messages = 0;
  uint64_t meetings = 0;     // occurrences that took place: not cancelled, not all-day
  double meeting_hours = 0;  // their total length
  uint64_t meetings_cancelled = 0;
  uint64_t all_day_events = 0;
  std::optional<int64_t> first_meeting;  // UTC seconds of the earliest / latest start
  std::optional<int64_t> last_meeting;
  // Humans only: a person whose every address is a role address (a robot, a group) is not counted.
  uint64_t people_internal = 0;
  uint64_t people_guest = 0;
  uint64_t people_external = 0;
  uint64_t bulk_messages = 0;    // list/bulk/auto-submitted, or from a role address (noreply, ...)
  uint64_t message_sources = 0;  // mailbox copies seen, >= messages
  std::optional<int64_t> first_sent;  // UTC seconds
  std::optional<int64_t> last_sent;
};

// What Store::Compact did: the file's bytes before (of them on the free list) and after.
struct Compaction {
  int64_t bytes_before = 0, free_bytes_before = 0, bytes_after = 0;
};

// A customer company: imported, or made from a company domain seen in mail.
struct Account {
  int64_t id = 0;
  std::string name;
  std::string origin;                // "import" or "domain"
  std::vector<std::string> domains;  // organisation domains, sorted
  uint64_t people = 0;               // external people (not role addresses) at those domains
};

// What a pass of people resolution changed.
struct PeopleResolution {
  uint64_t people_merged = 0;    // people that disappeared into another (an alias was learned)
  uint64_t people_split = 0;     // people made because evidence that joined them is gone
  uint64_t addresses_moved = 0;  // addresses now attributed to another person
};

struct DirectoryImport {
  uint64_t users = 0;
  uint64_t groups = 0;
  PeopleResolution resolution;
};

// A directory user, or an internal person the directory does not know (in_directory false).
struct DirectoryEntry {
  std::string address;  // primary address
  std::string display_name;
  std::string department;
  std::string manager;  // the manager's primary address, when known
  std::string role;     // "member" or "guest"
  std::vector<std::string> aliases;
  std::vector<std::string> groups;  // group names
  bool in_directory = true;
};

// One person and everything the store knows about who they are (`rapport people show`).
struct PersonDetails {
  int64_t id = 0;
  std::string kind;  // internal, guest or external
  bool in_directory = false;
  bool is_role = false;  // a system or function address (noreply, a group, ...)
  std::string display_name;
  std::vector<std::string> names;      // display names seen in mail, most frequent first
  std::vector<std::string> addresses;  // every address of the person, sorted
  std::string account;                 // the account an external person belongs to, if any
  std::string department, job_title, manager;
  std::vector<std::string> groups;
  uint64_t messages_sent = 0;       // distinct messages, so an alias never counts twice
  uint64_t messages_received = 0;   // To, Cc or Bcc
  uint64_t messages_sent_bulk = 0;  // of messages_sent, list/bulk/auto-submitted ones
  // A robot, a list or a newsletter: a role address, or one that only ever sent bulk mail.
  // Such a person never makes a relationship.
  bool automated = false;
  uint64_t meetings = 0;                         // not cancelled, as organiser or attendee
  std::optional<int64_t> first_seen, last_seen;  // UTC seconds of the first / last message
};

// What a purge removes (SPEC §1): everything collected from mail and meetings, or what some
// people took part in. The ledgers, the audit, settings, opt-outs, the directory and imported
// accounts stay.
struct PurgePlan {
  bool everything = false;
  // Address keys; every address of their people goes with them: the messages and meetings they
  // sent or organised, and their place in everyone else's.
  std::vector<std::string> addresses;
  // Retention: messages sent and meetings ended before this time (UTC seconds), then every
  // address nothing stored mentions any more.
  std::optional<int64_t> older_than;
  bool empty() const { return !everything && addresses.empty() && !older_than; }
};

struct PurgeCounts {
  uint64_t messages = 0;
  uint64_t meetings = 0;
  uint64_t addresses = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Reads and writes after `deadline` fail with DeadlineExceeded, and one running then is
  // interrupted (its transaction rolled back), so that a server request cannot run unbounded.
  // nullopt (the default): no limit.
  virtual void SetDeadline(std::optional<std::chrono::steady_clock::time_point> deadline) = 0;
  virtual std::optional<std::chrono::steady_clock::time_point> Deadline() const = 0;

  // Runs `body` as one write transaction: everything it changes is kept, or nothing (a server
  // request that fails part-way changes nothing). The store's own transactions inside it become
  // part of it; a purge's WAL checkpoint runs after the commit.
  virtual Status Atomically(const std::function<Status()>& body) = 0;
  // Runs `body`, which only reads, against one snapshot of the store: its queries agree with
  // each other even while another connection writes, and the store takes its read lock once
  // instead of once per query. Inside a transaction already, `body` just runs in it.
  virtual Status ReadSnapshot(const std::function<Status()>& body) = 0;

  // Creates the tenant, and its key file with fresh keys (keys.h), which must not exist yet.
  // Fails when the store already has a tenant (one tenant per store for now).
  virtual Status InitTenant(const TenantConfig& config) = 0;
  // The store's tenant; FailedPrecondition when `rapport init` has not run.
  virtual Result<TenantConfig> Tenant() = 0;

  // A writer that batches messages into transactions of `batch_size`. One writer at a time.
  virtual Result<std::unique_ptr<ingest::MailboxSink>> OpenMessageWriter(size_t batch_size) = 0;

  virtual Result<StoreStats> Stats() = 0;

  // Brings accounts up to date with the addresses stored: every address knows its organisation
  // domain, and every company domain of an external person belongs to an account (created from
  // the domain when none claims it). Cheap: it touches only what changed since the last call.
  virtual Status ResolveAccounts() = 0;
  // Creates or extends the named accounts and points their domains at them, all in one
  // transaction; an account made from a domain that is now claimed disappears into the import.
  virtual Status ImportAccounts(const std::vector<model::AccountRecord>& accounts) = 0;
  virtual Result<std::vector<Account>> ListAccounts() = 0;
  // The account of that name (ASCII case ignored), else the one with that domain (an imported
  // account keeps its CRM name, and people ask by the domain they see in mail), `people` left
  // 0; nullopt when none.
  virtual Result<std::optional<Account>> FindAccount(std::string_view name) = 0;

  // Re-attributes addresses to people from the evidence stored (directory, mail's own links,
  // plus-address folding): one person per human, no mail re-read. Runs after each ingest and
  // import; cheap enough to run at any time.
  virtual Result<PeopleResolution> ResolvePeople() = 0;
  // Adds or updates the directory's users and groups (matched by key), then re-resolves
  // people, all in one transaction: an error leaves the store as it was. `file_name` names the
  // file in errors ("FILE:LINE: ...").
  virtual Result<DirectoryImport> ImportDirectory(const model::Directory& directory,
                                                  std::string_view file_name) = 0;
  // Directory users by address, then internal people the directory does not know.
  virtual Result<std::vector<DirectoryEntry>> ListDirectory() = 0;
  // The time (UTC seconds) of the latest message sent or meeting begun at or before `not_after`;
  // nullopt when the store holds none. What "data up to" says, and where insights default to.
  virtual Result<std::optional<int64_t>> LastActivity(int64_t not_after) = 0;
  // The primary address of the directory user whose key is `key` (a Graph object id: how a
  // sign-in with Entra ID finds its user), ignoring ASCII case; nullopt when there is none.
  virtual Result<std::optional<std::string>> DirectoryUserAddress(std::string_view key) = 0;
  // The person an address (any spelling: SMTP, X.500, IMCEAEX) or a display name belongs to.
  // NotFound when nobody; InvalidArgument naming the candidates when a name is ambiguous.
  virtual Result<PersonDetails> FindPerson(std::string_view address_or_name) = 0;
  // FindPerson without the activity counts (they scan the person's mail): cheap enough for
  // every policy decision.
  virtual Result<PersonDetails> IdentifyPerson(std::string_view address_or_name) = 0;
  // IdentifyPerson with only the id, kind, display name, is_role and addresses filled in: what
  // every policy decision looks up for its caller and its subject.
  virtual Result<PersonDetails> LocatePerson(std::string_view address_or_name) = 0;

  // The mail and meetings these people took part in (or everyone's), with every participant
  // resolved to a person and summarised. Reads only: safe while an ingest writes.
  virtual Result<Activity> ReadActivity(const ActivityQuery& query) = 0;

  // Those of `candidates` that `person` sent mail to (To, Cc or Bcc) before `before`, by id.
  virtual Result<std::vector<int64_t>> WroteToBefore(int64_t person,
                                                     const std::vector<int64_t>& candidates,
                                                     int64_t before) = 0;
  // The tie index over the same data (tie_index.h): what Who Knows Whom reads when it is fresh.
  virtual TieIndex& Ties() = 0;
  virtual Result<std::unordered_map<int64_t, PersonSummary>> SummarizePeople(
      const std::vector<int64_t>& ids) = 0;
  // External people (not role addresses) at these organisation domains, by id.
  virtual Result<std::vector<int64_t>> PeopleAtDomains(const std::vector<std::string>& domains) = 0;
  // External people (not role addresses) with a name that has a word starting with `text`, or
  // an address that starts with it, ASCII case ignored: named people first, then by name and
  // address; at most `limit`. What the search box suggests.
  virtual Result<std::vector<int64_t>> PeopleMatching(std::string_view text, size_t limit) = 0;
  // Which account each external person (not a role address) belongs to, by their addresses'
  // organisation domains: (account id, person id) pairs, sorted. A person with addresses at two
  // accounts is in both, as PeopleAtDomains has them.
  virtual Result<std::vector<std::pair<int64_t, int64_t>>> AccountMembers() = 0;
  // Every address key of a person, sorted (for exclusion checks).
  virtual Result<std::vector<std::string>> AddressesOf(int64_t person) = 0;

  // Account engagement (SPEC §4.5): every e-mail sent and meeting started in [from, to) between
  // internal people and an account's people, one call per item, in no set order. Reads only:
  // safe while an ingest writes.
  virtual Status ScanAccountActivity(int64_t from, int64_t to,
                                     const std::function<void(const AccountMail&)>& mail,
                                     const std::function<void(const AccountMeeting&)>& meeting) = 0;

  // The budget ledger (SPEC §4.5). The release stored for this request, if any.
  virtual Result<std::optional<PrivacyRelease>> FindRelease(std::string_view request_key) = 0;
  // Releases made at or after `since` (UTC seconds), oldest first, with their charges.
  virtual Result<std::vector<PrivacyRelease>> ListReleases(int64_t since) = 0;
  // What every month in [from, to) (civil seconds) has spent over the store's life, by month,
  // only months with a charge (summed in the database, bodies unread).
  virtual Result<std::vector<MonthSpent>> PrivacySpent(int64_t from, int64_t to) = 0;
  // How many releases that spent anything `requested_by` made at or after `since` (UTC seconds):
  // one made wholly of earlier releases' rows costs nothing and counts for nothing.
  virtual Result<int64_t> ReleasesBy(std::string_view requested_by, int64_t since) = 0;
  // In one transaction: when a release with the same request_key is stored, returns that one and
  // stores nothing; else, when any month's charges plus this release's would exceed
  // `limits`' rho or delta budget, or (when set) the caller already made
  // `caller_releases_per_month` releases since `limits.caller_since`,
  // ResourceExhausted naming the month or the cap; else stores the release and its charges and
  // returns it with its id.
  virtual Result<PrivacyRelease> AppendRelease(const PrivacyRelease& release,
                                               const ReleaseLimits& limits) = 0;

  // Names of the directory's groups, sorted.
  virtual Result<std::vector<std::string>> ListGroups() = 0;
  // Every address (as stored, keyed) of the people who are members of any of these groups.
  virtual Result<std::vector<std::string>> GroupMemberAddresses(
      const std::vector<std::string>& groups) = 0;

  // Keep collected data this many days (0: forever); what is older is purged by `purge --expired`.
  virtual Status SetRetentionDays(int64_t days) = 0;
  // Every address key of the tenant (for purge planning).
  virtual Result<std::vector<std::string>> AddressKeys() = 0;
  // Appends `row` to the consent ledger (when given) and purges, in one transaction; then
  // checkpoints the WAL, so that with secure_delete the purged bytes are gone from the files.
  virtual Result<PurgeCounts> Purge(const PurgePlan& plan, const LedgerRow* consent_row) = 0;

  // Appends consecutive rows in one transaction: all or none. FailedPrecondition when the first
  // seq is not the ledger's next (someone else appended first: read again and retry).
  virtual Status AppendLedgerRows(Ledger ledger, const std::vector<LedgerRow>& rows) = 0;
  virtual Result<std::vector<LedgerRow>> ReadLedger(Ledger ledger) = 0;
  // The last row, without reading the rest (the audit ledger grows with every decision).
  virtual Result<std::optional<LedgerRow>> LastLedgerRow(Ledger ledger) = 0;

  // Makes `address` (lower-case) an admin, or no longer one, and appends `audit_row` to the audit
  // ledger, in one transaction. FailedPrecondition when nothing would change, when a removal would
  // leave the tenant without an admin, or when the audit ledger moved on meanwhile (retry).
  virtual Status ChangeAdmin(std::string_view address, bool add, const LedgerRow& audit_row) = 0;

  // Whether the store's schema is still the one this rapport migrated it to: false once a newer
  // rapport has migrated it further (this one should then stop being sent requests).
  virtual Result<bool> SchemaCurrent() = 0;

  // Copies the whole store, one consistent snapshot of it, into a new file at `path`, while other
  // connections and processes go on reading and writing. The copy is written beside `path` and
  // renamed into place when complete, so `path` never holds half a store. AlreadyExists-like
  // FailedPrecondition when `path` exists. (The key file is the caller's to copy.)
  virtual Status BackupTo(const std::string& path) = 0;

  // Rewrites the store into the least space, each table's pages together and in order, and
  // empties the WAL: free pages (after a purge, or a migration that rebuilt a table) go back to
  // the disk. Other processes may go on reading meanwhile; a writer makes it fail
  // (FailedPrecondition, saying so), as does too little free disk (it needs room for two copies
  // of the live data), both before anything is written. Nothing is lost when it fails.
  // FailedPrecondition where the database reclaims space itself (PostgreSQL).
  virtual Result<Compaction> Compact() = 0;

  // Tenant settings by name; nullopt when never set.
  virtual Result<std::optional<std::string>> Setting(std::string_view name) = 0;
  virtual Status SetSetting(std::string_view name, std::string_view value) = 0;
  // Deletes the settings named in `erase` and sets `name` to `value`, in one transaction; then
  // checkpoints the WAL, so that with secure_delete the erased values are gone from the files.
  virtual Status EraseSettings(const std::vector<std::string>& erase, std::string_view name,
                               std::string_view value) = 0;

  // Opt-outs, by keyed hash of the address; scope "identifiable" or "all", "" to remove.
  virtual Status SetOptOut(std::string_view address_hash, std::string_view scope, int64_t at) = 0;
  virtual Result<std::optional<std::string>> OptOutScope(std::string_view address_hash) = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListOptOuts() = 0;

  // Personal access tokens, by keyed hash (never the token). Add returns the new id; List is by
  // id; Revoke is NotFound for an unknown id and keeps the first time of a token revoked twice.
  virtual Result<int64_t> AddAccessToken(const AccessToken& token) = 0;
  virtual Result<std::optional<AccessToken>> FindAccessToken(std::string_view token_hash) = 0;
  virtual Result<std::vector<AccessToken>> ListAccessTokens() = 0;
  virtual Status RevokeAccessToken(int64_t id, int64_t at) = 0;

  // Live mailbox sources (rapport connect), by name. Add is FailedPrecondition for a name in use
  // and returns the new id; Remove is NotFound for an unknown name and forgets the source's
  // cursors, not its mail; RecordSync notes when a sync ended and its error ("" if none).
  virtual Result<int64_t> AddSyncSource(const SyncSource& source) = 0;
  virtual Result<std::vector<SyncSource>> ListSyncSources() = 0;
  virtual Status RemoveSyncSource(std::string_view name) = 0;
  virtual Status RecordSync(int64_t id, int64_t at, std::string_view error) = 0;

  // The keys of the store's key file, read when it was opened (keys.h); the consent layer's
  // keyed hashes and chains ask them for their key.
  const StoreKeys& Keys() const { return keys_; }
  void AttachKeys(StoreKeys keys) { keys_ = std::move(keys); }

 private:
  StoreKeys keys_;
};

// How a SQLite connection reads pages. kMapped suits a command: it starts with an empty cache and
// reads pages straight from a memory map of the file. kCopied suits a server's long-lived
// connections: SQLite drops the map whenever another connection has changed the file (the
// server's audit does with every request), and in a multi-threaded process each re-map costs a
// TLB shoot-down and then a page fault per page touched; copying pages from the OS cache into
// the connection's own costs less (serve: 850 -> 2,200 requests/s, BENCHMARKS.md).
enum class PageReads { kMapped, kCopied };

// Opens an existing rapport store at `path` and brings its schema up to date. Writes nothing when
// there is no file there (NotFound) or the file is not a rapport store (FailedPrecondition): only
// CreateSqliteStore makes one. `keys_path`: the store's key file (keys.h; "" = <path>.keys), read
// now; a store from before key files has its keys moved out into it.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const std::string& keys_path = "",
                                               PageReads reads = PageReads::kMapped);

// Copies the store file a backup wrote (Store::BackupTo) to a new file at `path`, which must not
// exist, the same way: written beside it, renamed when complete. The key file is the caller's.
Status CopySqliteBackup(const std::string& backup, const std::string& path);

// Makes a new store at `path` (or opens the rapport store or empty file already there) for
// `rapport init`, and for tests, the sample and benchmarks that make stores of their own. Refuses
// any other file. Its InitTenant makes the key file at `keys_path` ("" = <path>.keys).
Result<std::unique_ptr<Store>> CreateSqliteStore(const std::string& path,
                                                 const std::string& keys_path = "");

// Opens the rapport store in the PostgreSQL database at `url` (postgresql://user@host/db, a libpq
// URL) and brings its schema up to date. NotFound when the database holds no store yet;
// FailedPrecondition when it holds other tables. `keys_path` names the store's key file, which is
// required: the keys never live in the database. `read_url`: a streaming standby of it, where
// read snapshots (ReadSnapshot) read insight data whenever the standby holds every erasure the
// primary does, and the primary otherwise (docs/scale.md, "Reads from a standby"); "" for none.
Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                 const std::string& keys_path,
                                                 const std::string& read_url = "");

// Whether the database at `read_url` can serve the store at `url`'s reads now: reachable, a
// copy of that store, at this rapport's schema. What `serve --db-read` checks before it starts.
Status CheckPostgresStandby(const std::string& url, const std::string& read_url);

// Makes the store's tables in the database at `url`, which must be empty or hold a rapport store
// already (then opened), for `rapport init`. Its InitTenant makes the key file at `keys_path`.
Result<std::unique_ptr<Store>> CreatePostgresStore(const std::string& url,
                                                   const std::string& keys_path);

// One table `rapport migrate` copied, and how many rows.
struct TableCopy {
  std::string table;
  int64_t rows = 0;
};

// Copies every table of the SQLite store at `path` (its schema current: open it once first) into
// the PostgreSQL database at `url`, which must be empty or hold an empty store, in one
// transaction: all of it arrives or nothing does. Rows keep their ids, and encrypted columns and
// both ledgers their bytes, so the store's key file serves the copy unchanged. The tables copied,
// by name.
Result<std::vector<TableCopy>> CopySqliteStoreToPostgres(const std::string& path,
                                                         const std::string& url);

// Where the PostgreSQL URL `url` points, for messages: "host:port/database as user", never the
// password it may hold.
std::string PostgresWhere(std::string_view url);

// Whether `location` (what --db names) is a PostgreSQL URL rather than a SQLite file.
bool IsPostgresUrl(std::string_view location);

// The store at `location` -- a SQLite file or a PostgreSQL URL -- opened or created as above.
// For a file, "" names the key file beside it (<path>.keys); a database needs one named.
// `read_location`: a standby to read from, as OpenPostgresStore's read_url (a database only).
Result<std::unique_ptr<Store>> OpenStore(const std::string& location,
                                         const std::string& keys_path = "",
                                         PageReads reads = PageReads::kMapped,
                                         const std::string& read_location = "");
Result<std::unique_ptr<Store>> CreateStore(const std::string& location,
                                           const std::string& keys_path = "");

}  // namespace rapport::store
