#include "store/sql/tie_index.h"

#include "store/sql/dialect.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "store/sql/activity.h"
#include "store/sql/array_columns.h"
#include "store/sql/bulk_writes.h"

namespace rapport::store {
namespace {

std::string JsonIds(std::span<const int64_t> ids) {
  return nlohmann::json(std::vector<int64_t>(ids.begin(), ids.end())).dump();
}

// A new version token for the rows about to change (TieIndex::Version): random, so that a token
// seen once never names other rows, in this store or another.
Status NewVersion(SqlConnection& db) {
  std::random_device random;
  const uint64_t token = (static_cast<uint64_t>(random()) << 32) ^ random();
  auto update = db.Prepare("UPDATE tie_watermark SET version = ?1");
  if (!update.ok()) return update.status();
  update->Bind(1, static_cast<int64_t>(token));
  return update->Run();
}

// The people of messages above the watermark, found from the new participant rows by message,
// the participant key. Led by the address, SQLite read every address's whole history: once per
// chunk of a refresh, 2.2 s a chunk on a 10M store (most of the tenth million's 160 s).
std::string PeopleOfNewMail(SqlDialect d) {
  return "SELECT a.person_id FROM participant t" + std::string(CrossJoin(d)) +
         "address a ON a.id = t.address WHERE t.message > (SELECT message FROM tie_watermark)";
}

// Marks the people of new mail as pending (their new mail starts after the watermark; an earlier
// pending mark keeps its start). `WHERE true` keeps SQLite from reading ON CONFLICT as a join's.
std::string MarkNewMail(SqlDialect d) {
  return "INSERT INTO tie_pending (person, since) SELECT DISTINCT person_id, (SELECT message "
         "FROM tie_watermark) FROM (" +
         PeopleOfNewMail(d) + ") n WHERE true ON CONFLICT DO NOTHING;";
}

// Raises the watermark; turns every "whole" mark into marks on each person who shared a message
// or a meeting with the marked person (and the person), then clears it. `whole` is not
// materialized: PostgreSQL plans a materialized CTE as 200 rows, and so probed every month
// partition's address index once per address (0.68 s on Enron against 0.25 s; SQLite's plan is
// the same either way).
constexpr const char* kExpandWholeMarks = R"sql(
UPDATE tie_watermark SET message = (SELECT coalesce(max(id), 0) FROM message);
INSERT INTO tie_stale (person)
WITH whole(address) AS NOT MATERIALIZED (
  SELECT a.id FROM tie_stale s JOIN address a ON a.person_id = s.person WHERE s.whole = 1),
mail(message) AS (
  SELECT DISTINCT message FROM participant WHERE address IN (SELECT address FROM whole)),
meetings(meeting) AS (
  SELECT meeting FROM meeting_attendee WHERE address IN (SELECT address FROM whole)
  UNION SELECT id FROM meeting WHERE organizer_id IN (SELECT address FROM whole)),
shared(address) AS (
  SELECT address FROM participant WHERE message IN (SELECT message FROM mail)
  UNION SELECT address FROM meeting_attendee WHERE meeting IN (SELECT meeting FROM meetings)
  UNION SELECT organizer_id FROM meeting WHERE id IN (SELECT meeting FROM meetings)
    AND organizer_id IS NOT NULL)
SELECT DISTINCT person_id FROM address WHERE id IN (SELECT address FROM shared)
ON CONFLICT DO NOTHING;
UPDATE tie_stale SET whole = 0 WHERE whole = 1;
)sql";

// Stored mail that answers mail above the watermark (a parent that arrived after its reply; a
// reply is matched to a parent sent no later than it) changes what it counts as: its people are
// marked for recomputation, so that every other person with new mail can be extended with it.
// Such a reply was sent no earlier than the new mail's first, so one range of the messages by time
// holds every candidate.
Status MarkLateParents(SqlConnection& db) {
  // Nothing was stored before the watermark's first move: nothing can answer the new mail.
  auto first = db.Prepare(
      "SELECT min(sent_at) FROM message, tie_watermark w WHERE id > w.message AND w.message > 0");
  if (!first.ok()) return first.status();
  Status st;
  if (!first->Step(st) || first->ColumnIsNull(0)) return st;  // no new mail
  const int64_t since = first->ColumnInt(0);
  first->Reset();
  struct Reply {
    int64_t id, sent_at;
    std::string parent;
  };
  std::vector<Reply> replies;  // stored mail sent since the first new mail, with a parent
  RAPPORT_RETURN_IF_ERROR(ForEachRow(
      db,
      "SELECT id, coalesce(in_reply_to, ''), coalesce(references_ids, ''), sent_at FROM message "
      "WHERE tenant_id IN (SELECT id FROM tenant) AND sent_at >= ?1 "
      "AND id <= (SELECT message FROM tie_watermark) "
      "AND (in_reply_to IS NOT NULL OR references_ids IS NOT NULL)",
      [&](SqlStatement& s) {
        std::string parent = s.ColumnText(1);
        if (parent.empty()) parent = LastReference(s.ColumnText(2));
        if (!parent.empty()) replies.push_back({s.ColumnInt(0), s.ColumnInt(3), parent});
      },
      since));
  auto is_new = db.Prepare(std::string("SELECT 1 FROM ") + MessageKeys(db.Dialect()) +
                           " WHERE tenant_id IN (SELECT id FROM tenant) AND message_id = ?1 "
                           "AND id > (SELECT message FROM tie_watermark) AND sent_at <= ?2");
  if (!is_new.ok()) return is_new.status();
  std::vector<int64_t> late;
  for (const Reply& r : replies) {
    is_new->Bind(1, r.parent).Bind(2, r.sent_at);
    if (is_new->Step(st)) late.push_back(r.id);
    RAPPORT_RETURN_IF_ERROR(st);
    is_new->Reset();
  }
  if (late.empty()) return Status::Ok();
  auto mark = db.Prepare(
      "INSERT INTO tie_stale (person) SELECT DISTINCT a.person_id FROM participant t "
      "JOIN address a ON a.id = t.address WHERE " +
      IsOneOf(db.Dialect(), "t.message", 1) + " ON CONFLICT DO NOTHING");
  if (!mark.ok()) return mark.status();
  const std::string ids = JsonIds(late);  // bound without a copy: must outlive Run
  mark->Bind(1, ids);
  return mark->Run();
}

// Everything the marks say, made explicit: late parents, new mail, whole marks.
Status ExpandMarks(SqlConnection& db) {
  RAPPORT_RETURN_IF_ERROR(MarkLateParents(db));
  return db.Exec(MarkNewMail(db.Dialect()) + kExpandWholeMarks);
}

// The marked people who are not outside contacts (colleagues, guests, people since deleted).
std::string MarkedNonContacts(const char* marks) {
  return std::string("SELECT s.person FROM ") + marks +
         " s LEFT JOIN person p ON p.id = s.person WHERE coalesce(p.kind, '') <> 'external'";
}

// Marks on people who are not outside contacts need no mail read: their rows go (a contact who
// became a colleague had some) and so do their marks, in one pass. Chunks then hold only people
// whose mail is read: on Enron's first ingest, 17,000 stale marks were 5,163 contacts.
Status DropMarksOfNonContacts(SqlConnection& db) {
  auto any = db.Prepare("SELECT EXISTS (" + MarkedNonContacts("tie_stale") + ") OR EXISTS (" +
                        MarkedNonContacts("tie_pending") + ")");
  if (!any.ok()) return any.status();
  Status st;
  const bool some = any->Step(st) && any->ColumnInt(0) != 0;
  RAPPORT_RETURN_IF_ERROR(st);
  any->Reset();
  if (!some) return Status::Ok();
  RAPPORT_RETURN_IF_ERROR(NewVersion(db));
  for (const std::string& sql :
       {"DELETE FROM tie WHERE contact IN (" + MarkedNonContacts("tie_stale") + ")",
        "DELETE FROM tie_stale WHERE person IN (" + MarkedNonContacts("tie_stale") + ")",
        "DELETE FROM tie_pending WHERE person IN (" + MarkedNonContacts("tie_pending") + ")"}) {
    RAPPORT_RETURN_IF_ERROR(db.Exec(sql));
  }
  return Status::Ok();
}

// PostgreSQL writes tie rows set-based, an array per column (sql/array_columns.h): a refresh of
// Enron's index is ~45,000 rows, a statement each on SQLite.
constexpr size_t kRowsPerStatement = 20000;

const char* const kUnnestTies =
    "INSERT INTO tie (contact, colleague, at, fact, participants, n) SELECT * FROM "
    "unnest(?1::bigint[], ?2::bigint[], ?3::bigint[], ?4::bigint[], ?5::bigint[], ?6::bigint[])";

// `rows` by `sql` (binding ?1..?n to the columns `fill` fills), kRowsPerStatement at a time.
template <typename Row, typename Fill>
Status RunInArrays(SqlConnection& db, const std::string& sql, const std::vector<Row>& rows,
                   size_t columns, Fill fill) {
  for (size_t from = 0; from < rows.size(); from += kRowsPerStatement) {
    ArrayColumns arrays(columns);
    for (size_t i = from; i < std::min(rows.size(), from + kRowsPerStatement); ++i) {
      fill(arrays, rows[i]);
      arrays.EndRow();
    }
    RAPPORT_RETURN_IF_ERROR(arrays.Run(db, sql));
  }
  return Status::Ok();
}

void FillTie(ArrayColumns& a, const TieRow& r) {
  a.Int(0, r.contact).Int(1, r.colleague).Int(2, r.at).Int(3, static_cast<int64_t>(r.fact));
  a.Int(4, r.participants).Int(5, r.count);
}

// Extend's rows on PostgreSQL: what a statement per row does, for the whole set. Interactions
// with the same key are added up first (ON CONFLICT DO UPDATE may not meet one row twice); of a
// fact (a first time), only the earliest counts.
Status ExtendInArrays(SqlConnection& db, const std::vector<TieRow>& rows) {
  std::map<std::tuple<int64_t, int64_t, int64_t, int, int>, TieRow> interactions;
  std::map<std::tuple<int64_t, int64_t, int>, TieRow> facts;
  for (const TieRow& r : rows) {
    const int fact = static_cast<int>(r.fact);
    if (r.fact <= TieFact::kMeeting) {
      auto [it, added] =
          interactions.try_emplace({r.contact, r.colleague, r.at, fact, r.participants}, r);
      if (!added) it->second.count += r.count;
      continue;
    }
    auto [it, added] = facts.try_emplace({r.contact, r.colleague, fact}, r);
    if (!added && r.at < it->second.at) it->second = r;
  }
  std::vector<TieRow> adds, firsts;
  for (auto& [key, r] : interactions) adds.push_back(r);
  for (auto& [key, r] : facts) firsts.push_back(r);
  RAPPORT_RETURN_IF_ERROR(RunInArrays(
      db,
      std::string(kUnnestTies) +
          " ON CONFLICT (tenant_id, contact, colleague, at, fact, participants) DO UPDATE SET n = "
          "tie.n + "
          "excluded.n",
      adds, 6, FillTie));
  auto fill_fact = [](ArrayColumns& a, const TieRow& r) {
    a.Int(0, r.contact).Int(1, r.colleague).Int(2, r.at).Int(3, static_cast<int64_t>(r.fact));
  };
  RAPPORT_RETURN_IF_ERROR(RunInArrays(
      db,
      "DELETE FROM tie t USING unnest(?1::bigint[], ?2::bigint[], ?3::bigint[], ?4::bigint[]) "
      "AS v(contact, colleague, at, fact) WHERE t.contact = v.contact AND "
      "t.colleague = v.colleague AND t.fact = v.fact AND t.at > v.at",
      firsts, 4, fill_fact));
  return RunInArrays(
      db,
      "INSERT INTO tie (contact, colleague, at, fact, participants, n) "
      "SELECT v.contact, v.colleague, v.at, v.fact, 0, 1 FROM "
      "unnest(?1::bigint[], ?2::bigint[], ?3::bigint[], ?4::bigint[]) "
      "AS v(contact, colleague, at, fact) WHERE NOT EXISTS (SELECT 1 FROM tie t WHERE "
      "t.contact = v.contact AND t.colleague = v.colleague AND t.fact = v.fact)",
      firsts, 4, fill_fact);
}

}  // namespace

