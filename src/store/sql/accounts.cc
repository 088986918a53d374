#include "store/sql/accounts.h"
#include "store/sql/dialect.h"

#include <nlohmann/json.hpp>

#include <map>

#include "ingest/identity/mail_domains.h"

namespace rapport::store {
namespace {

// Addresses stored before accounts existed (or by an older rapport) get their domain facts.
Status BackfillAddresses(SqlConnection& db, int64_t tenant) {
  auto select = db.Prepare(
      "SELECT id, address FROM address WHERE tenant_id = ?1 AND org_domain = '' AND "
      "address LIKE '%@%'");
  auto update = db.Prepare("UPDATE address SET org_domain = ?2, is_role = ?3 WHERE id = ?1");
  if (!select.ok()) return select.status();
  if (!update.ok()) return update.status();
  select->Bind(1, tenant);
  std::vector<std::pair<int64_t, std::string>> rows;
  Status st;
  while (select->Step(st)) rows.emplace_back(select->ColumnInt(0), select->ColumnText(1));
  RAPPORT_RETURN_IF_ERROR(st);
  for (const auto& [id, address] : rows) {
    std::string org = ingest::OrganisationDomain(address.substr(address.rfind('@') + 1));
    if (org.empty()) org.push_back('-');  // not a domain: marked, so it is not looked at again
    update->Bind(1, id).Bind(2, org).Bind(3, int64_t{ingest::IsRoleAddress(address)});
    RAPPORT_RETURN_IF_ERROR(update->Run());
  }
  return Status::Ok();
}

// Company domains of external people that no account claims yet.
Result<std::vector<std::string>> UnclaimedCompanyDomains(SqlConnection& db, int64_t tenant) {
  auto select = db.Prepare(R"sql(
    SELECT DISTINCT a.org_domain FROM address a JOIN person p ON p.id = a.person_id
     WHERE a.tenant_id = ?1 AND p.kind = 'external' AND a.is_role = 0 AND a.org_domain <> '-'
       AND a.org_domain <> ''
       AND NOT EXISTS (SELECT 1 FROM account_domain d
                        WHERE d.tenant_id = ?1 AND d.domain = a.org_domain)
     ORDER BY 1)sql");
  if (!select.ok()) return select.status();
  select->Bind(1, tenant);
  std::vector<std::string> domains;
  Status st;
  while (select->Step(st)) {
    std::string d = select->ColumnText(0);
    if (!ingest::IsFreeMailDomain(d)) domains.push_back(std::move(d));
  }
  if (!st.ok()) return st;
  return domains;
}

Result<int64_t> AccountNamed(SqlConnection& db, int64_t tenant, const std::string& name,
                             std::string_view origin) {
  auto find = db.Prepare("SELECT id FROM account WHERE tenant_id = ?1 AND name = ?2");
  if (!find.ok()) return find.status();
  find->Bind(1, tenant).Bind(2, name);
  Status st;
  if (find->Step(st)) return find->ColumnInt(0);
  RAPPORT_RETURN_IF_ERROR(st);
  auto insert =
      db.Prepare(std::string("INSERT INTO account (tenant_id, name, origin) VALUES (?1, ?2, ?3)") +
                 ReturningId(db.Dialect()));
  if (!insert.ok()) return insert.status();
  insert->Bind(1, tenant).Bind(2, name).Bind(3, origin);
  return insert->RunForId();
}

Status ClaimDomain(SqlConnection& db, int64_t tenant, const std::string& domain, int64_t account) {
  auto upsert = db.Prepare(
      "INSERT INTO account_domain (tenant_id, domain, account) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (tenant_id, domain) DO UPDATE SET account = ?3");
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, tenant).Bind(2, domain).Bind(3, account);
  return upsert->Run();
}

}  // namespace

