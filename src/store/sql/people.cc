#include "store/sql/people.h"
#include "store/sql/dialect.h"

#include "store/sql/array_columns.h"
#include "store/sql/staged_rows.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <unordered_map>

#include "ingest/identity/address_identity.h"
#include "ingest/identity/mail_domains.h"

namespace rapport::store {
namespace {

// Disjoint sets of addresses that never joins two directory users: the directory is the
// authority on who is who, so mail's evidence cannot merge two people it lists.
class Components {
 public:
  explicit Components(size_t n) : parent_(n), owner_(n, 0) {
    std::iota(parent_.begin(), parent_.end(), size_t{0});
  }
  size_t Find(size_t i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  void SetOwner(size_t i, int64_t user) { owner_[Find(i)] = user; }
  int64_t Owner(size_t i) { return owner_[Find(i)]; }
  // The root is the lowest index, so a component is named by its oldest address.
  void Join(size_t a, size_t b) {
    a = Find(a);
    b = Find(b);
    if (a == b || (owner_[a] != 0 && owner_[b] != 0 && owner_[a] != owner_[b])) return;
    if (b < a) std::swap(a, b);
    parent_[b] = a;
    if (owner_[a] == 0) owner_[a] = owner_[b];
  }

 private:
  std::vector<size_t> parent_;
  std::vector<int64_t> owner_;
};

struct AddressRow {
  int64_t id;
  std::string key;
  int64_t person;
  std::string org_domain;
};

struct NameRow {
  size_t address;  // index into the address rows
  std::string name;
  std::string key;  // ingest::NameKey(name)
  int64_t seen;
};

struct PersonRow {
  std::string kind;
  std::string display_name;
};

struct DirectoryUserRow {
  std::string role;
  std::string display_name;
};

// The writes a resolution decides. On SQLite a statement per row, a function call each; on
// PostgreSQL each would be a round trip (30,000 for Enron), so they are kept as arrays (sql/
// array_columns.h) and sent set-based by Finish(), new people numbered as SQLite numbers them
// (one past the largest id). The writes are independent of one another except that a deleted
// person is one no address keeps, so Finish() deletes last.
class PersonWrites {
 public:
  static Result<PersonWrites> Prepare(SqlConnection& db, int64_t tenant) {
    PersonWrites w(db, tenant);
    if (w.in_arrays_) {
      auto largest = db.QueryInt(LargestId("person"));
      if (!largest.ok()) return largest.status();
      w.last_id_ = *largest;
      return w;
    }
    struct {
      SqlStatement* stmt;
      std::string sql;
    } statements[] = {
        {&w.insert_, std::string("INSERT INTO person (tenant_id, kind, display_name) "
                                 "VALUES (?1, ?2, ?3)") +
                         ReturningId(db.Dialect())},
        {&w.update_, "UPDATE person SET kind = ?2, display_name = ?3 WHERE id = ?1"},
        {&w.move_, "UPDATE address SET person_id = ?2 WHERE id = ?1"},
        {&w.delete_, "DELETE FROM person WHERE id = ?1"},
    };
    for (auto& st : statements) {
      auto prepared = db.Prepare(st.sql);
      if (!prepared.ok()) return prepared.status();
      *st.stmt = std::move(*prepared);
    }
    return w;
  }

  Result<int64_t> Insert(const PersonRow& row) {
    if (!in_arrays_) {
      insert_.Bind(1, tenant_).Bind(2, row.kind).Bind(3, row.display_name);
      return insert_.RunForId();
    }
    inserts_.Int(0, ++last_id_).Text(1, row.kind).Text(2, row.display_name).EndRow();
    return last_id_;
  }
  Status Update(int64_t person, const PersonRow& row) {
    if (in_arrays_) {
      updates_.Int(0, person).Text(1, row.kind).Text(2, row.display_name).EndRow();
      return Status::Ok();
    }
    return update_.Bind(1, person).Bind(2, row.kind).Bind(3, row.display_name).Run();
  }
  Status Move(int64_t address, int64_t person) {
    if (in_arrays_) {
      moves_.Int(0, address).Int(1, person).EndRow();
      return Status::Ok();
    }
    return move_.Bind(1, address).Bind(2, person).Run();
  }
  Status Delete(int64_t person) {
    if (in_arrays_) {
      deletes_.Int(0, person).EndRow();
      return Status::Ok();
    }
    return delete_.Bind(1, person).Run();
  }

