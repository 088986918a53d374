#include "store/sql/activity.h"

#include "store/sql/dialect.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace rapport::store {
namespace {

// The messages (or meetings) of the focus people, as a CTE named `items`. Participants carry
// their message's time, so only the focus people's mail in [?3, ?4) is read: a window of a long
// history costs what the window holds (SQLite's participant index is by address and time;
// PostgreSQL reads only the window's months), and a message is read from its own month
// (SameMonth) rather than by joining every month of messages with every participant.
std::string FocusMail(SqlDialect d) {
  return "WITH focus(id) AS (SELECT id FROM address WHERE tenant_id = ?1 AND " +
         IsOneOf(d, "person_id", 2) +
         "), items(id, sent_at) AS (SELECT DISTINCT message, sent_at FROM participant WHERE "
         "address IN (SELECT id FROM focus) AND sent_at >= ?3 AND sent_at < ?4 AND "
         "message > ?5) ";
}
// ?2 and ?5 are unused but for their types; each kind of list names every parameter.
std::string EveryoneMail(SqlDialect) {
  return "WITH items(id, sent_at) AS (SELECT id, sent_at FROM message WHERE tenant_id = ?1 AND "
         "CAST(?2 AS TEXT) IS NOT NULL AND id > ?5) ";
}
// The messages whose Message-ID is in ?2 (parents of new mail; ?5 is unused).
std::string ParentMail(SqlDialect d) {
  return "WITH items(id, sent_at) AS (SELECT id, sent_at FROM " + std::string(MessageKeys(d)) +
         " WHERE tenant_id = ?1 AND message_id IN " + TextsIn(d, 2) +
         " AND CAST(?5 AS BIGINT) IS NOT NULL) ";
}

std::string FocusMeetings(SqlDialect d) {
  return "WITH focus(id) AS (SELECT id FROM address WHERE tenant_id = ?1 AND " +
         IsOneOf(d, "person_id", 2) +
         "), items(id) AS (SELECT meeting FROM meeting_attendee WHERE address IN "
         "(SELECT id FROM focus) UNION SELECT id FROM meeting WHERE organizer_id IN "
         "(SELECT id FROM focus)) ";
}
std::string EveryoneMeetings(SqlDialect) {
  return "WITH items(id) AS (SELECT id FROM meeting WHERE tenant_id = ?1 AND "
         "CAST(?2 AS TEXT) IS NOT NULL) ";
}

void AddDistinct(std::vector<int64_t>& list, int64_t person) {
  if (std::find(list.begin(), list.end(), person) == list.end()) list.push_back(person);
}

// While a message's participant rows are read, its `recipients` holds them as read, each its
// role and address id in one integer; ResolveParticipants then turns them into people. No
// address id comes near 2^56.
constexpr int kRoleShift = 56;
int64_t ParticipantRow(int64_t role, int64_t address) {
  return role << kRoleShift | address;
}
int64_t RoleOf(int64_t row) {
  return row >> kRoleShift;
}
int64_t AddressOf(int64_t row) {
  return row & ((int64_t{1} << kRoleShift) - 1);
}

struct AddressOwner {
  int64_t person = 0;
  bool is_role = false;
};

// Gives mail[first...] their senders and recipients as people, looking each distinct address up
// once: a window's mail names the same few hundred addresses thousands of times, and looking the
// person up per row (a join with address) was a B-tree descent each (a fifth of relationship
// analytics' mail read on the 5M store).
Status ResolveParticipants(SqlConnection& db, int64_t tenant, std::vector<MailItem>& mail,
                           size_t first) {
  std::vector<int64_t> addresses;
  for (size_t i = first; i < mail.size(); ++i) {
    for (int64_t row : mail[i].recipients) addresses.push_back(AddressOf(row));
  }
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  std::unordered_map<int64_t, AddressOwner> owners;
  owners.reserve(addresses.size());
  if (!addresses.empty()) {
    RAPPORT_RETURN_IF_ERROR(ForEachRow(
        db,
        "SELECT id, person_id, is_role FROM address WHERE tenant_id = ?1 AND " +
            IsOneOf(db.Dialect(), "id", 2),
        [&](SqlStatement& s) {
          owners[s.ColumnInt(0)] = {s.ColumnInt(1), s.ColumnInt(2) != 0};
        },
        tenant, JsonArray(addresses)));
  }
  std::vector<int64_t> rows;
  for (size_t i = first; i < mail.size(); ++i) {
    MailItem& item = mail[i];
    rows.swap(item.recipients);
    item.recipients.clear();
    for (int64_t row : rows) {
      auto owner = owners.find(AddressOf(row));
      if (owner == owners.end()) continue;  // no such address: as the join it replaces
      const int64_t person = owner->second.person;
      if (RoleOf(row) == 0) {
        item.sender = person;
        item.bulk = item.bulk || owner->second.is_role;
        std::erase(item.recipients, person);
      } else if (person != item.sender) {
        AddDistinct(item.recipients, person);
      }
    }
  }
  return Status::Ok();
}

// Appends the messages `items` (a CTE: FocusMail, EveryoneMail, ParentMail) names.
Status ReadMail(SqlConnection& db, int64_t tenant, const ActivityQuery& q, const std::string& items,
                const std::string& ids, Activity& out) {
  // One row per participant, a message's rows together and its sender's (role 0) first: the
  // participant key is (message, role, address). Sorting by time is left to the caller's C++,
  // cheaper than SQLite's temporary B-tree.
  const std::string sql =
      items +
      "SELECT m.id, m.message_id, coalesce(m.in_reply_to, ''), "
      "CASE WHEN m.in_reply_to IS NULL THEN coalesce(m.references_ids, '') ELSE '' END, "
      "m.sent_at, m.utc_offset_min, m.is_bulk, t.role, t.address "
      "FROM items" +
      std::string(CrossJoin(db.Dialect())) + "message m ON m.id = items.id" +
      SameMonth(db.Dialect(), "items", "m") + CrossJoin(db.Dialect()) +
      "participant t ON t.message = m.id" + SameMonth(db.Dialect(), "m", "t") +
      " WHERE m.sent_at >= ?3 AND m.sent_at < ?4" +
      KeyOrder(db.Dialect(), "m.id, t.role, t.address");
  const size_t first = out.mail.size();
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db, sql,
      [&](SqlStatement& s) {
        const int64_t id = s.ColumnInt(0);
        if (out.mail.size() == first || out.mail.back().id != id) {
          MailItem item;
          item.id = id;
          item.message_id = s.ColumnText(1);
          item.in_reply_to = s.ColumnText(2);
          if (item.in_reply_to.empty()) item.in_reply_to = LastReference(s.ColumnText(3));
          item.sent_at = s.ColumnInt(4);
          item.utc_offset_min = static_cast<int32_t>(s.ColumnInt(5));
          item.bulk = s.ColumnInt(6) != 0;
          out.mail.push_back(std::move(item));
        }
        out.mail.back().recipients.push_back(ParticipantRow(s.ColumnInt(7), s.ColumnInt(8)));
      },
      tenant, ids, q.from, q.to, q.after_message.value_or(0)));
  return ResolveParticipants(db, tenant, out.mail, first);
}

