// Store::SummarizePeople for SQLite: who each person is, as an insight shows them.
#include <map>
#include <optional>

#include "ingest/mail/header_block.h"
#include "store/sql/activity.h"

#include "store/sql/dialect.h"

namespace rapport::store {
namespace {

// One address of a person, with what the directory and the accounts say about it.
struct AddressRow {
  std::string address, org_domain;
  bool is_role = false;
  bool directory_primary = false;  // the primary address of a directory user
  std::optional<int64_t> directory_user;
  std::string directory_name, department, job_title;
  std::optional<int64_t> account_id;
  std::string account;
  int64_t seen = 0;  // times written with a name
};

struct PersonRows {
  PersonSummary summary;
  std::string display_name;
  std::map<int64_t, AddressRow> addresses;  // by address id: the lowest first
  std::map<std::string, int64_t> names;     // name -> times written, over every address
};

// The key with the largest count; among equal counts, the smallest key. nullopt when empty.
template <typename Key>
std::optional<Key> MostCounted(const std::map<Key, int64_t>& counts) {
  std::optional<Key> best;
  int64_t best_count = 0;
  for (const auto& [key, count] : counts) {  // ascending keys: a later key must count more
    if (!best || count > best_count) {
      best = key;
      best_count = count;
    }
  }
  return best;
}

// The shown address: the directory's primary one, else the SMTP address (not X.500/IMCEA) most
// often written with a name (the one people use), else the lowest address.
std::string ShownAddress(const PersonRows& p) {
  for (const auto& [id, a] : p.addresses) {
    if (a.directory_primary) return a.address;
  }
  const AddressRow* best = nullptr;
  for (const auto& [id, a] : p.addresses) {
    if (a.address.find('@') == std::string::npos ||
        ingest::StartsWithIgnoreCase(a.address, "imcea")) {
      continue;
    }
    if (!best || a.seen > best->seen || (a.seen == best->seen && a.address < best->address)) {
      best = &a;
    }
  }
  if (best) return best->address;
  std::string lowest;
  for (const auto& [id, a] : p.addresses) {
    if (lowest.empty() || a.address < lowest) lowest = a.address;
  }
  return lowest;
}

// The shown name: the directory's, else the person's, else the name most often written; never
// an address.
std::string ShownName(const PersonRows& p) {
  std::vector<std::string> candidates;
  for (const auto& [id, a] : p.addresses) {
    if (a.directory_primary) {
      candidates.push_back(a.directory_name);
      break;
    }
  }
  candidates.push_back(p.display_name);
  std::map<std::string, int64_t> written;
  for (const auto& [name, seen] : p.names) {
    if (name.find('@') == std::string::npos) written.emplace(name, seen);
  }
  if (auto most = MostCounted(written)) candidates.push_back(*most);
  for (auto& name : candidates) {
    if (!name.empty() && name.find('@') == std::string::npos) return name;
  }
  return "";
}

void Finish(PersonRows& p) {
  PersonSummary& s = p.summary;
  s.is_role = !p.addresses.empty();
  std::map<std::string, int64_t> domains;
  std::map<std::pair<int64_t, std::string>, int64_t> accounts;  // (id, name) -> addresses
  std::optional<int64_t> directory_user;
  for (const auto& [id, a] : p.addresses) {
    s.is_role = s.is_role && a.is_role;
    if (a.directory_user && (!directory_user || *a.directory_user < *directory_user)) {
      directory_user = a.directory_user;
      s.department = a.department;
      s.job_title = a.job_title;
    }
    if (a.is_role) continue;
    if (!a.org_domain.empty() && a.org_domain != "-") ++domains[a.org_domain];
    if (a.account_id && s.kind == PersonKind::kExternal) ++accounts[{*a.account_id, a.account}];
  }
  if (auto domain = MostCounted(domains)) s.org_domain = *domain;
  std::optional<std::pair<int64_t, std::string>> account;
  int64_t most = 0;
  for (const auto& [key, count] : accounts) {  // most addresses, then by name, then by id
    if (!account || count > most || (count == most && key.second < account->second)) {
      account = key;
      most = count;
    }
  }
  if (account) {
    s.account_id = account->first;
    s.account = account->second;
  }
  s.address = ShownAddress(p);
  s.name = ShownName(p);
}

}  // namespace

// Two reads (the people's addresses with their directory entries and accounts; the names they
// were written with), then the choices in C++: one correlated subquery per field and person cost
// a fifth of a Who Knows Whom request.
Result<std::unordered_map<int64_t, PersonSummary>> SummarizePeople(
    SqlConnection& db, int64_t tenant, const std::vector<int64_t>& ids) {
  std::unordered_map<int64_t, PersonSummary> out;
  if (ids.empty()) return out;
  const std::string people = JsonArray(ids);
  std::unordered_map<int64_t, PersonRows> rows;
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT p.id, p.kind, p.display_name, a.id, a.address, a.is_role, a.org_domain, "
      "d.id, d.address = a.id, d.display_name, d.department, d.job_title, c.id, c.name "
      "FROM person p JOIN address a ON a.person_id = p.id "
      "LEFT JOIN directory_address y ON y.address = a.id "
      "LEFT JOIN directory_user d ON d.id = y.directory_user "
      "LEFT JOIN account_domain ad ON ad.tenant_id = a.tenant_id AND ad.domain = a.org_domain "
      "LEFT JOIN account c ON c.id = ad.account "
      "WHERE p.tenant_id = ?1 AND " +
          IsOneOf(db.Dialect(), "p.id", 2),
      [&](SqlStatement& s) {
        PersonRows& p = rows[s.ColumnInt(0)];
        p.summary.id = s.ColumnInt(0);
        p.summary.kind = KindOf(s.ColumnText(1));
        p.display_name = s.ColumnText(2);
        AddressRow& a = p.addresses[s.ColumnInt(3)];
        a.address = s.ColumnText(4);
        a.is_role = s.ColumnInt(5) != 0;
        a.org_domain = s.ColumnText(6);
        if (!s.ColumnIsNull(7)) {
          a.directory_user = s.ColumnInt(7);
          a.directory_primary = s.ColumnInt(8) != 0;
          a.directory_name = s.ColumnText(9);
          a.department = s.ColumnText(10);
          a.job_title = s.ColumnText(11);
        }
        if (!s.ColumnIsNull(12)) {
          a.account_id = s.ColumnInt(12);
          a.account = s.ColumnText(13);
        }
      },
      tenant, people));
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT a.person_id, a.id, n.name, n.seen FROM address a "
      "JOIN address_name n ON n.address = a.id "
      "WHERE a.tenant_id = ?1 AND " +
          IsOneOf(db.Dialect(), "a.person_id", 2),
      [&](SqlStatement& s) {
        auto it = rows.find(s.ColumnInt(0));
        if (it == rows.end()) return;
        const int64_t seen = s.ColumnInt(3);
        it->second.names[s.ColumnText(2)] += seen;
        if (auto a = it->second.addresses.find(s.ColumnInt(1)); a != it->second.addresses.end()) {
          a->second.seen += seen;
        }
      },
      tenant, people));
  for (auto& [id, p] : rows) {
    Finish(p);
    out.emplace(id, std::move(p.summary));
  }
  return out;
}

}  // namespace rapport::store
