#include "store/sql/purge.h"

#include <string>

#include "store/sql/tie_index.h"

namespace rapport::store {
namespace {

// Addresses the directory holds (its users' and groups' own) stay: the directory is the
// organisation's, not collected mail.
constexpr const char* kKeptByDirectory =
    "id IN (SELECT address FROM directory_address UNION SELECT address FROM directory_user "
    "UNION SELECT address FROM directory_group WHERE address IS NOT NULL)";

Status Run(SqlConnection& db, const std::string& sql) {
  return db.Exec(sql);
}

// Fills the temporary tables purge_address with every address of the people to purge, and
// purge_message and purge_meeting with what they sent or organised (or with everything).
Status Select(SqlConnection& db, int64_t tenant, const PurgePlan& plan) {
  const std::string t = std::to_string(tenant);
  // SQLite's INTEGER PRIMARY KEY is the row's own key; PostgreSQL's INTEGER is 32 bits.
  const std::string id = db.Dialect() == SqlDialect::kSqlite ? "INTEGER" : "BIGINT";
  for (const char* table : {"purge_address", "purge_message", "purge_meeting"}) {
    RAPPORT_RETURN_IF_ERROR(
        Run(db, "CREATE TEMP TABLE " + std::string(table) + " (id " + id + " PRIMARY KEY)"));
  }
  if (plan.older_than) {
    const std::string cutoff = std::to_string(*plan.older_than);
    return Run(db, "INSERT INTO purge_message SELECT id FROM message WHERE tenant_id = " + t +
                       " AND sent_at < " + cutoff +
                       ";INSERT INTO purge_meeting SELECT id FROM meeting WHERE tenant_id = " + t +
                       " AND end_at < " + cutoff);
  }
  if (plan.everything) {
    return Run(db, "INSERT INTO purge_address SELECT id FROM address WHERE tenant_id = " + t +
                       ";INSERT INTO purge_message SELECT id FROM message WHERE tenant_id = " + t +
                       ";INSERT INTO purge_meeting SELECT id FROM meeting WHERE tenant_id = " + t);
  }
  auto add = db.Prepare(
      "INSERT INTO purge_address SELECT b.id FROM address a JOIN address b "
      "ON b.person_id = a.person_id WHERE a.tenant_id = ?1 AND a.address = ?2 "
      "ON CONFLICT DO NOTHING");
  if (!add.ok()) return add.status();
  for (const auto& key : plan.addresses) {
    add->Bind(1, tenant).Bind(2, key);
    RAPPORT_RETURN_IF_ERROR(add->Run());
  }
  return Run(db,
             "INSERT INTO purge_message SELECT id FROM message WHERE sender_id IN (SELECT id FROM "
             "purge_address);"
             "INSERT INTO purge_meeting SELECT id FROM meeting WHERE organizer_id IN "
             "(SELECT id FROM purge_address)");
}

}  // namespace

Result<PurgeCounts> PurgeCollected(SqlConnection& db, int64_t tenant, const PurgePlan& plan) {
  PurgeCounts counts;
  if (plan.empty()) return counts;
  const std::string t = std::to_string(tenant);
  RAPPORT_RETURN_IF_ERROR(Select(db, tenant, plan));
  auto count = [&](const char* sql) { return db.QueryInt(sql); };
  auto messages = count("SELECT count(*) FROM purge_message");
  auto meetings = count("SELECT count(*) FROM purge_meeting");
  if (!messages.ok()) return messages.status();
  if (!meetings.ok()) return meetings.status();
  counts.messages = static_cast<uint64_t>(*messages);
  counts.meetings = static_cast<uint64_t>(*meetings);
  if (plan.older_than && db.Dialect() == SqlDialect::kPostgres) {
    // Whole months go as partitions (postgres/partitions.h); the month the cut-off falls in goes
    // row by row below, with the rows that hang off every expired message.
    RAPPORT_RETURN_IF_ERROR(
        Run(db, "SELECT rapport_drop_months(" + t + ", " + std::to_string(*plan.older_than) + ")"));
  }
  // Children first: foreign keys are declared but not enforced (see sql/store.cc).
  RAPPORT_RETURN_IF_ERROR(
      Run(db,
          "DELETE FROM participant WHERE message IN (SELECT id FROM purge_message) OR address IN "
          "(SELECT id FROM purge_address);"
          "DELETE FROM message_alias WHERE message IN (SELECT id FROM purge_message);"
          "DELETE FROM message_copy WHERE message IN (SELECT id FROM purge_message);"
          "DELETE FROM mailbox_item WHERE message IN (SELECT id FROM purge_message);"
          "DELETE FROM graph_item WHERE (kind = 'message' AND item IN (SELECT id FROM "
          "purge_message)) OR "
          "  (kind = 'meeting' AND item IN (SELECT id FROM purge_meeting));"
          "DELETE FROM message WHERE id IN (SELECT id FROM purge_message);"
          "DELETE FROM meeting_attendee WHERE meeting IN (SELECT id FROM purge_meeting) OR address "
          "IN (SELECT id FROM purge_address);"
          "DELETE FROM meeting_copy WHERE meeting IN (SELECT id FROM purge_meeting);"
          "DELETE FROM calendar_item WHERE meeting IN (SELECT id FROM purge_meeting);"
          "DELETE FROM meeting WHERE id IN (SELECT id FROM purge_meeting);"
          "DELETE FROM address_name WHERE address IN (SELECT id FROM purge_address);"
          "DELETE FROM address_link WHERE low IN (SELECT id FROM purge_address) OR high IN (SELECT "
          "id FROM purge_address);"));
  if (plan.older_than) {
    // Addresses only expired mail mentioned go too: an address is personal data.
    RAPPORT_RETURN_IF_ERROR(
        Run(db, "INSERT INTO purge_address SELECT id FROM address a WHERE tenant_id = " + t +
                    " AND NOT EXISTS (SELECT 1 FROM participant p WHERE p.address = a.id)"
                    " AND NOT EXISTS (SELECT 1 FROM message m WHERE m.sender_id = a.id)"
                    " AND NOT EXISTS (SELECT 1 FROM meeting_attendee x WHERE x.address = a.id)"
                    " AND NOT EXISTS (SELECT 1 FROM meeting m WHERE m.organizer_id = a.id);"
                    "DELETE FROM address_name WHERE address IN (SELECT id FROM purge_address);"
                    "DELETE FROM address_link WHERE low IN (SELECT id FROM purge_address) OR high "
                    "IN (SELECT id FROM purge_address);"));
  }
  auto before = db.QueryInt("SELECT count(*) FROM address WHERE tenant_id = " + t);
  if (!before.ok()) return before.status();
  RAPPORT_RETURN_IF_ERROR(Run(
      db, std::string("DELETE FROM address WHERE id IN (SELECT id FROM purge_address) AND NOT ") +
              kKeptByDirectory + ";DELETE FROM person WHERE tenant_id = " + t +
              " AND id NOT IN (SELECT person_id FROM address WHERE tenant_id = " + t + ")"));
  RAPPORT_RETURN_IF_ERROR(DropStaleTieRows(db));
  auto after = db.QueryInt("SELECT count(*) FROM address WHERE tenant_id = " + t);
  if (!after.ok()) return after.status();
  counts.addresses = static_cast<uint64_t>(*before - *after);
  if (plan.everything) {
    // Files and mailbox folders read are provenance of what is gone: a later ingest or sync
    // reads them again (sources stay connected). Accounts made from domains seen in mail go;
    // imported ones stay.
    RAPPORT_RETURN_IF_ERROR(
        Run(db,
            "DELETE FROM sync_cursor WHERE source IN "
            "(SELECT id FROM sync_source WHERE tenant_id = " +
                t +
                ");"
                "DELETE FROM source_file WHERE tenant_id = " +
                t + ";DELETE FROM account_domain WHERE tenant_id = " + t +
                " AND account IN (SELECT id FROM account WHERE origin = 'domain');"
                "DELETE FROM account WHERE origin = 'domain' AND tenant_id = " +
                t));
  }
  RAPPORT_RETURN_IF_ERROR(Run(db,
                              "DROP TABLE purge_address; DROP TABLE purge_message; "
                              "DROP TABLE purge_meeting"));
  return counts;
}

}  // namespace rapport::store
