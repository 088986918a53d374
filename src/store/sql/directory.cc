#include "store/sql/directory.h"

#include <algorithm>
#include <map>
#include <string>

#include "ingest/identity/address_identity.h"
#include "store/sql/address_table.h"

namespace rapport::store {
namespace {

class DirectoryWrite {
 public:
  DirectoryWrite(SqlConnection& db, int64_t tenant, std::string_view file)
      : db_(db), tenant_(tenant), file_(file) {}

  Status Prepare(const TenantConfig& config) {
    auto addresses = AddressTable::Create(db_, tenant_, config.domains);
    if (!addresses.ok()) return addresses.status();
    addresses_ = std::move(*addresses);
    return Status::Ok();
  }

  // Users first, so that groups can name them by key or address.
  Status Users(const std::vector<model::DirectoryUser>& users) {
    auto upsert = db_.Prepare(
        "INSERT INTO directory_user (tenant_id, user_key, address, display_name, department, "
        "manager, role, job_title) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?9) "
        "ON CONFLICT (tenant_id, user_key) "
        "DO UPDATE SET address = ?3, display_name = ?4, department = ?5, job_title = ?9, "
        "manager = CASE WHEN ?8 = 1 THEN directory_user.manager ELSE ?6 END, role = ?7 "
        "RETURNING id");
    if (!upsert.ok()) return upsert.status();
    std::vector<int64_t> ids;
    for (const auto& u : users) {
      auto primary = addresses_.Id(u.address, u.display_name);
      if (!primary.ok()) return primary.status();
      upsert->Bind(1, tenant_).Bind(2, u.key).Bind(3, *primary).Bind(4, u.display_name);
      upsert->Bind(5, u.department).Bind(6, u.manager);
      upsert->Bind(7, u.role == model::DirectoryRole::kGuest ? "guest" : "member");
      upsert->Bind(8, int64_t{u.manager_unchanged ? 1 : 0});
      upsert->Bind(9, u.job_title);
      Status st;
      ids.push_back(upsert->Step(st) ? upsert->ColumnInt(0) : 0);
      upsert->Reset();
      RAPPORT_RETURN_IF_ERROR(st);
      user_by_reference_[u.key] = ids.back();
      user_by_reference_[ingest::AddressKey(u.address)] = ids.back();
    }
    // A re-imported user's addresses are what this file says, no more.
    for (int64_t id : ids) {
      RAPPORT_RETURN_IF_ERROR(
          db_.Exec("DELETE FROM directory_address WHERE directory_user = " + std::to_string(id)));
    }
    for (size_t i = 0; i < users.size(); ++i) {
      RAPPORT_RETURN_IF_ERROR(ClaimAddress(users[i], users[i].address, ids[i]));
      for (const auto& alias : users[i].aliases) {
        RAPPORT_RETURN_IF_ERROR(ClaimAddress(users[i], alias, ids[i]));
      }
    }
    return Status::Ok();
  }

  Status Groups(const model::Directory& directory) {
    for (const auto& g : directory.groups) {
      auto id = UpsertGroup(g.key, g.name, g.mail);
      if (!id.ok()) return id.status();
      if (!g.members_incremental) {
        RAPPORT_RETURN_IF_ERROR(
            db_.Exec("DELETE FROM group_member WHERE group_id = " + std::to_string(*id)));
      }
      for (const auto& member : g.members_removed) {
        if (int64_t user = UserByReference(member); user != 0) {
          RAPPORT_RETURN_IF_ERROR(RemoveMember(*id, user));
        }
      }
      for (const auto& member : g.members) {
        // Graph groups also hold devices, contacts and nested groups: only users are members.
        if (int64_t user = UserByReference(member); user != 0) {
          RAPPORT_RETURN_IF_ERROR(AddMember(*id, user));
        }
      }
    }
    for (const auto& u : directory.users) {
      for (const auto& group : u.groups) {
        auto id = GroupByReference(group);
        if (!id.ok()) return id.status();
        RAPPORT_RETURN_IF_ERROR(AddMember(*id, user_by_reference_[u.key]));
      }
    }
    // A group's own address is a distribution list: it never makes a relationship.
    return db_.Exec(
        "UPDATE address SET is_role = 1 WHERE is_role = 0 AND id IN "
        "(SELECT address FROM directory_group WHERE address IS NOT NULL AND tenant_id = " +
        std::to_string(tenant_) + ")");
  }

  // Users and groups the directory no longer has, with their addresses and memberships. The
  // addresses stay (mail mentions them); only the directory's evidence about them goes.
  Status Remove(const model::Directory& directory) {
    for (const auto& key : directory.removed_users) {
      RAPPORT_RETURN_IF_ERROR(ForEachKeyRow(
          "SELECT id FROM directory_user WHERE tenant_id = ?1 AND user_key = ?2", key,
          {"DELETE FROM directory_address WHERE directory_user = ",
           "DELETE FROM group_member WHERE member = ", "DELETE FROM directory_user WHERE id = "}));
    }
    for (const auto& key : directory.removed_groups) {
      RAPPORT_RETURN_IF_ERROR(ForEachKeyRow(
          "SELECT id FROM directory_group WHERE tenant_id = ?1 AND group_key = ?2", key,
          {"DELETE FROM group_member WHERE group_id = ",
           "DELETE FROM directory_group WHERE id = "}));
    }
    return Status::Ok();
  }