// Adds, marked as context, the parents of the mail read that are not among it.
Status ReadParents(SqlConnection& db, int64_t tenant, Activity& out) {
  std::unordered_set<std::string_view> read;
  for (const auto& m : out.mail) read.insert(m.message_id);
  std::vector<std::string> wanted;
  for (const auto& m : out.mail) {
    if (!m.in_reply_to.empty() && !read.count(m.in_reply_to)) wanted.push_back(m.in_reply_to);
  }
  if (wanted.empty()) return Status::Ok();
  const size_t first = out.mail.size();
  ActivityQuery everything;
  RAPPORT_RETURN_IF_ERROR(
      ReadMail(db, tenant, everything, ParentMail(db.Dialect()), JsonArray(wanted), out));
  for (size_t i = first; i < out.mail.size(); ++i) out.mail[i].context = true;
  return Status::Ok();
}

Status ReadMeetings(SqlConnection& db, int64_t tenant, const ActivityQuery& q,
                    const std::string& ids, Activity& out) {
  // Response 4 is declined, role 3 a non-participant (model::AttendeeResponse / AttendeeRole).
  // A meeting's rows come together; the caller sorts by time.
  const std::string sql =
      (q.everyone ? EveryoneMeetings(db.Dialect()) : FocusMeetings(db.Dialect())) +
      "SELECT g.id, g.start_at, g.end_at, g.all_day, g.cancelled, coalesce(o.person_id, 0), "
      "a.person_id, t.role, t.response FROM items" +
      std::string(CrossJoin(db.Dialect())) +
      "meeting g ON g.id = items.id "
      "LEFT JOIN address o ON o.id = g.organizer_id "
      "LEFT JOIN meeting_attendee t ON t.meeting = g.id LEFT JOIN address a ON a.id = t.address "
      "WHERE g.start_at >= ?3 AND g.start_at < ?4" +
      KeyOrder(db.Dialect(), "g.id, t.address");
  return ForEachRow(
      db, sql,
      [&](SqlStatement& s) {
        const int64_t id = s.ColumnInt(0);
        if (out.meetings.empty() || out.meetings.back().id != id) {
          MeetingItem item;
          item.id = id;
          item.start = s.ColumnInt(1);
          item.end = s.ColumnInt(2);
          item.all_day = s.ColumnInt(3) != 0;
          item.cancelled = s.ColumnInt(4) != 0;
          item.organizer = s.ColumnInt(5);
          if (item.organizer != 0) item.attendees.push_back(item.organizer);
          out.meetings.push_back(std::move(item));
        }
        if (s.ColumnIsNull(6)) return;
        MeetingItem& item = out.meetings.back();
        const int64_t person = s.ColumnInt(6);
        if (person == item.organizer) return;
        if (s.ColumnInt(8) == 4) {
          AddDistinct(item.declined, person);
        } else if (s.ColumnInt(7) != 3) {
          AddDistinct(item.attendees, person);
        }
      },
      tenant, ids, q.from, q.to);
}