Status DropStaleTieRows(SqlConnection& db) {
  RAPPORT_RETURN_IF_ERROR(ExpandMarks(db));
  return db.Exec("DELETE FROM tie WHERE contact IN (SELECT person FROM tie_stale)");
}

// Mail stored since the last refresh: every person in it is marked pending by the next one.
// PostgreSQL finds the largest id in message_key, one index, not in each month's partition of
// message (whose max() it planned and probed month by month: 0.3 ms of every Who Knows Whom
// request at 5M messages).
std::string MailAboveWatermark(SqlDialect d) {
  return std::string("(SELECT coalesce(max(id), 0) FROM ") + MessageKeys(d) +
         ") > (SELECT message FROM tie_watermark)";
}

Result<bool> SqlTieIndex::Fresh(std::span<const int64_t> contacts) {
  bool fresh = false;
  Status st = ForEachRow(
      db_,
      "SELECT NOT (EXISTS (SELECT 1 FROM tie_stale WHERE whole = 1) OR EXISTS (SELECT 1 FROM "
      "tie_stale WHERE " +
          IsOneOf(db_.Dialect(), "person", 1) + ") OR EXISTS (SELECT 1 FROM tie_pending WHERE " +
          IsOneOf(db_.Dialect(), "person", 1) + ") OR " + MailAboveWatermark(db_.Dialect()) + ")",
      [&](SqlStatement& s) { fresh = s.ColumnInt(0) != 0; }, JsonIds(contacts));
  if (!st.ok()) return st;
  return fresh;
}

