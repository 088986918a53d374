// Many tenants in one PostgreSQL database (issue 21, postgres/tenant_rows.h): each tenant, named
// in its URL, answers exactly as a store holding it alone would; every table shows a session
// only its tenant's rows; and what would mix tenants is refused with a message saying what to do.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <string>
#include <vector>

#include "postgres_server.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport {
namespace {

using testing::PostgresServer;
using testing::RunRapport;
using testing::TempDir;

const std::string kAdmin = "admin@rapport-tests.example";

// The first value `sql` gives, or "error: " and the server's message.
std::string Ask(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  PGresult* r = PQexec(c, sql.c_str());
  const auto status = PQresultStatus(r);
  std::string out;
  if (status == PGRES_TUPLES_OK) {
    out = PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
  } else if (status != PGRES_COMMAND_OK) {
    out = std::string("error: ") + PQerrorMessage(c);
  }
  PQclear(r);
  PQfinish(c);
  return out;
}

// `base`, naming tenant `name` (URL-encoded "-c rapport.tenant=name").
std::string Naming(const std::string& base, const std::string& name) {
  return base + "?options=-c%20rapport.tenant%3D" + name;
}

// Makes tenant `tenant` at `flags` and fills it from the sample organisation at `org`.
void Fill(const std::string& flags, const std::string& tenant, const std::string& org) {
  std::vector<std::string> commands = {
      "init --tenant " + tenant + " --domain northwind.example --admin " + kAdmin,
      "consent grant personal --by " + kAdmin,
      "consent grant aggregated --by " + kAdmin,
      "consent grant identifiable --by " + kAdmin,
      "directory import " + org + "/directory/users.json",
      "accounts import " + org + "/directory/accounts.csv",
      "ingest " + org};
  for (const auto& c : commands) {
    auto r = RunRapport(flags + " " + c);
    ASSERT_EQ(r.exit_code, 0) << flags << " " << c << ": " << r.err;
  }
}

// The first user of the sample organisation at `org`.
std::string FirstUser(const std::string& org) {
  const std::string users = testing::ReadFile(org + "/directory/users.json");
  const std::string key = "\"mail\":\"";
  const size_t at = users.find(key) + key.size();
  return users.substr(at, users.find('"', at) - at);
}

// Each question answered alike by the store alone and by its tenant in the shared database;
// `user` is one of its users.
void ExpectAlike(const std::string& alone, const std::string& shared, const std::string& user) {
  const std::string as = " --as " + kAdmin;
  for (const std::string& q : std::vector<std::string>{
           "stats --json", "who-knows Coho --json" + as, "relationship Coho --json" + as,
           "me --json --as " + user, "accounts list", "audit verify", "consent verify"}) {
    auto a = RunRapport(alone + " " + q);
    auto b = RunRapport(shared + " " + q);
    EXPECT_EQ(a.exit_code, 0) << q << ": " << a.err;
    EXPECT_EQ(b.exit_code, 0) << q << ": " << b.err;
    EXPECT_EQ(a.out, b.out) << q;
    EXPECT_FALSE(a.out.empty()) << q;
  }
}

class PostgresTenants : public ::testing::Test {
 protected:
  void SetUp() override {
    RAPPORT_REQUIRE_POSTGRES();
    base_ = testing::SharedPostgres().NewDatabase();
    north_ = "--db " + Naming(base_, "Northwind") + " --keys " + (dir_ / "north.keys");
    south_ = "--db " + Naming(base_, "Southwind") + " --keys " + (dir_ / "south.keys");
  }
  // Two sample organisations of the same domain (so their people share addresses), each a
  // tenant of the one database and a SQLite store of its own.
  void FillBoth() {
    for (const auto& [org, seed] : {std::pair{dir_ / "org1", 7}, std::pair{dir_ / "org2", 8}}) {
      ASSERT_EQ(RunRapport("sample --out " + org + " --messages 1500 --users 30 --seed " +
                           std::to_string(seed))
                    .exit_code,
                0);
    }
    Fill("--db " + (dir_ / "north.db"), "Northwind", dir_ / "org1");
    Fill(north_, "Northwind", dir_ / "org1");
    Fill("--db " + (dir_ / "south.db"), "Southwind", dir_ / "org2");
    Fill(south_, "Southwind", dir_ / "org2");
  }
  TempDir dir_;
  std::string base_, north_, south_;
};

TEST_F(PostgresTenants, EachTenantAnswersAsIfItHadTheDatabaseAlone) {
  FillBoth();
  if (HasFatalFailure()) return;
  ExpectAlike("--db " + (dir_ / "north.db"), north_, FirstUser(dir_ / "org1"));
  ExpectAlike("--db " + (dir_ / "south.db"), south_, FirstUser(dir_ / "org2"));
  // The two really differ, so the comparison above could tell them apart.
  EXPECT_NE(RunRapport(north_ + " stats --json").out, RunRapport(south_ + " stats --json").out);
}

TEST_F(PostgresTenants, EveryTableShowsASessionOnlyItsTenantsRows) {
  FillBoth();
  if (HasFatalFailure()) return;
  const std::string admin = PostgresServer::AsSuperuser(base_);
  const std::string north_id = Ask(admin, "SELECT id FROM tenant WHERE name = 'Northwind'");
  ASSERT_FALSE(north_id.empty());
  // Every table but schema_version, as the superuser (whom the policies do not restrict) sees it:
  // the monthly partitions too, since a partition named directly skips its parent's policy.
  std::vector<std::string> tables;
  size_t partitions = 0;
  PGconn* c = PQconnectdb(admin.c_str());
  PGresult* r =
      PQexec(c,
             "SELECT c.relname, c.relrowsecurity AND c.relforcerowsecurity, c.relispartition "
             "FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace "
             "AND c.relkind IN ('r', 'p') "
             "AND c.relname <> 'schema_version' ORDER BY 1");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK);
  for (int i = 0; i < PQntuples(r); ++i) {
    tables.push_back(PQgetvalue(r, i, 0));
    EXPECT_STREQ(PQgetvalue(r, i, 1), "t") << tables.back() << " is not under row-level security";
    partitions += PQgetvalue(r, i, 2) == std::string("t");
  }
  PQclear(r);
  PQfinish(c);
  EXPECT_EQ(tables.size() - partitions, 37u);
  // Each tenant's months of message and participant: the samples span a year and more.
  EXPECT_GE(partitions, 2u * 2u * 12u);
  for (const auto& t : tables) {
    const std::string key = t == "tenant" ? "id" : "tenant_id";
    const std::string own =
        Ask(admin, "SELECT count(*) FROM " + t + " WHERE " + key + " = " + north_id);
    // A session that chose Northwind counts Northwind's rows, and only those.
    const std::string seen = Ask(base_, "SELECT set_config('rapport.tenant_id', '" + north_id +
                                            "', false); SELECT count(*) FROM " + t);
    EXPECT_EQ(seen, own) << t << " (all tenants: " << Ask(admin, "SELECT count(*) FROM " + t)
                         << ")";
  }
  EXPECT_NE(Ask(admin, "SELECT count(*) FROM message WHERE tenant_id = " + north_id),
            Ask(admin, "SELECT count(*) FROM message"));
  EXPECT_NE(Ask(admin, "SELECT count(*) FROM message WHERE tenant_id = " + north_id), "0");