// Points each reply at the message it answers, once, for every insight.
void LinkReplies(std::vector<MailItem>& mail) {
  std::unordered_map<std::string_view, int64_t> by_id;
  for (size_t i = 0; i < mail.size(); ++i) by_id.emplace(mail[i].message_id, i);
  for (auto& m : mail) {
    if (m.in_reply_to.empty()) continue;
    auto it = by_id.find(m.in_reply_to);
    if (it != by_id.end() && mail[static_cast<size_t>(it->second)].sent_at <= m.sent_at) {
      m.parent = it->second;
    }
  }
}

}  // namespace

std::string LastReference(const std::string& references) {
  const size_t end = references.find_last_not_of(' ');
  if (end == std::string::npos) return "";
  const size_t space = references.rfind(' ', end);
  return references.substr(space == std::string::npos ? 0 : space + 1,
                           end - (space == std::string::npos ? 0 : space + 1) + 1);
}

PersonKind KindOf(const std::string& kind) {
  return kind == "internal" ? PersonKind::kInternal
         : kind == "guest"  ? PersonKind::kGuest
                            : PersonKind::kExternal;
}

// What ranking needs of each person: kind, role flag, organisation domain, and an address to
// order by (the lowest SMTP one: the same whatever order mail came in).
Status BasicPeople(SqlConnection& db, int64_t tenant, const std::vector<int64_t>& ids,
                   std::unordered_map<int64_t, PersonSummary>& out) {
  if (ids.empty()) return Status::Ok();
  return ForEachRow(
      db,
      "SELECT p.id, p.kind, min(a.is_role), "
      "coalesce(min(CASE WHEN a.address LIKE '%@%' THEN a.address END), min(a.address)), "
      "min(CASE WHEN a.is_role = 0 AND a.org_domain NOT IN ('', '-') THEN a.org_domain END) "
      "FROM person p JOIN address a ON a.tenant_id = p.tenant_id AND a.person_id = p.id "
      "WHERE p.tenant_id = ?1 AND " +
          IsOneOf(db.Dialect(), "p.id", 2) + " GROUP BY p.id, p.kind",
      [&](SqlStatement& s) {
        PersonSummary p;
        p.id = s.ColumnInt(0);
        p.kind = KindOf(s.ColumnText(1));
        p.is_role = s.ColumnInt(2) != 0;
        p.address = s.ColumnText(3);
        if (!s.ColumnIsNull(4)) p.org_domain = s.ColumnText(4);
        out.emplace(p.id, std::move(p));
      },
      tenant, JsonArray(ids));
}

