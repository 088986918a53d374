#include "store/sql/releases.h"
#include "store/sql/dialect.h"

#include <limits>
#include <string>

namespace rapport::store {
namespace {

constexpr const char* kReleaseColumns =
    "SELECT id, request_key, requested_by, released_at, epsilon_micro, delta, rows, body "
    "FROM privacy_release ";

PrivacyRelease ReadRelease(const SqlStatement& s) {
  PrivacyRelease r;
  r.id = s.ColumnInt(0);
  r.request_key = s.ColumnText(1);
  r.requested_by = s.ColumnText(2);
  r.released_at = s.ColumnInt(3);
  r.epsilon_micro = s.ColumnInt(4);
  r.delta = s.ColumnText(5);
  r.rows = s.ColumnInt(6);
  r.body = s.ColumnText(7);
  return r;
}

Status LoadCharges(SqlConnection& db, PrivacyRelease& r) {
  return ForEachRow(
      db,
      "SELECT month, rho_nano, delta_atto FROM privacy_charge WHERE release = ?1 ORDER BY month",
      [&](SqlStatement& s) {
        r.charges.push_back({s.ColumnInt(0), s.ColumnInt(1), s.ColumnInt(2)});
      },
      r.id);
}

// The first month whose spending plus this release's charge would pass a budget, if any. Sums in
// the database stay far below 2^63: a release may charge at most the whole budget.
Status CheckMonths(SqlConnection& db, int64_t tenant, const PrivacyRelease& release,
                   const ReleaseLimits& limits) {
  for (const MonthCharge& c : release.charges) {
    if (c.rho_nano < 0 || c.delta_atto < 0) {
      return Status::InvalidArgument("a release cannot charge a negative amount to a month");
    }
    auto spent = SpentByMonth(db, tenant, c.month, c.month + 1);
    if (!spent.ok()) return spent.status();
    const MonthSpent s = spent->empty() ? MonthSpent{c.month, 0, 0, 0} : spent->front();
    if (s.rho_nano > limits.rho_budget_nano - c.rho_nano ||
        s.delta_atto > limits.delta_budget_atto - c.delta_atto) {
      return Status::ResourceExhausted("the privacy budget of a month this release reads (" +
                                       std::to_string(c.month) + ") would be exceeded");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<MonthSpent>> SpentByMonth(SqlConnection& db, int64_t tenant, int64_t from,
                                             int64_t to) {
  std::vector<MonthSpent> out;
  Status st = ForEachRow(
      db,
      "SELECT month, sum(rho_nano), sum(delta_atto), count(*) FROM privacy_charge "
      "WHERE tenant_id = ?1 AND month >= ?2 AND month < ?3 GROUP BY month ORDER BY month",
      [&](SqlStatement& s) {
        out.push_back({s.ColumnInt(0), s.ColumnInt(1), s.ColumnInt(2), s.ColumnInt(3)});
      },
      tenant, from, to);
  if (!st.ok()) return st;
  return out;
}

Result<int64_t> ReleasesBy(SqlConnection& db, int64_t tenant, std::string_view requested_by,
                           int64_t since) {
  auto count = db.Prepare(
      "SELECT count(*) FROM privacy_release r "
      "WHERE r.tenant_id = ?1 AND r.released_at >= ?2 AND r.requested_by = ?3 "
      "AND EXISTS (SELECT 1 FROM privacy_charge c WHERE c.release = r.id)");
  if (!count.ok()) return count.status();
  count->Bind(1, tenant).Bind(2, since).Bind(3, requested_by);
  Status st;
  const int64_t n = count->Step(st) ? count->ColumnInt(0) : 0;
  if (!st.ok()) return st;
  return n;
}

Result<std::optional<PrivacyRelease>> FindRelease(SqlConnection& db, int64_t tenant,
                                                  std::string_view request_key) {
  std::optional<PrivacyRelease> out;
  Status st = ForEachRow(
      db, std::string(kReleaseColumns) + "WHERE tenant_id = ?1 AND request_key = ?2",
      [&](SqlStatement& s) { out = ReadRelease(s); }, tenant, request_key);
  if (st.ok() && out) st = LoadCharges(db, *out);
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<PrivacyRelease>> ListReleases(SqlConnection& db, int64_t tenant, int64_t since) {
  std::vector<PrivacyRelease> out;
  Status st = ForEachRow(
      db,
      std::string(kReleaseColumns) +
          "WHERE tenant_id = ?1 AND released_at >= ?2 ORDER BY released_at, id",
      [&](SqlStatement& s) { out.push_back(ReadRelease(s)); }, tenant, since);
  for (auto& r : out) {
    if (st.ok()) st = LoadCharges(db, r);
  }
  if (!st.ok()) return st;
  return out;
}

Result<PrivacyRelease> AppendRelease(SqlConnection& db, int64_t tenant,
                                     const PrivacyRelease& release, const ReleaseLimits& limits) {
  // No charges: a release made wholly of earlier releases' rows, which spends nothing.
  if (release.epsilon_micro <= 0) {
    return Status::InvalidArgument("a release must ask for a positive epsilon");
  }
  PrivacyRelease out;
  // IMMEDIATE: the checks and the inserts see the same ledger, whoever else is releasing.
  Status st = InTransaction(db, [&]() -> Status {
    auto stored = FindRelease(db, tenant, release.request_key);
    if (!stored.ok()) return stored.status();
    if (*stored) {  // the same request again: its answer, at no further cost
      out = std::move(**stored);
      return Status::Ok();
    }
    RAPPORT_RETURN_IF_ERROR(CheckMonths(db, tenant, release, limits));
    if (limits.caller_releases_per_month) {
      auto made = ReleasesBy(db, tenant, release.requested_by, limits.caller_since);
      if (!made.ok()) return made.status();
      if (*made >= *limits.caller_releases_per_month) {
        return Status::ResourceExhausted(release.requested_by + " made " + std::to_string(*made) +
                                         " new releases this month, the most a member may");
      }
    }
    auto insert = db.Prepare(
        "INSERT INTO privacy_release (tenant_id, request_key, requested_by, released_at, "
        "epsilon_micro, delta, rows, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)" +
        std::string(ReturningId(db.Dialect())));
    if (!insert.ok()) return insert.status();
    insert->Bind(1, tenant).Bind(2, release.request_key).Bind(3, release.requested_by);
    insert->Bind(4, release.released_at).Bind(5, release.epsilon_micro).Bind(6, release.delta);
    insert->Bind(7, release.rows).Bind(8, release.body);
    auto new_id = insert->RunForId();
    if (!new_id.ok()) return new_id.status();
    out = release;
    out.id = *new_id;
    auto charge = db.Prepare(
        "INSERT INTO privacy_charge (tenant_id, release, month, rho_nano, delta_atto) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!charge.ok()) return charge.status();
    for (const MonthCharge& c : release.charges) {
      charge->Reset();
      charge->Bind(1, tenant).Bind(2, out.id).Bind(3, c.month).Bind(4, c.rho_nano);
      charge->Bind(5, c.delta_atto);
      RAPPORT_RETURN_IF_ERROR(charge->Run());
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace rapport::store