Result<bool> SqlTieIndex::AllFresh() {
  auto fresh = db_.QueryInt(
      std::string("SELECT NOT (EXISTS (SELECT 1 FROM tie_stale) OR EXISTS (SELECT 1 FROM "
                  "tie_pending) OR ") +
      MailAboveWatermark(db_.Dialect()) + ")");
  if (!fresh.ok()) return fresh.status();
  return *fresh != 0;
}

Result<std::vector<int64_t>> SqlTieIndex::StaleAmong(std::span<const int64_t> contacts) {
  std::vector<int64_t> out;
  Status st = ForEachRow(
      db_,
      "SELECT p.id FROM person p WHERE " + IsOneOf(db_.Dialect(), "p.id", 1) +
          " AND (EXISTS (SELECT 1 FROM tie_stale WHERE whole = 1) OR p.id IN (SELECT person FROM "
          "tie_stale) OR p.id IN (SELECT person FROM tie_pending) OR p.id IN (" +
          PeopleOfNewMail(db_.Dialect()) + ")) ORDER BY p.id",
      [&](SqlStatement& s) { out.push_back(s.ColumnInt(0)); }, JsonIds(contacts));
  if (!st.ok()) return st;
  return out;
}

Result<int64_t> SqlTieIndex::Version() {
  return db_.QueryInt("SELECT version FROM tie_watermark");
}