Result<Activity> ReadActivity(SqlConnection& db, int64_t tenant, const ActivityQuery& query) {
  Activity out;
  if (!query.everyone && query.people.empty()) return out;
  const std::string ids = JsonArray(query.people);
  RAPPORT_RETURN_IF_ERROR(
      ReadMail(db, tenant, query,
               query.everyone ? EveryoneMail(db.Dialect()) : FocusMail(db.Dialect()), ids, out));
  if (query.after_message || query.parents) RAPPORT_RETURN_IF_ERROR(ReadParents(db, tenant, out));
  std::sort(out.mail.begin(), out.mail.end(), [](const MailItem& a, const MailItem& b) {
    return a.sent_at != b.sent_at ? a.sent_at < b.sent_at : a.id < b.id;
  });
  LinkReplies(out.mail);
  if (!query.after_message) RAPPORT_RETURN_IF_ERROR(ReadMeetings(db, tenant, query, ids, out));
  std::sort(out.meetings.begin(), out.meetings.end(),
            [](const MeetingItem& a, const MeetingItem& b) {
              return a.start != b.start ? a.start < b.start : a.id < b.id;
            });
  std::vector<int64_t> people;
  for (const auto& m : out.mail) {
    people.push_back(m.sender);
    people.insert(people.end(), m.recipients.begin(), m.recipients.end());
  }
  for (const auto& g : out.meetings) {
    people.insert(people.end(), g.attendees.begin(), g.attendees.end());
    people.insert(people.end(), g.declined.begin(), g.declined.end());
  }
  std::sort(people.begin(), people.end());
  people.erase(std::unique(people.begin(), people.end()), people.end());
  RAPPORT_RETURN_IF_ERROR(BasicPeople(db, tenant, people, out.people));
  return out;
}

