// The Store over a SqlConnection (sql/store.h).
#include <unistd.h>

#include <ctime>

#include "rapport/store/store.h"
#include "store/key_file.h"
#include "store/sql/accounts.h"
#include "store/sql/activity.h"
#include "store/sql/admins.h"
#include "store/sql/dialect.h"
#include "store/sql/directory.h"
#include "store/sql/engagement.h"
#include "store/sql/message_writer.h"
#include "store/sql/people.h"
#include "store/sql/person_details.h"
#include "store/sql/purge.h"
#include "store/sql/releases.h"
#include "store/sql/standby_reads.h"
#include "store/sql/store.h"
#include "store/sql/sync_sources.h"
#include "store/sql/tie_index.h"
#include "store/sql/tokens.h"

namespace rapport::store {
namespace {

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<SqlConnection> db, std::unique_ptr<DatabaseUpkeep> upkeep,
           std::string keys_path, std::unique_ptr<StandbyReads> standby)
      : connection_(std::move(db)),
        db_(*connection_),
        upkeep_(std::move(upkeep)),
        keys_path_(std::move(keys_path)),
        standby_(std::move(standby)) {}

  Status InitTenant(const TenantConfig& config) override {
    auto count = db_.QueryInt("SELECT count(*) FROM tenant");
    if (!count.ok()) return count.status();
    if (*count > 0) {
      return Status::FailedPrecondition(
          "this store already has a tenant; use another --db to start a new one (in PostgreSQL, "
          "or name a new tenant in the URL: docs/deploy.md)");
    }
    RAPPORT_RETURN_IF_ERROR(upkeep_->BeforeNewTenant(db_, config.name));
    auto keys = NewStoreKeys(keys_path_);
    if (!keys.ok()) return keys.status();
    // The key file is written inside the tenant's transaction: a store never has a tenant
    // without its key file, and a failed init leaves no key file behind.
    RAPPORT_RETURN_IF_ERROR(db_.BeginWrite());
    Status st = InsertTenant(config);
    if (st.ok()) st = SetSetting(kKeyFileIdSetting, keys->store_id);
    if (st.ok()) st = WriteNewKeyFile(*keys);
    if (!st.ok()) {
      (void)db_.Exec("ROLLBACK");
      tenant_id_ = 0;
      return st;
    }
    st = db_.Exec("COMMIT");
    if (!st.ok()) {
      tenant_id_ = 0;
      ::unlink(keys_path_.c_str());
      return st;
    }
    AttachKeys(std::move(*keys));
    return Status::Ok();
  }

  void SetDeadline(std::optional<std::chrono::steady_clock::time_point> deadline) override {
    db_.SetDeadline(deadline);
    if (standby_) standby_->SetDeadline(deadline);
  }
  std::optional<std::chrono::steady_clock::time_point> Deadline() const override {
    return db_.Deadline();
  }

  Status BackupTo(const std::string& path) override { return upkeep_->BackupTo(db_, path); }
  Result<Compaction> Compact() override { return upkeep_->Compact(db_); }

  Result<bool> SchemaCurrent() override { return upkeep_->SchemaCurrent(db_); }

  Status Atomically(const std::function<Status()>& body) override {
    RAPPORT_RETURN_IF_ERROR(db_.BeginWrite());
    scrub_after_commit_ = false;
    Status st = body();
    if (!st.ok()) {
      (void)db_.Exec("ROLLBACK");
      return st;
    }
    RAPPORT_RETURN_IF_ERROR(db_.Exec("COMMIT"));
    if (scrub_after_commit_) return upkeep_->ScrubDeleted(db_);
    return Status::Ok();
  }

  Status ReadSnapshot(const std::function<Status()>& body) override {
    if (db_.InTransaction() || Standby()) return body();
    if (standby_ && LoadTenantId().ok() && standby_->Begin(db_, tenant_id_)) {
      Status st = body();
      standby_->End();
      return st;
    }
    RAPPORT_RETURN_IF_ERROR(db_.BeginRead());
    Status st = body();
    // A read-only transaction has nothing to keep; a query interrupted by the deadline has
    // already rolled it back.
    if (db_.InTransaction()) (void)db_.Exec(st.ok() ? "COMMIT" : "ROLLBACK");
    return st;
  }