  Status Finish() {
    if (!in_arrays_) return Status::Ok();
    const std::string tenant = std::to_string(tenant_);
    RAPPORT_RETURN_IF_ERROR(
        Send(inserts_,
             "INSERT INTO person (id, tenant_id, kind, display_name) "
             "SELECT id, " +
                 tenant +
                 ", kind, name FROM "
                 "unnest(?1::bigint[], ?2::text[], ?3::text[]) AS v(id, kind, name)"));
    if (inserts_.Rows() > 0) {
      RAPPORT_RETURN_IF_ERROR(db_.Exec("SELECT setval(pg_get_serial_sequence('person', 'id'), " +
                                       std::to_string(last_id_) + ")"));
    }
    RAPPORT_RETURN_IF_ERROR(Send(
        updates_,
        "UPDATE person p SET kind = v.kind, display_name = v.name FROM "
        "unnest(?1::bigint[], ?2::text[], ?3::text[]) AS v(id, kind, name) WHERE p.id = v.id"));
    RAPPORT_RETURN_IF_ERROR(Send(moves_,
                                 "UPDATE address a SET person_id = v.person FROM "
                                 "unnest(?1::bigint[], ?2::bigint[]) AS v(id, person) "
                                 "WHERE a.id = v.id"));
    return Send(deletes_, "DELETE FROM person WHERE id = ANY(?1::bigint[])");
  }

 private:
  PersonWrites(SqlConnection& db, int64_t tenant)
      : db_(db), tenant_(tenant), in_arrays_(db.Dialect() == SqlDialect::kPostgres) {}

  Status Send(const ArrayColumns& rows, const std::string& sql) { return rows.Run(db_, sql); }

  SqlConnection& db_;
  int64_t tenant_;
  bool in_arrays_;
  int64_t last_id_ = 0;
  SqlStatement insert_, update_, move_, delete_;
  ArrayColumns inserts_{3}, updates_{3}, moves_{2}, deletes_{1};
};

class Resolution {
 public:
  Resolution(SqlConnection& db, int64_t tenant, const TenantConfig& config)
      : db_(db), tenant_(tenant), config_(config) {}

  Result<PeopleResolution> Run() {
    RAPPORT_RETURN_IF_ERROR(LoadAddresses());
    RAPPORT_RETURN_IF_ERROR(LoadNames());
    Components components(rows_.size());
    RAPPORT_RETURN_IF_ERROR(JoinDirectoryUsers(components));
    if (config_.fold_plus_addresses) JoinPlusAddresses(components);
    RAPPORT_RETURN_IF_ERROR(JoinLinkedAddresses(components));
    JoinNamedAddresses(components);
    RAPPORT_RETURN_IF_ERROR(LoadPeople());
    ChooseNames(components);
    return Apply(components);
  }

 private:
  template <typename Each>
  Status Query(std::string_view sql, Each each) {
    return ForEachRow(db_, sql, each, tenant_);
  }

  Status LoadAddresses() {
    return Query(
        "SELECT id, address, person_id, org_domain FROM address WHERE tenant_id = ?1 ORDER BY id",
        [&](SqlStatement& s) {
          index_.emplace(s.ColumnInt(0), rows_.size());
          rows_.push_back({s.ColumnInt(0), s.ColumnText(1), s.ColumnInt(2), s.ColumnText(3)});
        });
  }

  // An address written with two different names, each more than once, is shared by several
  // people (a team mailbox, or an export that made one address for two namesakes: Enron's
  // l..johnson@ is both "Johnson, Robert L." and "Johnson, David L."). Mail's evidence through
  // such an address joins nobody.
  Status LoadNames() {
    RAPPORT_RETURN_IF_ERROR(
        Query("SELECT n.address, n.name, n.name_key, n.seen FROM address_name n "
              "JOIN address a ON a.id = n.address WHERE a.tenant_id = ?1 ORDER BY n.address",
              [&](SqlStatement& s) {
                auto it = index_.find(s.ColumnInt(0));
                if (it == index_.end()) return;
                names_.push_back({it->second, s.ColumnText(1), s.ColumnText(2), s.ColumnInt(3)});
              }));
    shared_.assign(rows_.size(), false);
    std::map<std::pair<size_t, std::string>, int64_t> seen;  // (address, name key) -> times
    for (const NameRow& n : names_) {
      if (!n.key.empty()) seen[{n.address, n.key}] += n.seen;
    }
    std::vector<int> keys(rows_.size(), 0);
    for (const auto& [address_key, count] : seen) {
      if (count >= 2 && ++keys[address_key.first] >= 2) shared_[address_key.first] = true;
    }
    return Status::Ok();
  }

