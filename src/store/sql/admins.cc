#include "store/sql/admins.h"

#include <string>

namespace rapport::store {
namespace {

Result<int64_t> Count(SqlConnection& db, int64_t tenant, std::string_view address) {
  // address "" counts every admin
  auto select = db.Prepare(
      "SELECT count(*) FROM tenant_admin WHERE tenant_id = ?1 AND (?2 = '' OR address = ?2)");
  if (!select.ok()) return select.status();
  select->Bind(1, tenant).Bind(2, address);
  Status st;
  const int64_t n = select->Step(st) ? select->ColumnInt(0) : 0;
  if (!st.ok()) return st;
  return n;
}

}  // namespace

Status ChangeAdmin(SqlConnection& db, int64_t tenant, std::string_view address, bool add) {
  auto is_admin = Count(db, tenant, address);
  if (!is_admin.ok()) return is_admin.status();
  const std::string who(address);
  if (add && *is_admin > 0) return Status::FailedPrecondition(who + " is an admin already");
  if (!add && *is_admin == 0) return Status::FailedPrecondition(who + " is not an admin");
  if (!add) {
    auto all = Count(db, tenant, "");
    if (!all.ok()) return all.status();
    if (*all <= 1) {
      return Status::FailedPrecondition(who +
                                        " is the only admin; add another admin first (rapport "
                                        "admin add EMAIL --by " +
                                        who + ")");
    }
  }
  auto change = db.Prepare(add ? "INSERT INTO tenant_admin (tenant_id, address) VALUES (?1, ?2)"
                               : "DELETE FROM tenant_admin WHERE tenant_id = ?1 AND address = ?2");
  if (!change.ok()) return change.status();
  change->Bind(1, tenant).Bind(2, address);
  return change->Run();
}

}  // namespace rapport::store