  Result<TenantConfig> Tenant() override {
    // One statement, not three: every request asks (the policy point, sign-in), and on a
    // server database each statement is a round trip.
    auto stmt = db_.Prepare(R"sql(
      SELECT 0, id, name, retention_days, keep_subjects, fold_plus_addresses FROM tenant
       WHERE id = (SELECT min(id) FROM tenant)
      UNION ALL SELECT 1, 0, domain, 0, 0, 0 FROM tenant_domain
       WHERE tenant_id = (SELECT min(id) FROM tenant)
      UNION ALL SELECT 2, 0, address, 0, 0, 0 FROM tenant_admin
       WHERE tenant_id = (SELECT min(id) FROM tenant)
      ORDER BY 1, 3)sql");
    if (!stmt.ok()) return stmt.status();
    Status st;
    std::optional<TenantConfig> t;
    while (stmt->Step(st)) {
      const int64_t part = stmt->ColumnInt(0);
      if (part == 0) {
        tenant_id_ = stmt->ColumnInt(1);
        t.emplace();
        t->name = stmt->ColumnText(2);
        t->retention_days = stmt->ColumnInt(3);
        t->keep_subjects = stmt->ColumnInt(4) != 0;
        t->fold_plus_addresses = stmt->ColumnInt(5) != 0;
      } else if (t) {
        (part == 1 ? t->domains : t->admins).push_back(stmt->ColumnText(2));
      }
    }
    if (!st.ok()) return st;
    if (!t) {
      return Status::FailedPrecondition(
          "the store has no tenant yet; run `rapport init --tenant NAME --domain DOMAIN` first");
    }
    return std::move(*t);
  }

  Result<std::unique_ptr<ingest::MailboxSink>> OpenMessageWriter(size_t batch_size) override {
    auto tenant = Tenant();
    if (!tenant.ok()) return tenant.status();
    auto writer = SqlMessageWriter::Create(db_, tenant_id_, *tenant, batch_size);
    if (!writer.ok()) return writer.status();
    return std::unique_ptr<ingest::MailboxSink>(std::move(*writer));
  }

  Result<StoreStats> Stats() override {
    auto tenant = Tenant();
    if (!tenant.ok()) return tenant.status();
    StoreStats s;
    // People are humans: a person with only role addresses (a robot, a group) is not one.
    auto stmt = Reads().Prepare(R"sql(
      WITH human AS (SELECT kind FROM person p WHERE tenant_id = ?1 AND EXISTS
                       (SELECT 1 FROM address a WHERE a.person_id = p.id AND a.is_role = 0))
      SELECT (SELECT count(*) FROM message WHERE tenant_id = ?1),
             (SELECT count(*) FROM human WHERE kind = 'internal'),
             (SELECT count(*) FROM human WHERE kind = 'external'),
             (SELECT count(*) FROM message m WHERE m.tenant_id = ?1 AND (m.is_bulk = 1 OR
               (SELECT is_role FROM address WHERE id = m.sender_id) = 1)),
             (SELECT count(*) FROM message WHERE tenant_id = ?1) +
             (SELECT count(*) FROM message_copy c JOIN message m ON m.id = c.message
               WHERE m.tenant_id = ?1),
             (SELECT min(sent_at) FROM message WHERE tenant_id = ?1),
             (SELECT max(sent_at) FROM message WHERE tenant_id = ?1),
             (SELECT count(*) FROM human WHERE kind = 'guest'))sql");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, tenant_id_);
    Status st;
    if (stmt->Step(st)) {
      s.messages = static_cast<uint64_t>(stmt->ColumnInt(0));
      s.people_internal = static_cast<uint64_t>(stmt->ColumnInt(1));
      s.people_external = static_cast<uint64_t>(stmt->ColumnInt(2));
      s.bulk_messages = static_cast<uint64_t>(stmt->ColumnInt(3));
      s.message_sources = static_cast<uint64_t>(stmt->ColumnInt(4));
      if (!stmt->ColumnIsNull(5)) s.first_sent = stmt->ColumnInt(5);
      if (!stmt->ColumnIsNull(6)) s.last_sent = stmt->ColumnInt(6);
      s.people_guest = static_cast<uint64_t>(stmt->ColumnInt(7));
    }
    if (!st.ok()) return st;
    RAPPORT_RETURN_IF_ERROR(MeetingStats(s));
    return s;
  }

