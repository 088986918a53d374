#include "store/sqlite_releases.h"

#include <string>

namespace rapport::store {
namespace {

PrivacyRelease ReadRelease(const SqliteStatement& s) {
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

// Millionths as a plain decimal, for people: 9500000 -> "9.5".
std::string Epsilon(int64_t micro) {
  std::string out;
  if (micro < 0) out.push_back('-');
  const uint64_t m = micro < 0 ? 0 - static_cast<uint64_t>(micro) : static_cast<uint64_t>(micro);
  out.append(std::to_string(m / 1'000'000));
  if (const uint64_t fraction = m % 1'000'000; fraction != 0) {
    std::string digits = std::to_string(fraction);
    digits.insert(0, 6 - digits.size(), '0');
    digits.erase(digits.find_last_not_of('0') + 1);
    out.push_back('.');
    out.append(digits);
  }
  return out;
}

Status Exhausted(std::string what, int64_t spent, int64_t budget, int64_t cost) {
  what.append(": spent ").append(Epsilon(spent)).append(" of ").append(Epsilon(budget));
  what.append(", and this release needs ").append(Epsilon(cost));
  return Status::ResourceExhausted(std::move(what));
}

}  // namespace

Result<int64_t> SpentSince(SqliteDb& db, int64_t tenant, int64_t since) {
  auto sum = db.Prepare(
      "SELECT coalesce(sum(epsilon_micro), 0) FROM privacy_release "
      "WHERE tenant_id = ?1 AND released_at >= ?2");
  if (!sum.ok()) return sum.status();
  sum->Bind(1, tenant).Bind(2, since);
  Status st;
  const int64_t spent = sum->Step(st) ? sum->ColumnInt(0) : 0;
  if (!st.ok()) return st;
  return spent;
}

Result<int64_t> SpentBySince(SqliteDb& db, int64_t tenant, int64_t since,
                             std::string_view requested_by) {
  auto sum = db.Prepare(
      "SELECT coalesce(sum(epsilon_micro), 0) FROM privacy_release "
      "WHERE tenant_id = ?1 AND released_at >= ?2 AND requested_by = ?3");
  if (!sum.ok()) return sum.status();
  sum->Bind(1, tenant).Bind(2, since).Bind(3, requested_by);
  Status st;
  const int64_t spent = sum->Step(st) ? sum->ColumnInt(0) : 0;
  if (!st.ok()) return st;
  return spent;
}

Result<std::optional<PrivacyRelease>> FindRelease(SqliteDb& db, int64_t tenant,
                                                  std::string_view request_key) {
  std::optional<PrivacyRelease> out;
  Status st = ForEachRow(
      db,
      "SELECT id, request_key, requested_by, released_at, epsilon_micro, delta, rows, body "
      "FROM privacy_release WHERE tenant_id = ?1 AND request_key = ?2",
      [&](SqliteStatement& s) { out = ReadRelease(s); }, tenant, request_key);
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<PrivacyRelease>> ListReleases(SqliteDb& db, int64_t tenant, int64_t since) {
  std::vector<PrivacyRelease> out;
  Status st = ForEachRow(
      db,
      "SELECT id, request_key, requested_by, released_at, epsilon_micro, delta, rows, body "
      "FROM privacy_release WHERE tenant_id = ?1 AND released_at >= ?2 ORDER BY released_at, id",
      [&](SqliteStatement& s) { out.push_back(ReadRelease(s)); }, tenant, since);
  if (!st.ok()) return st;
  return out;
}

Result<PrivacyRelease> AppendRelease(SqliteDb& db, int64_t tenant, const PrivacyRelease& release,
                                     const ReleaseLimits& limits) {
  if (release.epsilon_micro <= 0) {
    return Status::InvalidArgument("a release must charge a positive epsilon to the budget");
  }
  PrivacyRelease out;
  // IMMEDIATE: the check and the insert see the same ledger, whoever else is releasing.
  Status st = InTransaction(db, [&]() -> Status {
    auto stored = FindRelease(db, tenant, release.request_key);
    if (!stored.ok()) return stored.status();
    if (*stored) {  // the same request again: its answer, at no further cost
      out = std::move(**stored);
      return Status::Ok();
    }
    auto spent = SpentSince(db, tenant, limits.since);
    if (!spent.ok()) return spent.status();
    if (*spent > limits.budget_micro - release.epsilon_micro) {
      return Exhausted("the privacy budget is exhausted", *spent, limits.budget_micro,
                       release.epsilon_micro);
    }
    if (limits.caller_budget_micro) {
      auto by_caller = SpentBySince(db, tenant, limits.since, release.requested_by);
      if (!by_caller.ok()) return by_caller.status();
      if (*by_caller > *limits.caller_budget_micro - release.epsilon_micro) {
        return Exhausted(release.requested_by + "'s share of the privacy budget is exhausted",
                         *by_caller, *limits.caller_budget_micro, release.epsilon_micro);
      }
    }
    auto insert = db.Prepare(
        "INSERT INTO privacy_release (tenant_id, request_key, requested_by, released_at, "
        "epsilon_micro, delta, rows, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, tenant).Bind(2, release.request_key).Bind(3, release.requested_by);
    insert->Bind(4, release.released_at).Bind(5, release.epsilon_micro).Bind(6, release.delta);
    insert->Bind(7, release.rows).Bind(8, release.body);
    RAPPORT_RETURN_IF_ERROR(insert->Run());
    out = release;
    out.id = db.LastInsertId();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace rapport::store
