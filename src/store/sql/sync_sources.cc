#include "store/sql/sync_sources.h"
#include "store/sql/dialect.h"

#include <string>

namespace rapport::store {

Result<int64_t> AddSyncSource(SqlConnection& db, int64_t tenant, const SyncSource& source) {
  bool taken = false;
  Status st = ForEachRow(
      db, "SELECT 1 FROM sync_source WHERE tenant_id = ?1 AND name = ?2",
      [&](SqlStatement&) { taken = true; }, tenant, source.name);
  if (!st.ok()) return st;
  if (taken) {
    return Status::FailedPrecondition("a source named '" + source.name +
                                      "' is connected already (rapport connect remove " +
                                      source.name + " first, or choose another name)");
  }
  auto insert = db.Prepare(
      "INSERT INTO sync_source (tenant_id, name, kind, config, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)" +
      std::string(ReturningId(db.Dialect())));
  if (!insert.ok()) return insert.status();
  insert->Bind(1, tenant).Bind(2, source.name).Bind(3, source.kind).Bind(4, source.config);
  insert->Bind(5, source.created_at);
  return insert->RunForId();
}

Result<std::vector<SyncSource>> ListSyncSources(SqlConnection& db, int64_t tenant) {
  std::vector<SyncSource> out;
  Status st = ForEachRow(
      db,
      "SELECT id, name, kind, config, created_at, last_sync_at, last_error FROM sync_source "
      "WHERE tenant_id = ?1 ORDER BY name",
      [&](SqlStatement& s) {
        SyncSource source;
        source.id = s.ColumnInt(0);
        source.name = s.ColumnText(1);
        source.kind = s.ColumnText(2);
        source.config = s.ColumnText(3);
        source.created_at = s.ColumnInt(4);
        if (!s.ColumnIsNull(5)) source.last_sync_at = s.ColumnInt(5);
        source.last_error = s.ColumnText(6);
        out.push_back(std::move(source));
      },
      tenant);
  if (!st.ok()) return st;
  return out;
}

Status RemoveSyncSource(SqlConnection& db, int64_t tenant, std::string_view name) {
  int64_t id = 0;
  Status st = ForEachRow(
      db, "SELECT id FROM sync_source WHERE tenant_id = ?1 AND name = ?2",
      [&](SqlStatement& s) { id = s.ColumnInt(0); }, tenant, name);
  RAPPORT_RETURN_IF_ERROR(st);
  if (id == 0) {
    return Status::NotFound("no source named '" + std::string(name) +
                            "' (rapport connect list shows the sources)");
  }
  return InTransaction(db, [&] {
    const std::string where = " WHERE source = " + std::to_string(id);
    RAPPORT_RETURN_IF_ERROR(db.Exec("DELETE FROM sync_cursor" + where));
    return db.Exec("DELETE FROM sync_source WHERE id = " + std::to_string(id));
  });
}

Status RecordSync(SqlConnection& db, int64_t tenant, int64_t id, int64_t at,
                  std::string_view error) {
  auto update = db.Prepare(
      "UPDATE sync_source SET last_sync_at = ?3, last_error = ?4 "
      "WHERE tenant_id = ?1 AND id = ?2");
  if (!update.ok()) return update.status();
  update->Bind(1, tenant).Bind(2, id).Bind(3, at).Bind(4, error);
  return update->Run();
}

}  // namespace rapport::store
