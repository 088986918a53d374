#include "store/sql/tokens.h"
#include "store/sql/dialect.h"

#include <string>

namespace rapport::store {
namespace {

constexpr std::string_view kColumns =
    "SELECT id, token_hash, owner, created_at, expires_at, revoked_at, kind FROM access_token ";

AccessToken ReadToken(const SqlStatement& s) {
  AccessToken t;
  t.id = s.ColumnInt(0);
  t.token_hash = s.ColumnText(1);
  t.user = s.ColumnText(2);
  t.created_at = s.ColumnInt(3);
  if (!s.ColumnIsNull(4)) t.expires_at = s.ColumnInt(4);
  if (!s.ColumnIsNull(5)) t.revoked_at = s.ColumnInt(5);
  t.kind = s.ColumnText(6);
  return t;
}

}  // namespace

Result<int64_t> AddAccessToken(SqlConnection& db, int64_t tenant, const AccessToken& token) {
  auto insert = db.Prepare(
      "INSERT INTO access_token (tenant_id, token_hash, owner, created_at, expires_at, kind) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)" +
      std::string(ReturningId(db.Dialect())));
  if (!insert.ok()) return insert.status();
  insert->Bind(1, tenant).Bind(2, token.token_hash).Bind(3, token.user);
  insert->Bind(4, token.created_at).Bind(6, token.kind);
  if (token.expires_at) {
    insert->Bind(5, *token.expires_at);
  } else {
    insert->BindNull(5);
  }
  return insert->RunForId();
}

Result<std::optional<AccessToken>> FindAccessToken(SqlConnection& db, int64_t tenant,
                                                   std::string_view token_hash) {
  std::string sql(kColumns);
  sql.append("WHERE tenant_id = ?1 AND token_hash = ?2");
  std::optional<AccessToken> out;
  Status st = ForEachRow(
      db, sql, [&](SqlStatement& s) { out = ReadToken(s); }, tenant, token_hash);
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<AccessToken>> ListAccessTokens(SqlConnection& db, int64_t tenant) {
  std::string sql(kColumns);
  sql.append("WHERE tenant_id = ?1 ORDER BY id");
  std::vector<AccessToken> out;
  Status st = ForEachRow(
      db, sql, [&](SqlStatement& s) { out.push_back(ReadToken(s)); }, tenant);
  if (!st.ok()) return st;
  return out;
}

Status RevokeAccessToken(SqlConnection& db, int64_t tenant, int64_t id, int64_t at) {
  bool found = false;
  Status st = ForEachRow(
      db, "SELECT 1 FROM access_token WHERE tenant_id = ?1 AND id = ?2",
      [&](SqlStatement&) { found = true; }, tenant, id);
  RAPPORT_RETURN_IF_ERROR(st);
  if (!found) {
    std::string msg = "no access token ";
    msg.append(std::to_string(id)).append(" (rapport token list shows the tokens)");
    return Status::NotFound(std::move(msg));
  }
  auto update = db.Prepare(
      "UPDATE access_token SET revoked_at = ?3 "
      "WHERE tenant_id = ?1 AND id = ?2 AND revoked_at IS NULL");
  if (!update.ok()) return update.status();
  update->Bind(1, tenant).Bind(2, id).Bind(3, at);
  return update->Run();
}

}  // namespace rapport::store
