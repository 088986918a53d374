// Monthly partitions in PostgreSQL (issue 21, postgres/partitions.h): each tenant's month of mail
// is a partition of message and of participant; retention drops the months it expires whole and
// answers as SQLite's row-by-row purge does; a store made before partitions moves every
// tenant's rows into them.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <ctime>
#include <string>

#include "postgres_server.h"
#include "store/postgres/connection.h"
#include "store/postgres/schema.h"
#include "test_support.h"

namespace rapport::store {
namespace {

using testing::PostgresServer;
using testing::RunRapport;
using testing::TempDir;

const std::string kAdmin = "admin@northwind.example";

// The first value `sql` gives as the superuser (whom row-level security does not restrict), or
// "error: " and the server's message.
std::string Ask(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(PostgresServer::AsSuperuser(url).c_str());
  PGresult* r = PQexec(c, sql.c_str());
  std::string out = PQresultStatus(r) == PGRES_TUPLES_OK
                        ? (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? PQgetvalue(r, 0, 0) : "")
                        : std::string("error: ") + PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  return out;
}

// The store's leaf partitions of `table`, by name, comma-separated.
std::string Partitions(const std::string& url, const std::string& table) {
  return Ask(url,
             "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class "
             "WHERE relispartition AND relkind = 'r' AND relname LIKE '" +
                 table + "\\_%'");
}

std::string Format(std::time_t t, const char* format) {
  char out[64];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(out, sizeof out, format, &tm);
  return out;
}

// A mail from alice to carol, sent at `t`, in the Maildir at `dir`.
void WriteMail(const std::string& dir, int n, std::time_t t) {
  testing::WriteFile(dir + "/cur/" + std::to_string(n),
                     "Message-ID: <" + std::to_string(n) + "@northwind.example>\r\nDate: " +
                         Format(t, "%a, %d %b %Y %H:%M:%S +0000") +
                         "\r\nFrom: alice@northwind.example\r\nTo: carol@fabrikam.example, "
                         "bob@northwind.example\r\n\r\nbody\r\n");
}

TEST(MonthPartitions, RetentionDropsTheMonthsItExpiresAndAnswersAsSqlite) {
  RAPPORT_REQUIRE_POSTGRES();
  TempDir dir;
  const std::time_t now = std::time(nullptr);
  const std::time_t cutoff = now - 200 * 86400;  // retention_days 200
  // A month wholly expired, the cut-off's own month (one mail before the cut-off), a kept month.
  const std::time_t sent[] = {cutoff - 300 * 86400, cutoff - 60, now - 86400};
  for (int i = 0; i < 3; ++i) WriteMail(dir / "mail", i + 1, sent[i]);
  const std::string url = testing::SharedPostgres().NewDatabase();
  const std::string postgres = "--db " + url + " --keys " + (dir / "pg.keys");
  const std::string sqlite = "--db " + (dir / "s.db");
  for (const std::string& store : {postgres, sqlite}) {
    for (const std::string& c :
         {"init --tenant N --domain northwind.example --admin " + kAdmin,
          "consent grant identifiable --by " + kAdmin, "ingest " + (dir / "mail"),
          "settings set retention_days 200 --by " + kAdmin}) {
      auto r = RunRapport(store + " " + c);
      ASSERT_EQ(r.exit_code, 0) << store << " " << c << ": " << r.err;
    }
  }
  std::string months[3];
  for (int i = 0; i < 3; ++i) months[i] = "message_1_" + Format(sent[i], "%Y%m");
  EXPECT_EQ(Partitions(url, "message"), months[0] + "," + months[1] + "," + months[2]);
  EXPECT_EQ(Ask(url, "SELECT count(*) FROM participant_1_" + Format(sent[0], "%Y%m")), "3");

  auto from_postgres = RunRapport(postgres + " purge --expired");
  auto from_sqlite = RunRapport(sqlite + " purge --expired");
  ASSERT_EQ(from_postgres.exit_code, 0) << from_postgres.err;
  ASSERT_EQ(from_sqlite.exit_code, 0) << from_sqlite.err;
  EXPECT_NE(from_postgres.out.find(": 2 messages, 0 meetings"), std::string::npos)
      << from_postgres.out;
  EXPECT_EQ(from_postgres.out.substr(from_postgres.out.find("): ")),
            from_sqlite.out.substr(from_sqlite.out.find("): ")));
  // The expired month is gone as a table; the cut-off's month lost its row, and stays.
  EXPECT_EQ(Partitions(url, "message"), months[1] + "," + months[2]);
  EXPECT_EQ(Partitions(url, "participant"), "participant_1_" + Format(sent[1], "%Y%m") +
                                                ",participant_1_" + Format(sent[2], "%Y%m"));
  EXPECT_EQ(Ask(url, "SELECT count(*) FROM " + months[1]), "0");
  EXPECT_EQ(Ask(url, "SELECT string_agg(message_id, ',') FROM message_key"), "3@northwind.example");
  for (const std::string& q : {"stats --json", "audit verify"}) {
    auto a = RunRapport(postgres + " " + q);
    auto b = RunRapport(sqlite + " " + q);
    EXPECT_EQ(a.exit_code, 0) << q << ": " << a.err;
    EXPECT_EQ(a.out, b.out) << q;
  }
  // Mail of a month between arrives later: its month is made then.
  const std::time_t between = now - 100 * 86400;
  WriteMail(dir / "late", 4, between);
  auto again = RunRapport(postgres + " ingest " + (dir / "late"));
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Partitions(url, "message"),
            months[1] + ",message_1_" + Format(between, "%Y%m") + "," + months[2]);
}

// What rapport with schema 4 stored for two tenants: each tenant's messages and participants.
constexpr const char* kVersion4Rows = R"sql(
INSERT INTO tenant (id, name, created_at) VALUES (1, 'North', 0), (2, 'South', 0);
SELECT set_config('rapport.tenant_id', '1', false);
INSERT INTO message (id, tenant_id, message_id, fingerprint, sent_at, utc_offset_min, sender_id,
                     source, source_offset, ingested_at)
  VALUES (1, 1, '<1@x>', '\x01', 1768435200, 0, 1, 1, 0, 0),   -- 2026-01-15
         (2, 1, '<2@x>', '\x02', 1773532800, 0, 1, 1, 1, 0);   -- 2026-03-15
INSERT INTO participant (message, role, address) VALUES (1, 0, 1), (1, 1, 2), (2, 0, 1);
SELECT set_config('rapport.tenant_id', '2', false);
INSERT INTO message (id, tenant_id, message_id, fingerprint, sent_at, utc_offset_min, sender_id,
                     source, source_offset, ingested_at)
  VALUES (3, 2, '<1@x>', '\x01', 1771113600, 0, 7, 2, 0, 0);   -- 2026-02-15
INSERT INTO participant (message, role, address) VALUES (3, 0, 7), (3, 1, 8);
SELECT set_config('rapport.tenant_id', '', false);
)sql";