  Status ResolveAccounts() override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::ResolveAccounts(db_, tenant_id_);
  }

  Status ImportAccounts(const std::vector<model::AccountRecord>& accounts) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    RAPPORT_RETURN_IF_ERROR(store::ImportAccounts(db_, tenant_id_, accounts));
    return store::ResolveAccounts(db_, tenant_id_);
  }

  Result<std::vector<Account>> ListAccounts() override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::ListAccounts(Reads(), tenant_id_);
  }

  Result<std::optional<Account>> FindAccount(std::string_view name) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::FindAccount(Reads(), tenant_id_, name);
  }

  Result<PeopleResolution> ResolvePeople() override {
    auto tenant = Tenant();
    if (!tenant.ok()) return tenant.status();
    PeopleResolution out;
    RAPPORT_RETURN_IF_ERROR(InTransaction(db_, [&]() -> Status {
      auto resolved = store::ResolvePeople(db_, tenant_id_, *tenant);
      if (!resolved.ok()) return resolved.status();
      out = *resolved;
      return Status::Ok();
    }));
    RAPPORT_RETURN_IF_ERROR(store::ResolveAccounts(db_, tenant_id_));
    RAPPORT_RETURN_IF_ERROR(upkeep_->RefreshStatistics(db_));
    return out;
  }

  Result<DirectoryImport> ImportDirectory(const model::Directory& directory,
                                          std::string_view file_name) override {
    auto tenant = Tenant();
    if (!tenant.ok()) return tenant.status();
    DirectoryImport out;
    RAPPORT_RETURN_IF_ERROR(InTransaction(db_, [&]() -> Status {
      RAPPORT_RETURN_IF_ERROR(
          store::ImportDirectory(db_, tenant_id_, *tenant, directory, file_name, out));
      auto resolved = store::ResolvePeople(db_, tenant_id_, *tenant);
      if (!resolved.ok()) return resolved.status();
      out.resolution = *resolved;
      return Status::Ok();
    }));
    RAPPORT_RETURN_IF_ERROR(store::ResolveAccounts(db_, tenant_id_));
    RAPPORT_RETURN_IF_ERROR(upkeep_->RefreshStatistics(db_));
    return out;
  }

  Result<std::optional<int64_t>> LastActivity(int64_t not_after) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    std::optional<int64_t> out;
    RAPPORT_RETURN_IF_ERROR(ForEachRow(
        Reads(),
        // each a walk back along its (tenant_id, time) index that stops at the first row
        "SELECT max(t) FROM (SELECT * FROM (SELECT sent_at AS t FROM message WHERE tenant_id = ?1 "
        "AND sent_at <= ?2 ORDER BY sent_at DESC LIMIT 1) AS m UNION ALL SELECT * FROM (SELECT "
        "start_at FROM meeting WHERE tenant_id = ?1 AND start_at <= ?2 AND cancelled = 0 ORDER BY "
        "start_at DESC LIMIT 1) AS g) AS latest",
        [&](SqlStatement& row) {
          if (!row.ColumnIsNull(0)) out = row.ColumnInt(0);
        },
        tenant_id_, not_after));
    return out;
  }

  Result<std::optional<std::string>> DirectoryUserAddress(std::string_view key) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    std::optional<std::string> out;
    RAPPORT_RETURN_IF_ERROR(ForEachRow(
        Reads(),
        "SELECT a.address FROM directory_user u JOIN address a ON a.id = u.address "
        "WHERE u.tenant_id = ?1 AND lower(u.user_key) = lower(?2) AND ?2 <> ''",
        [&](SqlStatement& row) { out = row.ColumnText(0); }, tenant_id_, key));
    return out;
  }

  Result<std::vector<DirectoryEntry>> ListDirectory() override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::ListDirectory(Reads(), tenant_id_);
  }

  Result<PersonDetails> FindPerson(std::string_view address_or_name) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::FindPerson(Reads(), tenant_id_, address_or_name, PersonDepth::kActivity);
  }

  Result<PersonDetails> IdentifyPerson(std::string_view address_or_name) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::FindPerson(Reads(), tenant_id_, address_or_name, PersonDepth::kIdentity);
  }

  Result<PersonDetails> LocatePerson(std::string_view address_or_name) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::FindPerson(Reads(), tenant_id_, address_or_name, PersonDepth::kAddresses);
  }

  TieIndex& Ties() override {
    SqlConnection* standby = Standby();
    if (!standby) return ties_;
    if (!standby_ties_ || standby_ties_generation_ != standby_->Generation()) {
      standby_ties_ = std::make_unique<SqlTieIndex>(*standby, [this] { return TenantId(); });
      standby_ties_generation_ = standby_->Generation();
    }
    return *standby_ties_;
  }

  Result<Activity> ReadActivity(const ActivityQuery& query) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::ReadActivity(Reads(), tenant_id_, query);
  }

  Result<std::unordered_map<int64_t, PersonSummary>> SummarizePeople(
      const std::vector<int64_t>& ids) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::SummarizePeople(Reads(), tenant_id_, ids);
  }

  Result<std::vector<int64_t>> WroteToBefore(int64_t person, const std::vector<int64_t>& candidates,
                                             int64_t before) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::WroteToBefore(Reads(), tenant_id_, person, candidates, before);
  }

  Result<std::vector<int64_t>> PeopleAtDomains(const std::vector<std::string>& domains) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::PeopleAtDomains(Reads(), tenant_id_, domains);
  }

  Result<std::vector<int64_t>> PeopleMatching(std::string_view text, size_t limit) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::PeopleMatching(Reads(), tenant_id_, text, limit);
  }

  Result<std::vector<std::pair<int64_t, int64_t>>> AccountMembers() override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::AccountMembers(Reads(), tenant_id_);
  }

  Result<std::vector<std::string>> AddressesOf(int64_t person) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::AddressesOf(Reads(), tenant_id_, person);
  }

  Status ScanAccountActivity(int64_t from, int64_t to,
                             const std::function<void(const AccountMail&)>& mail,
                             const std::function<void(const AccountMeeting&)>& meeting) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::ScanAccountActivity(Reads(), tenant_id_, from, to, mail, meeting);
  }

  Result<std::optional<PrivacyRelease>> FindRelease(std::string_view request_key) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::FindRelease(db_, tenant_id_, request_key);
  }

  Result<std::vector<PrivacyRelease>> ListReleases(int64_t since) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::ListReleases(db_, tenant_id_, since);
  }

  Result<std::vector<MonthSpent>> PrivacySpent(int64_t from, int64_t to) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::SpentByMonth(db_, tenant_id_, from, to);
  }

  Result<int64_t> ReleasesBy(std::string_view requested_by, int64_t since) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::ReleasesBy(db_, tenant_id_, requested_by, since);
  }

  Result<PrivacyRelease> AppendRelease(const PrivacyRelease& release,
                                       const ReleaseLimits& limits) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::AppendRelease(db_, tenant_id_, release, limits);
  }

  Result<std::vector<std::string>> ListGroups() override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::ListGroups(Reads(), tenant_id_);
  }

  Result<std::vector<std::string>> GroupMemberAddresses(
      const std::vector<std::string>& groups) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::GroupMemberAddresses(Reads(), tenant_id_, groups);
  }

  Status AppendLedgerRows(Ledger ledger, const std::vector<LedgerRow>& rows) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return InTransaction(db_, [&]() -> Status {
      for (const LedgerRow& row : rows) RAPPORT_RETURN_IF_ERROR(AppendRow(ledger, row));
      return Status::Ok();
    });
  }

  Status ChangeAdmin(std::string_view address, bool add, const LedgerRow& audit_row) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return InTransaction(db_, [&]() -> Status {
      RAPPORT_RETURN_IF_ERROR(store::ChangeAdmin(db_, tenant_id_, address, add));
      return AppendRow(Ledger::kAudit, audit_row);
    });
  }

  Status SetRetentionDays(int64_t days) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    auto update = db_.Prepare("UPDATE tenant SET retention_days = ?2 WHERE id = ?1");
    if (!update.ok()) return update.status();
    update->Bind(1, tenant_id_).Bind(2, days);
    return update->Run();
  }

  Result<std::vector<std::string>> AddressKeys() override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    auto select = db_.Prepare("SELECT address FROM address WHERE tenant_id = ?1 ORDER BY 1");
    if (!select.ok()) return select.status();
    select->Bind(1, tenant_id_);
    std::vector<std::string> keys;
    Status st;
    while (select->Step(st)) keys.push_back(select->ColumnText(0));
    if (!st.ok()) return st;
    return keys;
  }

  Result<PurgeCounts> Purge(const PurgePlan& plan, const LedgerRow* consent_row) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    PurgeCounts counts;
    RAPPORT_RETURN_IF_ERROR(InTransaction(db_, [&]() -> Status {
      if (consent_row) RAPPORT_RETURN_IF_ERROR(AppendRow(Ledger::kConsent, *consent_row));
      if (!plan.empty()) RAPPORT_RETURN_IF_ERROR(RecordErasure(db_, tenant_id_));
      auto purged = PurgeCollected(db_, tenant_id_, plan);
      if (!purged.ok()) return purged.status();
      counts = *purged;
      return Status::Ok();
    }));
    if (!plan.empty()) {
      // Inside Atomically the rows are gone only once it commits: checkpoint then.
      if (db_.InTransaction()) {
        scrub_after_commit_ = true;
      } else {
        RAPPORT_RETURN_IF_ERROR(upkeep_->ScrubDeleted(db_));
      }
    }
    return counts;
  }

  Result<std::vector<LedgerRow>> ReadLedger(Ledger ledger) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    auto select = db_.Prepare(
        "SELECT seq, entry, prev_hash, hash FROM ledger_entry WHERE tenant_id = ?1 AND "
        "ledger = ?2 ORDER BY seq");
    if (!select.ok()) return select.status();
    select->Bind(1, tenant_id_).Bind(2, LedgerName(ledger));
    std::vector<LedgerRow> rows;
    Status st;
    while (select->Step(st)) {
      rows.push_back({select->ColumnInt(0), select->ColumnText(1), select->ColumnText(2),
                      select->ColumnText(3)});
    }
    if (!st.ok()) return st;
    return rows;
  }

  Result<std::optional<LedgerRow>> LastLedgerRow(Ledger ledger) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    auto select = db_.Prepare(
        "SELECT seq, entry, prev_hash, hash FROM ledger_entry WHERE tenant_id = ?1 AND "
        "ledger = ?2 ORDER BY seq DESC LIMIT 1");
    if (!select.ok()) return select.status();
    select->Bind(1, tenant_id_).Bind(2, LedgerName(ledger));
    Status st;
    std::optional<LedgerRow> row;
    if (select->Step(st)) {
      row = LedgerRow{select->ColumnInt(0), select->ColumnText(1), select->ColumnText(2),
                      select->ColumnText(3)};
    }
    if (!st.ok()) return st;
    return row;
  }

  Result<std::optional<std::string>> Setting(std::string_view name) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    auto select =
        db_.Prepare("SELECT value FROM tenant_setting WHERE tenant_id = ?1 AND name = ?2");
    if (!select.ok()) return select.status();
    select->Bind(1, tenant_id_).Bind(2, name);
    Status st;
    std::optional<std::string> value;
    if (select->Step(st)) value = select->ColumnText(0);
    if (!st.ok()) return st;
    return value;
  }

  Status SetSetting(std::string_view name, std::string_view value) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    auto upsert = db_.Prepare(
        "INSERT INTO tenant_setting (tenant_id, name, value) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (tenant_id, name) DO UPDATE SET value = ?3");
    if (!upsert.ok()) return upsert.status();
    upsert->Bind(1, tenant_id_).Bind(2, name).Bind(3, value);
    return upsert->Run();
  }

  Status EraseSettings(const std::vector<std::string>& erase, std::string_view name,
                       std::string_view value) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    RAPPORT_RETURN_IF_ERROR(InTransaction(db_, [&]() -> Status {
      for (const auto& setting : erase) {
        auto del = db_.Prepare("DELETE FROM tenant_setting WHERE tenant_id = ?1 AND name = ?2");
        if (!del.ok()) return del.status();
        del->Bind(1, tenant_id_).Bind(2, setting);
        RAPPORT_RETURN_IF_ERROR(del->Run());
      }
      return SetSetting(name, value);
    }));
    return upkeep_->ScrubDeleted(db_);
  }

  Status SetOptOut(std::string_view address_hash, std::string_view scope, int64_t at) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    auto stmt = db_.Prepare(
        scope.empty()
            ? "DELETE FROM optout WHERE tenant_id = ?1 AND address_hash = ?2"
            : "INSERT INTO optout (tenant_id, address_hash, scope, at) VALUES (?1, ?2, ?3, ?4) "
              "ON CONFLICT (tenant_id, address_hash) DO UPDATE SET scope = ?3, at = ?4");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, tenant_id_).Bind(2, address_hash);
    if (!scope.empty()) stmt->Bind(3, scope).Bind(4, at);
    return stmt->Run();
  }

  Result<std::optional<std::string>> OptOutScope(std::string_view address_hash) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    auto select =
        db_.Prepare("SELECT scope FROM optout WHERE tenant_id = ?1 AND address_hash = ?2");
    if (!select.ok()) return select.status();
    select->Bind(1, tenant_id_).Bind(2, address_hash);
    Status st;
    std::optional<std::string> scope;
    if (select->Step(st)) scope = select->ColumnText(0);
    if (!st.ok()) return st;
    return scope;
  }

  Result<std::vector<std::pair<std::string, std::string>>> ListOptOuts() override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    auto select = db_.Prepare(
        "SELECT address_hash, scope FROM optout WHERE tenant_id = ?1 ORDER BY at, address_hash");
    if (!select.ok()) return select.status();
    select->Bind(1, tenant_id_);
    std::vector<std::pair<std::string, std::string>> out;
    Status st;
    while (select->Step(st)) out.emplace_back(select->ColumnText(0), select->ColumnText(1));
    if (!st.ok()) return st;
    return out;
  }

  Result<int64_t> AddAccessToken(const AccessToken& token) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::AddAccessToken(db_, tenant_id_, token);
  }

  Result<std::optional<AccessToken>> FindAccessToken(std::string_view token_hash) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::FindAccessToken(db_, tenant_id_, token_hash);
  }

  Result<std::vector<AccessToken>> ListAccessTokens() override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::ListAccessTokens(db_, tenant_id_);
  }

  Status RevokeAccessToken(int64_t id, int64_t at) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::RevokeAccessToken(db_, tenant_id_, id, at);
  }

  Result<int64_t> AddSyncSource(const SyncSource& source) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::AddSyncSource(db_, tenant_id_, source);
  }
  Result<std::vector<SyncSource>> ListSyncSources() override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::ListSyncSources(db_, tenant_id_);
  }
  Status RemoveSyncSource(std::string_view name) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::RemoveSyncSource(db_, tenant_id_, name);
  }
  Status RecordSync(int64_t id, int64_t at, std::string_view error) override {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return store::RecordSync(db_, tenant_id_, id, at, error);
  }

 private:
  // Where insight reads go: the standby inside a read snapshot it serves, else the primary.
  // Only reads of what mail and the directory say go there, never consent, ledgers or settings.
  SqlConnection& Reads() {
    SqlConnection* standby = Standby();
    return standby ? *standby : db_;
  }
  SqlConnection* Standby() const { return standby_ ? standby_->Active() : nullptr; }

  Result<int64_t> TenantId() {
    RAPPORT_RETURN_IF_ERROR(LoadTenantId());
    return tenant_id_;
  }

  // Appends inside the caller's transaction; refuses a row that is not the ledger's next. One
  // statement: the check is the insert's condition (every request appends to the audit).
  Status AppendRow(Ledger ledger, const LedgerRow& row) {
    auto insert = db_.Prepare(
        "INSERT INTO ledger_entry (tenant_id, ledger, seq, entry, prev_hash, hash) "
        "SELECT CAST(?1 AS BIGINT), CAST(?2 AS TEXT), CAST(?3 AS BIGINT), CAST(?4 AS TEXT), "
        "CAST(?5 AS TEXT), CAST(?6 AS TEXT) WHERE (SELECT coalesce(max(seq), 0) FROM "
        "ledger_entry WHERE tenant_id = ?1 AND ledger = ?2) = CAST(?3 AS BIGINT) - 1 "
        "RETURNING seq");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, tenant_id_).Bind(2, LedgerName(ledger)).Bind(3, row.seq);
    insert->Bind(4, row.entry).Bind(5, row.prev_hash).Bind(6, row.hash);
    Status st;
    const bool appended = insert->Step(st);
    RAPPORT_RETURN_IF_ERROR(st);
    if (!appended) {
      return Status::FailedPrecondition("the " + std::string(LedgerName(ledger)) +
                                        " ledger changed meanwhile; try again");
    }
    return Status::Ok();
  }

  static std::string_view LedgerName(Ledger ledger) {
    return ledger == Ledger::kConsent ? "consent" : "audit";
  }

  // The tenant's id, read once per connection: a store's tenant never changes after init.
  Status LoadTenantId() {
    if (tenant_id_ != 0) return Status::Ok();
    auto tenant = Tenant();
    return tenant.ok() ? Status::Ok() : tenant.status();
  }

  Status MeetingStats(StoreStats& s) {
    auto stmt = Reads().Prepare(R"sql(
      SELECT count(*) FILTER (WHERE cancelled = 0 AND all_day = 0),
             coalesce(sum(end_at - start_at) FILTER (WHERE cancelled = 0 AND all_day = 0), 0),
             count(*) FILTER (WHERE cancelled = 1),
             count(*) FILTER (WHERE cancelled = 0 AND all_day = 1),
             min(start_at) FILTER (WHERE cancelled = 0 AND all_day = 0),
             max(start_at) FILTER (WHERE cancelled = 0 AND all_day = 0)
        FROM meeting WHERE tenant_id = ?1)sql");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, tenant_id_);
    Status st;
    if (stmt->Step(st)) {
      s.meetings = static_cast<uint64_t>(stmt->ColumnInt(0));
      s.meeting_hours = static_cast<double>(stmt->ColumnInt(1)) / 3600.0;
      s.meetings_cancelled = static_cast<uint64_t>(stmt->ColumnInt(2));
      s.all_day_events = static_cast<uint64_t>(stmt->ColumnInt(3));
      if (!stmt->ColumnIsNull(4)) s.first_meeting = stmt->ColumnInt(4);
      if (!stmt->ColumnIsNull(5)) s.last_meeting = stmt->ColumnInt(5);
    }
    return st;
  }

  Status InsertTenant(const TenantConfig& config) {
    auto ins = db_.Prepare(
        "INSERT INTO tenant (name, retention_days, keep_subjects, created_at, "
        "fold_plus_addresses) VALUES (?1, ?2, ?3, ?4, ?5)" +
        std::string(ReturningId(db_.Dialect())));
    if (!ins.ok()) return ins.status();
    ins->Bind(1, config.name)
        .Bind(2, config.retention_days)
        .Bind(3, int64_t{config.keep_subjects})
        .Bind(4, static_cast<int64_t>(std::time(nullptr)))
        .Bind(5, int64_t{config.fold_plus_addresses});
    auto new_id = ins->RunForId();
    if (!new_id.ok()) return new_id.status();
    int64_t tenant = *new_id;
    RAPPORT_RETURN_IF_ERROR(upkeep_->AfterNewTenant(db_, tenant));
    auto dom = db_.Prepare(
        "INSERT INTO tenant_domain (tenant_id, domain) VALUES (?1, ?2) "
        "ON CONFLICT DO NOTHING");
    if (!dom.ok()) return dom.status();
    for (const auto& d : config.domains) {
      dom->Bind(1, tenant).Bind(2, d);
      RAPPORT_RETURN_IF_ERROR(dom->Run());
    }
    auto admin = db_.Prepare(
        "INSERT INTO tenant_admin (tenant_id, address) VALUES (?1, ?2) "
        "ON CONFLICT DO NOTHING");
    if (!admin.ok()) return admin.status();
    for (const auto& a : config.admins) {
      admin->Bind(1, tenant).Bind(2, a);
      RAPPORT_RETURN_IF_ERROR(admin->Run());
    }
    return Status::Ok();
  }

  std::unique_ptr<SqlConnection> connection_;
  SqlConnection& db_;
  std::unique_ptr<DatabaseUpkeep> upkeep_;
  const std::string keys_path_;
  int64_t tenant_id_ = 0;
  bool scrub_after_commit_ = false;  // a purge ran inside Atomically
  SqlTieIndex ties_{db_, [this] { return TenantId(); }};
  std::unique_ptr<StandbyReads> standby_;  // none without --db-read
  std::unique_ptr<SqlTieIndex> standby_ties_;
  uint64_t standby_ties_generation_ = 0;
};

}  // namespace

std::unique_ptr<Store> NewSqlStore(std::unique_ptr<SqlConnection> db,
                                   std::unique_ptr<DatabaseUpkeep> upkeep, std::string keys_path,
                                   std::unique_ptr<StandbyReads> standby) {
  return std::make_unique<SqlStore>(std::move(db), std::move(upkeep), std::move(keys_path),
                                    std::move(standby));
}

}  // namespace rapport::store