  Status JoinDirectoryUsers(Components& components) {
    std::map<int64_t, std::vector<size_t>> addresses_of;
    Status st = Query(
        "SELECT d.address, d.directory_user, u.role, u.display_name FROM directory_address d "
        "JOIN directory_user u ON u.id = d.directory_user WHERE u.tenant_id = ?1",
        [&](SqlStatement& s) {
          auto it = index_.find(s.ColumnInt(0));
          if (it == index_.end()) return;
          int64_t user = s.ColumnInt(1);
          components.SetOwner(it->second, user);
          addresses_of[user].push_back(it->second);
          users_[user] = {s.ColumnText(2), s.ColumnText(3)};
        });
    for (const auto& [user, addresses] : addresses_of) {
      for (size_t a : addresses) components.Join(addresses.front(), a);
    }
    return st;
  }

  void JoinPlusAddresses(Components& components) {
    std::unordered_map<std::string, size_t> first;
    for (size_t i = 0; i < rows_.size(); ++i) {
      auto [it, inserted] = first.emplace(ingest::PlusBase(rows_[i].key), i);
      if (!inserted) components.Join(it->second, i);
    }
  }

  // An SMTP address at another organisation (neither the tenant's domains nor free mail).
  bool Outside(const AddressRow& row) const {
    return ingest::KeyKind(row.key) == ingest::AddressKind::kSmtp &&
           row.key.find('@') != std::string::npos && !row.org_domain.empty() &&
           row.org_domain != "-" && !ingest::IsFreeMailDomain(row.org_domain) &&
           !IsInternalAddress(row.key, config_.domains);
  }

  // Mail's pairing of two addresses (an export's X-To entry and a To: address) joins them,
  // except that an address at another organisation joins only an address at that same
  // organisation: exports pair a colleague's directory entry with whatever address a message
  // went to (a law firm's, a former employer's), and only the directory can say that an outside
  // address is a colleague's (JoinDirectoryUsers).
  Status JoinLinkedAddresses(Components& components) {
    return Query(
        "SELECT l.low, l.high FROM address_link l JOIN address a ON a.id = l.low "
        "WHERE a.tenant_id = ?1",
        [&](SqlStatement& s) {
          auto low = index_.find(s.ColumnInt(0));
          auto high = index_.find(s.ColumnInt(1));
          if (low == index_.end() || high == index_.end() || shared_[low->second] ||
              shared_[high->second]) {
            return;
          }
          const AddressRow& a = rows_[low->second];
          const AddressRow& b = rows_[high->second];
          if ((Outside(a) || Outside(b)) &&
              !(Outside(a) && Outside(b) && a.org_domain == b.org_domain)) {
            return;
          }
          components.Join(low->second, high->second);
        });
  }

  // Two addresses of one organisation domain, each written with the same name and each built
  // from that name (phillip.allen@ as "Phillip K Allen", k..allen@ as "Allen, Phillip K."), are
  // one person: that is how company addresses are made. A name alone, a name at another company,
  // or at a free-mail domain (where many John Smiths have addresses) joins nobody.
  void JoinNamedAddresses(Components& components) {
    std::map<std::pair<std::string, std::string>, size_t> first;  // (org, name key) -> address
    for (const NameRow& n : names_) {
      const AddressRow& row = rows_[n.address];
      if (n.key.empty() || shared_[n.address] || row.org_domain.empty() || row.org_domain == "-" ||
          ingest::IsFreeMailDomain(row.org_domain) ||
          !ingest::NameMatchesLocalPart(n.name, row.key)) {
        continue;
      }
      auto [at, inserted] = first.emplace(std::make_pair(row.org_domain, n.key), n.address);
      if (!inserted) components.Join(at->second, n.address);
    }
  }

  Status LoadPeople() {
    return Query("SELECT id, kind, display_name FROM person WHERE tenant_id = ?1",
                 [&](SqlStatement& s) {
                   people_[s.ColumnInt(0)] = {s.ColumnText(1), s.ColumnText(2)};
                 });
  }