Status ResolveAccounts(SqlConnection& db, int64_t tenant) {
  return InTransaction(db, [&]() -> Status {
    RAPPORT_RETURN_IF_ERROR(BackfillAddresses(db, tenant));
    auto domains = UnclaimedCompanyDomains(db, tenant);
    if (!domains.ok()) return domains.status();
    if (domains->empty()) return Status::Ok();
    // Set-based: Enron has 7,000 such domains, and on PostgreSQL a statement is a round trip.
    const std::string list = nlohmann::json(*domains).dump();  // bound without a copy
    const std::string in = TextsIn(db.Dialect(), 2);
    auto accounts = db.Prepare(
        "INSERT INTO account (tenant_id, name, origin) SELECT ?1, value, 'domain' FROM " + in +
        " AS d WHERE NOT EXISTS (SELECT 1 FROM account WHERE tenant_id = ?1 AND name = d.value) "
        "ORDER BY value");
    if (!accounts.ok()) return accounts.status();
    RAPPORT_RETURN_IF_ERROR(accounts->Bind(1, tenant).Bind(2, list).Run());
    auto claims = db.Prepare(
        "INSERT INTO account_domain (tenant_id, domain, account) SELECT ?1, value, "
        "(SELECT id FROM account WHERE tenant_id = ?1 AND name = d.value) FROM " +
        in +
        " AS d WHERE true ON CONFLICT (tenant_id, domain) DO UPDATE SET account = "
        "excluded.account");
    if (!claims.ok()) return claims.status();
    return claims->Bind(1, tenant).Bind(2, list).Run();
  });
}

Status ImportAccounts(SqlConnection& db, int64_t tenant,
                      const std::vector<model::AccountRecord>& accounts) {
  return InTransaction(db, [&]() -> Status {
    for (const model::AccountRecord& a : accounts) {
      auto account = AccountNamed(db, tenant, a.name, "import");
      if (!account.ok()) return account.status();
      // An account first made from a domain and now on the imported list is the list's (issue
      // 16: listed accounts are public keys for account engagement).
      RAPPORT_RETURN_IF_ERROR(
          db.Exec("UPDATE account SET origin = 'import' WHERE id = " + std::to_string(*account)));
      for (const std::string& domain : a.domains) {
        RAPPORT_RETURN_IF_ERROR(ClaimDomain(db, tenant, domain, *account));
      }
    }
    // Accounts made from a domain that an import has now claimed are gone: their people belong
    // to the imported account through the domain.
    return db.Exec(
        "DELETE FROM account WHERE origin = 'domain' AND tenant_id = " + std::to_string(tenant) +
        " AND id NOT IN (SELECT account FROM account_domain WHERE tenant_id = " +
        std::to_string(tenant) + ")");
  });
}

Result<std::vector<Account>> ListAccounts(SqlConnection& db, int64_t tenant) {
  auto select = db.Prepare(R"sql(
    SELECT c.id, c.name, c.origin, d.domain,
           (SELECT count(DISTINCT a.person_id) FROM address a JOIN person p ON p.id = a.person_id
             WHERE a.tenant_id = ?1 AND a.org_domain = d.domain AND a.is_role = 0
               AND p.kind = 'external')
      FROM account c JOIN account_domain d ON d.account = c.id
     WHERE c.tenant_id = ?1 ORDER BY c.name, c.id, d.domain)sql");
  if (!select.ok()) return select.status();
  select->Bind(1, tenant);
  std::vector<Account> out;
  Status st;
  while (select->Step(st)) {
    int64_t id = select->ColumnInt(0);
    if (out.empty() || out.back().id != id) {
      out.push_back({id, select->ColumnText(1), select->ColumnText(2), {}, 0});
    }
    out.back().domains.push_back(select->ColumnText(3));
    out.back().people += static_cast<uint64_t>(select->ColumnInt(4));
  }
  if (!st.ok()) return st;
  return out;
}

Result<std::optional<Account>> FindAccount(SqlConnection& db, int64_t tenant,
                                           std::string_view name) {
  std::optional<Account> out;
  Status st = ForEachRow(
      db,
      // The name (in any case, through account_name_key) and the domain are looked up apart and
      // the matches joined: as one OR, both databases read every account of the tenant.
      "SELECT c.id, c.name, c.origin, d.domain FROM (SELECT id, max(by_name) AS by_name FROM ("
      "SELECT id, 1 AS by_name FROM account WHERE tenant_id = ?1 AND lower(name) = lower(?2) "
      "UNION ALL SELECT account, 0 FROM account_domain WHERE tenant_id = ?1 AND domain = "
      "lower(?2)) matched GROUP BY id) m JOIN account c ON c.id = m.id "
      "JOIN account_domain d ON d.account = c.id ORDER BY m.by_name DESC, c.id, d.domain",
      [&](SqlStatement& s) {
        if (!out) out = Account{s.ColumnInt(0), s.ColumnText(1), s.ColumnText(2), {}, 0};
        if (out->id == s.ColumnInt(0)) out->domains.push_back(s.ColumnText(3));
      },
      tenant, name);
  if (!st.ok()) return st;
  return out;
}

}  // namespace rapport::store