Result<std::vector<int64_t>> SqlTieIndex::Contacts() {
  std::vector<int64_t> out;
  Status st = ForEachRow(db_, "SELECT DISTINCT contact FROM tie ORDER BY contact",
                         [&](SqlStatement& s) { out.push_back(s.ColumnInt(0)); });
  if (!st.ok()) return st;
  return out;
}

namespace {

TieRow RowOf(SqlStatement& s) {
  return {s.ColumnInt(0),
          s.ColumnInt(1),
          s.ColumnInt(2),
          static_cast<TieFact>(s.ColumnInt(3)),
          static_cast<int>(s.ColumnInt(4)),
          static_cast<int>(s.ColumnInt(5))};
}

// Read's order: by contact, colleague and time.
bool ByContact(const TieRow& a, const TieRow& b) {
  return std::tie(a.contact, a.colleague, a.at) < std::tie(b.contact, b.colleague, b.at);
}

// PostgreSQL's index scan for a list of contacts gives Read's order, but its planner does not
// know it and sorted every busy contact's thousands of rows again (0.5 ms of 1.3 at 5M
// messages); Read checks the order itself and sorts only if needed. SQLite's plan is kept.
std::string ContactOrder(SqlDialect d) {
  return d == SqlDialect::kSqlite ? " ORDER BY contact, colleague, at" : "";
}

}  // namespace