Result<std::vector<int64_t>> PeopleAtDomains(SqlConnection& db, int64_t tenant,
                                             const std::vector<std::string>& org_domains) {
  std::vector<int64_t> out;
  Status st = ForEachRow(
      db,
      // CROSS JOIN keeps the domains the outer loop: otherwise SQLite walks every address of the
      // tenant to save sorting a handful of ids. The person's kind is a look-up per address: as a
      // join, SQLite built a Bloom filter over every person of the store on each call (0.9 ms a
      // call on a 1M-message store, against 0.02 ms).
      "SELECT DISTINCT a.person_id FROM " + TextsIn(db.Dialect(), 2) + " d" +
          CrossJoin(db.Dialect()) +
          "address a ON a.tenant_id = ?1 AND a.org_domain = d.value "
          "WHERE a.is_role = 0 AND (SELECT p.kind FROM person p WHERE p.id = a.person_id) = "
          "'external' ORDER BY 1",
      [&](SqlStatement& s) { out.push_back(s.ColumnInt(0)); }, tenant, JsonArray(org_domains));
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<int64_t>> PeopleMatching(SqlConnection& db, int64_t tenant,
                                            std::string_view text, size_t limit) {
  std::string pattern;  // LIKE ignores ASCII case; '\\' escapes the text's own wildcards
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  std::vector<int64_t> out;
  if (pattern.empty()) return out;
  const std::string like = LikeIgnoringCase(db.Dialect());
  Status st = ForEachRow(
      db,
      "SELECT p.id FROM person p WHERE p.tenant_id = ?1 AND p.kind = 'external' AND ("
      " p.display_name" +
          like + "?2 || '%' ESCAPE '\\' OR p.display_name" + like +
          "'% ' || ?2 || '%' ESCAPE '\\' OR EXISTS (SELECT 1 FROM address a WHERE "
          "a.tenant_id = ?1 AND a.person_id = p.id AND a.is_role = 0 AND a.address" +
          like +
          "?2 || '%' ESCAPE '\\')) "
          "AND EXISTS (SELECT 1 FROM address r WHERE r.person_id = p.id AND r.is_role = 0) "
          "ORDER BY p.display_name = '', p.display_name, p.id LIMIT ?3",
      [&](SqlStatement& s) { out.push_back(s.ColumnInt(0)); }, tenant, pattern,
      static_cast<int64_t>(limit));
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<std::pair<int64_t, int64_t>>> AccountMembers(SqlConnection& db, int64_t tenant) {
  std::vector<std::pair<int64_t, int64_t>> out;
  Status st = ForEachRow(
      db,
      "SELECT DISTINCT d.account, a.person_id FROM account_domain d JOIN address a "
      "ON a.tenant_id = d.tenant_id AND a.org_domain = d.domain JOIN person p ON p.id = "
      "a.person_id "
      "WHERE d.tenant_id = ?1 AND a.is_role = 0 AND p.kind = 'external' ORDER BY 1, 2",
      [&](SqlStatement& s) { out.emplace_back(s.ColumnInt(0), s.ColumnInt(1)); }, tenant);
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<int64_t>> WroteToBefore(SqlConnection& db, int64_t tenant, int64_t person,
                                           const std::vector<int64_t>& candidates, int64_t before) {
  std::vector<int64_t> out;
  if (candidates.empty()) return out;
  // The person's sent mail by the participant index (address, time), then its recipients, kept
  // when they are one of the candidates' addresses: a look-up in the small materialized list per
  // recipient, where finding each recipient's person was a B-tree descent into address (this
  // read is a third to a half of `rapport me` at 5M and 10M). Not materialized, SQLite folds the
  // list back into a look-up of every recipient's address row.
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db,
      "WITH candidate(id, person) AS MATERIALIZED (SELECT id, person_id FROM address WHERE "
      "tenant_id = ?1 AND " +
          IsOneOf(db.Dialect(), "person_id", 4) + ") SELECT DISTINCT c.person FROM address me" +
          std::string(CrossJoin(db.Dialect())) + "participant s ON s.address = me.id" +
          std::string(CrossJoin(db.Dialect())) +
          "participant r ON r.message = s.message AND r.role > 0" +
          SameMonth(db.Dialect(), "s", "r") +
          " JOIN candidate c ON c.id = r.address WHERE me.tenant_id = ?1 AND me.person_id = ?2 "
          "AND s.role = 0 AND s.sent_at < ?3 ORDER BY 1",
      [&](SqlStatement& s) { out.push_back(s.ColumnInt(0)); }, tenant, person, before,
      JsonArray(candidates)));
  return out;
}

Result<std::vector<std::string>> AddressesOf(SqlConnection& db, int64_t tenant, int64_t person) {
  std::vector<std::string> out;
  Status st = ForEachRow(
      db, "SELECT address FROM address WHERE tenant_id = ?1 AND person_id = ?2 ORDER BY 1",
      [&](SqlStatement& s) { out.push_back(s.ColumnText(0)); }, tenant, person);
  if (!st.ok()) return st;
  return out;
}

}  // namespace rapport::store