TEST(MonthPartitions, AStoreMadeBeforePartitionsMovesEveryTenantsRowsIntoMonths) {
  RAPPORT_REQUIRE_POSTGRES();
  const std::string url = testing::SharedPostgres().NewDatabase();
  auto db = PostgresConnection::Connect(url);
  ASSERT_TRUE(db.ok()) << db.status().message();
  ASSERT_TRUE(MigratePostgresSchema(**db, 4).ok());
  Status filled = (*db)->Exec(kVersion4Rows);
  ASSERT_TRUE(filled.ok()) << filled.message();

  Status migrated = MigratePostgresSchema(**db);
  ASSERT_TRUE(migrated.ok()) << migrated.message();
  EXPECT_EQ(Ask(url, "SELECT version FROM schema_version"),
            std::to_string(LatestPostgresSchemaVersion()));
  EXPECT_EQ(Partitions(url, "message"), "message_1_202601,message_1_202603,message_2_202602");
  EXPECT_EQ(Partitions(url, "participant"),
            "participant_1_202601,participant_1_202603,participant_2_202602");
  EXPECT_EQ(Ask(url,
                "SELECT string_agg(tenant_id || ':' || message || ':' || role || ':' || "
                "address || '@' || sent_at, ' ' ORDER BY tenant_id, message, role) "
                "FROM participant"),
            "1:1:0:1@1768435200 1:1:1:2@1768435200 1:2:0:1@1773532800 "
            "2:3:0:7@1771113600 2:3:1:8@1771113600");
  EXPECT_EQ(Ask(url,
                "SELECT string_agg(tenant_id || ':' || id || ':' || message_id, ' ' "
                "ORDER BY id) FROM message_key"),
            "1:1:<1@x> 1:2:<2@x> 2:3:<1@x>");
  // New messages are numbered after the moved ones.
  EXPECT_EQ(Ask(url, "SELECT nextval(pg_get_serial_sequence('message', 'id'))"), "4");

  // The tenant policy holds on the new tables and on each partition named directly.
  const std::string as_south = "SELECT set_config('rapport.tenant_id', '2', false);";
  EXPECT_TRUE((*db)->Exec(as_south).ok());
  for (const auto& [table, seen] :
       {std::pair{"message", 1}, std::pair{"participant", 2}, std::pair{"message_key", 1},
        std::pair{"message_1_202601", 0}, std::pair{"participant_1_202601", 0}}) {
    auto n = (*db)->QueryInt(std::string("SELECT count(*) FROM ") + table);
    ASSERT_TRUE(n.ok()) << table << ": " << n.status().message();
    EXPECT_EQ(*n, seen) << table;
  }
}

}  // namespace
}  // namespace rapport::store