  // A session that chose no tenant sees no rows and writes none.
  EXPECT_EQ(Ask(base_, "SELECT count(*) FROM message"), "0");
  EXPECT_EQ(Ask(base_, "SELECT count(*) FROM tenant"), "2");  // the tenants it may choose
  const std::string written =
      Ask(base_,
          "INSERT INTO person (id, tenant_id, kind) VALUES (999999, " + north_id + ", 'internal')");
  EXPECT_NE(written.find("row-level security"), std::string::npos) << written;
  // Nor can a session of one tenant write a row of another.
  const std::string crossed =
      Ask(Naming(base_, "Southwind"),
          "SELECT set_config('rapport.tenant_id', (SELECT id FROM tenant)::text, false); "
          "INSERT INTO person (id, tenant_id, kind) VALUES (999999, " +
              north_id + ", 'internal')");
  EXPECT_NE(crossed.find("row-level security"), std::string::npos) << crossed;
}

TEST_F(PostgresTenants, WhatWouldMixTenantsIsRefusedWithWhatToDo) {
  auto r =
      RunRapport(north_ + " init --tenant Northwind --domain northwind.example --admin " + kAdmin);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // The URL names one tenant, init another.
  r = RunRapport(south_ + " init --tenant Elsewhere --domain northwind.example --admin " + kAdmin);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("names tenant \"Southwind\""), std::string::npos) << r.err;
  // Without a name, a second tenant is refused, as a SQLite store refuses one.
  const std::string unnamed = "--db " + base_ + " --keys " + (dir_ / "other.keys");
  r = RunRapport(unnamed + " init --tenant Other --domain northwind.example --admin " + kAdmin);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("already has a tenant"), std::string::npos) << r.err;
  // With the one tenant, the URL need not name it.
  r = RunRapport("--db " + base_ + " --keys " + (dir_ / "north.keys") + " stats");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunRapport(south_ + " init --tenant Southwind --domain northwind.example --admin " + kAdmin);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // With two, it must.
  r = RunRapport("--db " + base_ + " --keys " + (dir_ / "north.keys") + " stats");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("holds several tenants; name one in the URL"), std::string::npos) << r.err;
  // A superuser would see every tenant's rows.
  r = RunRapport("--db " + Naming(PostgresServer::AsSuperuser(base_), "Northwind") + " --keys " +
                 (dir_ / "north.keys") + " stats");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("bypasses row-level security"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace rapport