  // Per component, the display name mail used most often; ties go to the name first in byte
  // order (the map is sorted), so the choice is stable.
  void ChooseNames(Components& components) {
    std::map<std::pair<size_t, std::string>, int64_t> seen;  // (root, name) -> times seen
    for (const NameRow& n : names_) seen[{components.Find(n.address), n.name}] += n.seen;
    for (const auto& [root_name, count] : seen) {
      auto best = best_name_.find(root_name.first);
      if (best == best_name_.end() || count > best->second.first) {
        best_name_[root_name.first] = {count, root_name.second};
      }
    }
  }

  PersonRow Desired(Components& components, size_t root, const std::vector<size_t>& members,
                    int64_t person) {
    PersonRow row;
    int64_t owner = components.Owner(root);
    if (owner != 0) {
      const DirectoryUserRow& user = users_[owner];
      row.kind = user.role == "guest" ? "guest" : "internal";
      row.display_name = user.display_name;
    } else {
      row.kind = "external";
      for (size_t m : members) {
        if (IsInternalAddress(rows_[m].key, config_.domains)) row.kind = "internal";
      }
    }
    if (row.display_name.empty()) {
      if (auto it = best_name_.find(root); it != best_name_.end()) {
        row.display_name = it->second.second;
      } else if (auto p = people_.find(person); p != people_.end()) {
        row.display_name = p->second.display_name;
      }
    }
    return row;
  }

  Result<PeopleResolution> Apply(Components& components) {
    std::map<size_t, std::vector<size_t>> members;  // root -> addresses, oldest first
    for (size_t i = 0; i < rows_.size(); ++i) members[components.Find(i)].push_back(i);
    auto writes = PersonWrites::Prepare(db_, tenant_);
    if (!writes.ok()) return writes.status();
    PeopleResolution out;
    std::set<int64_t> taken;
    for (const auto& [root, addresses] : members) {
      // The oldest person among the addresses that no earlier component has claimed.
      std::set<int64_t> candidates;
      for (size_t m : addresses) candidates.insert(rows_[m].person);
      int64_t person = 0;
      for (int64_t c : candidates) {
        if (!taken.count(c) && people_.count(c)) {
          person = c;
          break;
        }
      }
      PersonRow want = Desired(components, root, addresses, person);
      if (person == 0) {
        auto new_id = writes->Insert(want);
        if (!new_id.ok()) return new_id.status();
        person = *new_id;
        ++out.people_split;
      } else if (const PersonRow& have = people_[person];
                 have.kind != want.kind || have.display_name != want.display_name) {
        RAPPORT_RETURN_IF_ERROR(writes->Update(person, want));
      }
      taken.insert(person);
      for (size_t m : addresses) {
        if (rows_[m].person == person) continue;
        RAPPORT_RETURN_IF_ERROR(writes->Move(rows_[m].id, person));
        ++out.addresses_moved;
      }
    }
    for (const auto& [id, row] : people_) {
      if (taken.count(id)) continue;
      RAPPORT_RETURN_IF_ERROR(writes->Delete(id));
      ++out.people_merged;
    }
    RAPPORT_RETURN_IF_ERROR(writes->Finish());
    return out;
  }

  SqlConnection& db_;
  int64_t tenant_;
  const TenantConfig& config_;
  std::vector<AddressRow> rows_;
  std::unordered_map<int64_t, size_t> index_;  // address id -> row
  std::vector<NameRow> names_;
  std::vector<bool> shared_;  // per address row: written with two people's names
  std::map<int64_t, DirectoryUserRow> users_;
  std::map<int64_t, PersonRow> people_;
  std::map<size_t, std::pair<int64_t, std::string>> best_name_;  // root -> (seen, name)
};

}  // namespace

bool IsInternalAddress(std::string_view key, const std::vector<std::string>& domains) {
  size_t at = key.rfind('@');
  if (at == std::string_view::npos || key.starts_with('/')) return false;
  std::string_view domain = key.substr(at + 1);
  for (const auto& d : domains) {
    if (domain == d) return true;
    // Subdomains of an internal domain (mail.example.com) are internal too.
    if (domain.size() > d.size() && domain.ends_with(d) &&
        domain[domain.size() - d.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

Result<PeopleResolution> ResolvePeople(SqlConnection& db, int64_t tenant,
                                       const TenantConfig& config) {
  return Resolution(db, tenant, config).Run();
}

}  // namespace rapport::store
