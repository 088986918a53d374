#include "store/sql/person_details.h"

#include "store/sql/dialect.h"

#include <functional>
#include <set>
#include <string>

#include "ingest/identity/address_identity.h"
#include "ingest/mail/header_block.h"

namespace rapport::store {
namespace {

// "name" in quotes. (Built by appending: g++ 12 -O3 warns falsely on "\"" + std::string.)
std::string Quoted(std::string_view name) {
  std::string q(1, '"');
  q.append(name);
  q.push_back('"');
  return q;
}

bool LooksLikeAddress(std::string_view s) {
  return s.find('@') != std::string_view::npos || s.starts_with('/') ||
         ingest::StartsWithIgnoreCase(s, "imcea");
}

std::string NobodyAt(std::string_view address) {
  return "nobody with the address " + std::string(address) +
         " is in this store (check the spelling, or ingest mail that has it)";
}

// A name as written ("Phillip K Allen") finds whoever was written so; only when nobody was does
// it match spelling variants by ingest::NameKey ("Allen, Phillip K.", "PHILLIP ALLEN").
Result<int64_t> PersonByName(SqlConnection& db, int64_t tenant, std::string_view name) {
  const std::string key = ingest::NameKey(name);
  if (key.empty()) {
    return Status::InvalidArgument(Quoted(name) +
                                   " is too short to name one person; give an address or a "
                                   "full name (first and last)");
  }
  auto find = db.Prepare(
      "SELECT a.person_id, n.name FROM address_name n JOIN address a ON a.id = n.address "
      "WHERE a.tenant_id = ?1 AND n.name_key = ?2 "
      "UNION ALL SELECT a.person_id, u.display_name FROM directory_user u "
      "JOIN address a ON a.id = u.address WHERE u.tenant_id = ?1");
  if (!find.ok()) return find.status();
  const std::string exact(name);
  find->Bind(1, tenant).Bind(2, key);
  std::set<int64_t> as_written, variants;
  Status st;
  while (find->Step(st)) {
    std::string written = find->ColumnText(1);
    if (written == exact) as_written.insert(find->ColumnInt(0));
    if (ingest::NameKey(written) == key) variants.insert(find->ColumnInt(0));
  }
  RAPPORT_RETURN_IF_ERROR(st);
  const std::set<int64_t>& people = as_written.empty() ? variants : as_written;
  if (people.empty()) {
    return Status::NotFound("nobody named " + Quoted(exact) +
                            " is in this store (try an address, or another spelling)");
  }
  if (people.size() > 1) {
    return Status::InvalidArgument(Quoted(exact) + " names " + std::to_string(people.size()) +
                                   " people; give one of their addresses instead");
  }
  return *people.begin();
}

// The person `who` selects (an id, or a subquery bound to ?2), with kind, display name and
// addresses, in one statement: a policy decision asks twice per request, and on a server
// database each statement is a round trip. NotFound (`missing`) when nobody.
Status FillAddresses(SqlConnection& db, int64_t tenant, std::string_view who,
                     const std::function<void(SqlStatement&)>& bind, const std::string& missing,
                     PersonDetails& p) {
  auto stmt = db.Prepare(
      "SELECT p.id, p.kind, p.display_name, a.address, a.is_role FROM person p "
      "LEFT JOIN address a ON a.tenant_id = ?1 AND a.person_id = p.id "
      "WHERE p.tenant_id = ?1 AND p.id = " +
      std::string(who) + " ORDER BY 4");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, tenant);
  bind(*stmt);
  Status st;
  bool found = false;
  while (stmt->Step(st)) {
    found = true;
    p.id = stmt->ColumnInt(0);
    p.kind = stmt->ColumnText(1);
    p.display_name = stmt->ColumnText(2);
    if (stmt->ColumnIsNull(3)) continue;
    p.addresses.push_back(stmt->ColumnText(3));
    p.is_role = p.is_role || stmt->ColumnInt(4) != 0;
  }
  RAPPORT_RETURN_IF_ERROR(st);
  return found ? Status::Ok() : Status::NotFound(missing);
}

Status FillNames(SqlConnection& db, int64_t tenant, PersonDetails& p) {
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT n.name FROM address_name n JOIN address a ON a.id = n.address "
      "WHERE a.tenant_id = ?1 AND a.person_id = ?2 GROUP BY n.name ORDER BY sum(n.seen) DESC, 1",
      [&](SqlStatement& s) { p.names.push_back(s.ColumnText(0)); }, tenant, p.id));
  return ForEachRow(
      db,
      "SELECT c.name FROM address a JOIN account_domain d ON d.tenant_id = a.tenant_id AND "
      "d.domain = a.org_domain JOIN account c ON c.id = d.account JOIN person p ON "
      "p.id = a.person_id WHERE a.tenant_id = ?1 AND a.person_id = ?2 AND p.kind = 'external' "
      "AND a.is_role = 0 "
      "GROUP BY c.name ORDER BY count(*) DESC, 1 LIMIT 1",
      [&](SqlStatement& s) { p.account = s.ColumnText(0); }, tenant, p.id);
}