Result<std::vector<TieRow>> SqlTieIndex::Read(std::span<const int64_t> contacts) {
  std::vector<TieRow> out;
  Status st = ForEachRow(
      db_,
      "SELECT contact, colleague, at, fact, participants, n FROM tie "
      "WHERE " +
          IsOneOf(db_.Dialect(), "contact", 1) + ContactOrder(db_.Dialect()),
      [&](SqlStatement& s) { out.push_back(RowOf(s)); }, JsonIds(contacts));
  if (!st.ok()) return st;
  if (!std::is_sorted(out.begin(), out.end(), ByContact)) {
    std::stable_sort(out.begin(), out.end(), ByContact);
  }
  return out;
}

Result<std::vector<TieRow>> SqlTieIndex::ReadColleague(int64_t colleague) {
  // Found through tie_colleague (SQLite's migration 24, PostgreSQL's 7).
  std::vector<TieRow> out;
  Status st = ForEachRow(
      db_,
      "SELECT contact, colleague, at, fact, participants, n FROM tie WHERE colleague = ?1 "
      "UNION ALL SELECT t.contact, t.colleague, t.at, t.fact, t.participants, t.n FROM "
      "(SELECT DISTINCT contact FROM tie WHERE colleague = ?1) c" +
          std::string(CrossJoin(db_.Dialect())) +
          "tie t ON t.contact = c.contact AND t.colleague = 0",
      [&](SqlStatement& s) { out.push_back(RowOf(s)); }, colleague);
  if (!st.ok()) return st;
  return out;
}

Result<std::unordered_map<int64_t, PersonSummary>> SqlTieIndex::Basics(
    std::span<const int64_t> people) {
  auto tenant = tenant_();
  if (!tenant.ok()) return tenant.status();
  std::unordered_map<int64_t, PersonSummary> out;
  RAPPORT_RETURN_IF_ERROR(
      BasicPeople(db_, *tenant, std::vector<int64_t>(people.begin(), people.end()), out));
  return out;
}

Result<std::vector<int64_t>> SqlTieIndex::StaleChunk(size_t chunk) {
  std::vector<int64_t> out;
  Status st = ForEachRow(
      db_, "SELECT person FROM tie_stale ORDER BY person LIMIT ?1",
      [&](SqlStatement& s) { out.push_back(s.ColumnInt(0)); }, static_cast<int64_t>(chunk));
  if (!st.ok()) return st;
  return out;
}