 private:
  // Runs each statement prefix with the id of the row `find` gives for `key`, if any.
  Status ForEachKeyRow(const char* find, const std::string& key,
                       std::initializer_list<const char*> statements) {
    int64_t id = 0;
    RAPPORT_RETURN_IF_ERROR(ForEachRow(
        db_, find, [&](SqlStatement& s) { id = s.ColumnInt(0); }, tenant_, key));
    if (id == 0) return Status::Ok();
    for (const char* sql : statements) {
      RAPPORT_RETURN_IF_ERROR(db_.Exec(std::string(sql) + std::to_string(id)));
    }
    return Status::Ok();
  }

  Status RemoveMember(int64_t group, int64_t user) {
    return db_.Exec("DELETE FROM group_member WHERE group_id = " + std::to_string(group) +
                    " AND member = " + std::to_string(user));
  }

  Status ClaimAddress(const model::DirectoryUser& user, const std::string& address, int64_t id) {
    auto row = addresses_.Id(address, "");
    if (!row.ok()) return row.status();
    auto owner = db_.Prepare(
        "SELECT u.id, u.user_key FROM directory_address d JOIN directory_user u "
        "ON u.id = d.directory_user WHERE d.address = ?1");
    if (!owner.ok()) return owner.status();
    owner->Bind(1, *row);
    Status st;
    if (owner->Step(st) && owner->ColumnInt(0) != id) {
      return Status::InvalidArgument(std::string(file_) + ":" + std::to_string(user.line) +
                                     ": address " + address + " of user " + user.key +
                                     " already belongs to directory user " + owner->ColumnText(1) +
                                     " (give each address to one user)");
    }
    RAPPORT_RETURN_IF_ERROR(st);
    auto insert = db_.Prepare(
        "INSERT INTO directory_address (address, directory_user) VALUES (?1, ?2) "
        "ON CONFLICT DO NOTHING");
    if (!insert.ok()) return insert.status();
    insert->Bind(1, *row).Bind(2, id);
    return insert->Run();
  }

  int64_t UserByReference(const std::string& reference) {
    if (auto it = user_by_reference_.find(reference); it != user_by_reference_.end()) {
      return it->second;
    }
    // A user imported earlier, by key or by any of their addresses.
    auto find = db_.Prepare(
        "SELECT id FROM directory_user WHERE tenant_id = ?1 AND user_key = ?2 UNION ALL "
        "SELECT d.directory_user FROM directory_address d JOIN address a ON a.id = d.address "
        "WHERE a.tenant_id = ?1 AND a.address = ?3 LIMIT 1");
    if (!find.ok()) return 0;
    const std::string key = ingest::AddressKey(reference);
    find->Bind(1, tenant_).Bind(2, reference).Bind(3, key);
    Status st;
    int64_t id = find->Step(st) ? find->ColumnInt(0) : 0;
    user_by_reference_[reference] = id;
    return id;
  }

  Result<int64_t> UpsertGroup(const std::string& key, const std::string& name,
                              const std::string& mail) {
    auto upsert = db_.Prepare(
        "INSERT INTO directory_group (tenant_id, group_key, name, address) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (tenant_id, group_key) DO UPDATE SET name = ?3, "
        "address = coalesce(?4, directory_group.address) RETURNING id");
    if (!upsert.ok()) return upsert.status();
    upsert->Bind(1, tenant_).Bind(2, key).Bind(3, name.empty() ? key : name);
    if (mail.empty()) {
      upsert->BindNull(4);
    } else {
      auto address = addresses_.Id(mail, name);
      if (!address.ok()) return address.status();
      upsert->Bind(4, *address);
    }
    Status st;
    int64_t id = upsert->Step(st) ? upsert->ColumnInt(0) : 0;
    upsert->Reset();
    if (!st.ok()) return st;
    return id;
  }

  // A user's group by key or name; one the file only names is created.
  Result<int64_t> GroupByReference(const std::string& reference) {
    auto find = db_.Prepare(
        "SELECT id FROM directory_group WHERE tenant_id = ?1 AND (group_key = ?2 OR name = ?2) "
        "ORDER BY group_key = ?2 DESC LIMIT 1");
    if (!find.ok()) return find.status();
    find->Bind(1, tenant_).Bind(2, reference);
    Status st;
    if (find->Step(st)) return find->ColumnInt(0);
    RAPPORT_RETURN_IF_ERROR(st);
    return UpsertGroup(reference, reference, "");
  }

  Status AddMember(int64_t group, int64_t user) {
    return db_.Exec("INSERT INTO group_member (group_id, member) VALUES (" + std::to_string(group) +
                    ", " + std::to_string(user) + ") ON CONFLICT DO NOTHING");
  }