Status FillDirectory(SqlConnection& db, int64_t tenant, PersonDetails& p) {
  int64_t user = 0;
  std::string manager;
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT u.id, u.department, u.manager, u.job_title FROM directory_user u "
      "JOIN directory_address d "
      "ON d.directory_user = u.id JOIN address a ON a.id = d.address "
      "WHERE u.tenant_id = ?1 AND a.person_id = ?2 LIMIT 1",
      [&](SqlStatement& s) {
        user = s.ColumnInt(0);
        p.department = s.ColumnText(1);
        manager = s.ColumnText(2);
        p.job_title = s.ColumnText(3);
      },
      tenant, p.id));
  if (user == 0) return Status::Ok();
  p.in_directory = true;
  auto find = db.Prepare(
      "SELECT a.address FROM directory_user u JOIN address a ON a.id = u.address "
      "WHERE u.tenant_id = ?1 AND u.user_key = ?2");
  if (!find.ok()) return find.status();
  find->Bind(1, tenant).Bind(2, manager);
  Status st;
  p.manager =
      find->Step(st) ? find->ColumnText(0) : (manager.empty() ? "" : ingest::AddressKey(manager));
  RAPPORT_RETURN_IF_ERROR(st);
  return ForEachRow(
      db,
      "SELECT g.name FROM group_member m JOIN directory_group g ON g.id = m.group_id "
      "WHERE g.tenant_id = ?1 AND m.member = ?2 ORDER BY 1",
      [&](SqlStatement& s) { p.groups.push_back(s.ColumnText(0)); }, tenant, user);
}

// Distinct messages and meetings, so a message to two of a person's addresses counts once.
Status FillActivity(SqlConnection& db, int64_t tenant, PersonDetails& p) {
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT count(DISTINCT t.message) FILTER (WHERE t.role = 0), "
      "count(DISTINCT t.message) FILTER (WHERE t.role > 0), min(m.sent_at), max(m.sent_at), "
      "count(DISTINCT t.message) FILTER (WHERE t.role = 0 AND m.is_bulk = 1) "
      "FROM participant t JOIN address a ON a.id = t.address JOIN message m ON m.id = t.message" +
          SameMonth(db.Dialect(), "m", "t") + " WHERE a.tenant_id = ?1 AND a.person_id = ?2",
      [&](SqlStatement& s) {
        p.messages_sent = static_cast<uint64_t>(s.ColumnInt(0));
        p.messages_received = static_cast<uint64_t>(s.ColumnInt(1));
        if (!s.ColumnIsNull(2)) p.first_seen = s.ColumnInt(2);
        if (!s.ColumnIsNull(3)) p.last_seen = s.ColumnInt(3);
        p.messages_sent_bulk = static_cast<uint64_t>(s.ColumnInt(4));
      },
      tenant, p.id));
  p.automated = p.is_role || (p.messages_sent > 0 && p.messages_sent_bulk == p.messages_sent);
  // Declined invitations and cancelled meetings were not attended (response 4 = declined).
  return ForEachRow(
      db,
      "SELECT count(*) FROM meeting m WHERE m.tenant_id = ?1 AND m.cancelled = 0 AND ("
      "m.organizer_id IN (SELECT id FROM address WHERE person_id = ?2) OR EXISTS (SELECT 1 "
      "FROM meeting_attendee t JOIN address a ON a.id = t.address WHERE t.meeting = m.id AND "
      "a.person_id = ?2 AND t.response <> 4))",
      [&](SqlStatement& s) { p.meetings = static_cast<uint64_t>(s.ColumnInt(0)); }, tenant, p.id);
}

}  // namespace

Result<PersonDetails> FindPerson(SqlConnection& db, int64_t tenant, std::string_view query,
                                 PersonDepth depth) {
  query = ingest::TrimSpaces(query);
  PersonDetails p;
  if (LooksLikeAddress(query)) {
    const std::string key = ingest::AddressKey(query);
    RAPPORT_RETURN_IF_ERROR(FillAddresses(
        db, tenant, "(SELECT person_id FROM address WHERE tenant_id = ?1 AND address = ?2)",
        [&](SqlStatement& s) { s.Bind(2, key); }, NobodyAt(query), p));
  } else {
    auto id = PersonByName(db, tenant, query);
    if (!id.ok()) return id.status();
    RAPPORT_RETURN_IF_ERROR(FillAddresses(
        db, tenant, "?2", [&](SqlStatement& s) { s.Bind(2, *id); }, NobodyAt(query), p));
  }
  if (depth == PersonDepth::kAddresses) return p;
  RAPPORT_RETURN_IF_ERROR(FillNames(db, tenant, p));
  RAPPORT_RETURN_IF_ERROR(FillDirectory(db, tenant, p));
  if (depth == PersonDepth::kActivity) RAPPORT_RETURN_IF_ERROR(FillActivity(db, tenant, p));
  return p;
}

}  // namespace rapport::store