Result<std::vector<int64_t>> SqlTieIndex::PendingChunk(size_t chunk, int64_t& since) {
  std::vector<int64_t> out;
  Status st = ForEachRow(
      db_,
      "SELECT person, since FROM tie_pending WHERE since = (SELECT min(since) FROM tie_pending) "
      "ORDER BY person LIMIT ?1",
      [&](SqlStatement& s) {
        out.push_back(s.ColumnInt(0));
        since = s.ColumnInt(1);
      },
      static_cast<int64_t>(chunk));
  if (!st.ok()) return st;
  return out;
}

Status SqlTieIndex::Extend(const std::vector<int64_t>& pending, const std::vector<TieRow>& rows) {
  RAPPORT_RETURN_IF_ERROR(NewVersion(db_));
  auto done = db_.Prepare("DELETE FROM tie_pending WHERE " + IsOneOf(db_.Dialect(), "person", 1));
  if (!done.ok()) return done.status();
  const std::string ids = JsonIds(pending);  // bound without a copy: must outlive Run
  done->Bind(1, ids);
  RAPPORT_RETURN_IF_ERROR(done->Run());
  if (db_.Dialect() == SqlDialect::kPostgres) return ExtendInArrays(db_, rows);
  auto add = db_.Prepare(
      "INSERT INTO tie (contact, colleague, at, fact, participants, n) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
      "ON CONFLICT (contact, colleague, at, fact, participants) DO UPDATE SET n = tie.n + "
      "excluded.n");
  if (!add.ok()) return add.status();
  // A fact (a first time) is replaced only by an earlier one.
  auto drop_later = db_.Prepare(
      "DELETE FROM tie WHERE contact = ?1 AND colleague = ?2 AND fact = ?4 AND at > ?3");
  if (!drop_later.ok()) return drop_later.status();
  auto add_first = db_.Prepare(
      "INSERT INTO tie (contact, colleague, at, fact, participants, n) SELECT ?1, ?2, ?3, ?4, 0, 1 "
      "WHERE NOT EXISTS (SELECT 1 FROM tie WHERE contact = ?1 AND colleague = ?2 AND fact = ?4)");
  if (!add_first.ok()) return add_first.status();
  for (const TieRow& r : rows) {
    const auto fact = static_cast<int64_t>(r.fact);
    if (r.fact <= TieFact::kMeeting) {
      add->Bind(1, r.contact).Bind(2, r.colleague).Bind(3, r.at).Bind(4, fact);
      add->Bind(5, static_cast<int64_t>(r.participants)).Bind(6, static_cast<int64_t>(r.count));
      RAPPORT_RETURN_IF_ERROR(add->Run());
      continue;
    }
    for (SqlStatement* s : {&*drop_later, &*add_first}) {
      s->Bind(1, r.contact).Bind(2, r.colleague).Bind(3, r.at).Bind(4, fact);
      RAPPORT_RETURN_IF_ERROR(s->Run());
    }
  }
  return Status::Ok();
}