  SqlConnection& db_;
  int64_t tenant_;
  std::string_view file_;
  AddressTable addresses_;
  std::map<std::string, int64_t> user_by_reference_;  // key or address key -> user id
};

}  // namespace

Status ImportDirectory(SqlConnection& db, int64_t tenant, const TenantConfig& config,
                       const model::Directory& directory, std::string_view file_name,
                       DirectoryImport& counts) {
  DirectoryWrite write(db, tenant, file_name);
  RAPPORT_RETURN_IF_ERROR(write.Prepare(config));
  RAPPORT_RETURN_IF_ERROR(write.Users(directory.users));
  RAPPORT_RETURN_IF_ERROR(write.Groups(directory));
  RAPPORT_RETURN_IF_ERROR(write.Remove(directory));
  counts.users = directory.users.size();
  counts.groups = directory.groups.size();
  return Status::Ok();
}

Result<std::vector<DirectoryEntry>> ListDirectory(SqlConnection& db, int64_t tenant) {
  std::vector<DirectoryEntry> out;
  std::map<int64_t, size_t> index;                // user id -> entry
  std::map<std::string, std::string> primary_of;  // user key -> primary address
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT u.id, a.address, u.display_name, u.department, u.manager, u.role, u.user_key "
      "FROM directory_user u JOIN address a ON a.id = u.address WHERE u.tenant_id = ?1 "
      "ORDER BY a.address",
      [&](SqlStatement& s) {
        index[s.ColumnInt(0)] = out.size();
        out.push_back({s.ColumnText(1),
                       s.ColumnText(2),
                       s.ColumnText(3),
                       s.ColumnText(4),
                       s.ColumnText(5),
                       {},
                       {},
                       true});
        primary_of[s.ColumnText(6)] = s.ColumnText(1);
      },
      tenant));
  for (auto& e : out) {  // a manager named by key is shown by address
    if (auto it = primary_of.find(e.manager); it != primary_of.end()) {
      e.manager = it->second;
    } else if (!e.manager.empty()) {
      e.manager = ingest::AddressKey(e.manager);
    }
  }
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT d.directory_user, a.address FROM directory_address d JOIN address a ON a.id = "
      "d.address "
      "JOIN directory_user u ON u.id = d.directory_user WHERE u.tenant_id = ?1 AND a.id <> "
      "u.address "
      "ORDER BY 1, 2",
      [&](SqlStatement& s) { out[index[s.ColumnInt(0)]].aliases.push_back(s.ColumnText(1)); },
      tenant));
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT m.member, g.name FROM group_member m JOIN directory_group g ON g.id = m.group_id "
      "WHERE g.tenant_id = ?1 ORDER BY 1, 2",
      [&](SqlStatement& s) { out[index[s.ColumnInt(0)]].groups.push_back(s.ColumnText(1)); },
      tenant));
  // Internal humans (not groups or robots) the directory does not know; SMTP addresses first.
  std::map<int64_t, size_t> person_index;
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT p.id, a.address, p.display_name FROM person p JOIN address a ON a.person_id = p.id "
      "WHERE p.tenant_id = ?1 AND p.kind = 'internal' AND NOT EXISTS (SELECT 1 FROM address b "
      "JOIN directory_address d ON d.address = b.id WHERE b.person_id = p.id) AND EXISTS "
      "(SELECT 1 FROM address h WHERE h.person_id = p.id AND h.is_role = 0) "
      "ORDER BY p.id, a.address NOT LIKE '%@%', a.id",
      [&](SqlStatement& s) {
        auto [it, first] = person_index.emplace(s.ColumnInt(0), out.size());
        if (first) {
          out.push_back({s.ColumnText(1), s.ColumnText(2), "", "", "member", {}, {}, false});
        } else {
          out[it->second].aliases.push_back(s.ColumnText(1));
        }
      },
      tenant));
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(index.size()), out.end(),
            [](const DirectoryEntry& a, const DirectoryEntry& b) { return a.address < b.address; });
  return out;
}

Result<std::vector<std::string>> ListGroups(SqlConnection& db, int64_t tenant) {
  std::vector<std::string> out;
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db, "SELECT DISTINCT name FROM directory_group WHERE tenant_id = ?1 ORDER BY 1",
      [&](SqlStatement& s) { out.push_back(s.ColumnText(0)); }, tenant));
  return out;
}

// Through the person, so that addresses mail taught rapport (an X.500 DN) count too.
Result<std::vector<std::string>> GroupMemberAddresses(SqlConnection& db, int64_t tenant,
                                                      const std::vector<std::string>& groups) {
  auto select = db.Prepare(R"sql(
    SELECT DISTINCT b.address FROM directory_group g
      JOIN group_member m ON m.group_id = g.id
      JOIN directory_address d ON d.directory_user = m.member
      JOIN address a ON a.id = d.address
      JOIN address b ON b.person_id = a.person_id
     WHERE g.tenant_id = ?1 AND g.name = ?2 ORDER BY 1)sql");
  if (!select.ok()) return select.status();
  std::vector<std::string> out;
  for (const auto& group : groups) {
    select->Bind(1, tenant).Bind(2, group);
    Status st;
    while (select->Step(st)) out.push_back(select->ColumnText(0));
    select->Reset();
    RAPPORT_RETURN_IF_ERROR(st);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace rapport::store