Status SqlTieIndex::Replace(const std::vector<int64_t>& contacts, const std::vector<TieRow>& rows) {
  RAPPORT_RETURN_IF_ERROR(NewVersion(db_));
  const std::string ids = JsonIds(contacts);
  const SqlDialect d = db_.Dialect();
  for (const std::string& sql : {"DELETE FROM tie WHERE " + IsOneOf(d, "contact", 1),
                                 "DELETE FROM tie_stale WHERE " + IsOneOf(d, "person", 1),
                                 "DELETE FROM tie_pending WHERE " + IsOneOf(d, "person", 1)}) {
    auto del = db_.Prepare(sql);
    if (!del.ok()) return del.status();
    del->Bind(1, ids);
    RAPPORT_RETURN_IF_ERROR(del->Run());
  }
  if (db_.Dialect() == SqlDialect::kPostgres) {
    return RunInArrays(db_, kUnnestTies, rows, 6, FillTie);
  }
  auto insert = db_.Prepare(
      "INSERT INTO tie (contact, colleague, at, fact, participants, n) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert.ok()) return insert.status();
  for (const TieRow& r : rows) {
    insert->Bind(1, r.contact)
        .Bind(2, r.colleague)
        .Bind(3, r.at)
        .Bind(4, static_cast<int64_t>(r.fact))
        .Bind(5, static_cast<int64_t>(r.participants))
        .Bind(6, static_cast<int64_t>(r.count));
    RAPPORT_RETURN_IF_ERROR(insert->Run());
  }
  return Status::Ok();
}

Status SqlTieIndex::FoldNewMail(NewMail& mail) {
  return ForEachRow(
      db_,
      std::string("SELECT min(sent_at), max(id) FROM ") + MessageKeys(db_.Dialect()) +
          " WHERE id > ?1",
      [&](SqlStatement& s) {
        if (s.ColumnIsNull(1)) return;
        mail.first_sent = std::min(mail.first_sent, s.ColumnInt(0));
        mail.upto = s.ColumnInt(1);
      },
      mail.upto);
}

Result<TieIndex::Refreshed> SqlTieIndex::Refresh(const ComputeRows& compute,
                                                 const ExtendRows& extend, size_t chunk) {
  Refreshed refreshed;
  // When the mail above each pending start was first sent: where each chunk's read would walk
  // its contacts' whole history (a 512-contact chunk on the 10M store: 117 ms, against 63 ms
  // from the new mail's first time), one scan of the new mail by id. Kept across chunks, and
  // folded with only what was stored since, should another process store mail between them.
  std::map<int64_t, NewMail> new_mail;
  chunk = chunk == 0 ? 1 : chunk;
  // Each chunk re-expands the marks and re-reads its people's activity: a function call each on
  // SQLite, but some 15 ms of round trips and planning on PostgreSQL, where Enron's refresh was
  // 87 chunks. Larger chunks there (BENCHMARKS.md, issue 21).
  if (db_.Dialect() == SqlDialect::kPostgres) chunk *= 8;
  // Every chunk commits: at the store's default autocheckpoint each commit copied the log back
  // into the file at random places (a sixth of a refresh on the 10M store).
  RAPPORT_RETURN_IF_ERROR(BeginBulkWrites(db_));
  struct EndsBulkWrites {
    SqlConnection& db;
    ~EndsBulkWrites() { EndBulkWrites(db); }
  } end_bulk_writes{db_};
  for (;;) {
    // One write transaction per chunk: a writer racing the refresh waits, so a mark it makes
    // after `compute` or `extend` read the store cannot be cleared unseen.
    bool done = false;
    Status st = InTransaction(db_, [&]() -> Status {
      RAPPORT_RETURN_IF_ERROR(ExpandMarks(db_));
      RAPPORT_RETURN_IF_ERROR(DropMarksOfNonContacts(db_));
      auto stale = StaleChunk(chunk);  // contacts only: DropMarksOfNonContacts ran first
      if (!stale.ok()) return stale.status();
      if (!stale->empty()) {
        auto rows = compute(*stale);
        if (!rows.ok()) return rows.status();
        refreshed.recomputed += static_cast<int64_t>(stale->size());
        return Replace(*stale, *rows);
      }
      int64_t since = 0;
      auto pending = PendingChunk(chunk, since);
      if (!pending.ok()) return pending.status();
      if (pending->empty()) {
        done = true;
        return Status::Ok();
      }
      NewMail& mail = new_mail.try_emplace(since, NewMail{since}).first->second;
      RAPPORT_RETURN_IF_ERROR(FoldNewMail(mail));
      auto rows = extend(*pending, since, mail.ReadFrom());
      if (!rows.ok()) return rows.status();
      refreshed.extended += static_cast<int64_t>(pending->size());
      return Extend(*pending, *rows);
    });
    RAPPORT_RETURN_IF_ERROR(st);
    if (done) return refreshed;
  }
}

}  // namespace rapport::store
