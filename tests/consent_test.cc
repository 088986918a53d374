// The consent ledger and what it lets ingest collect (SPEC §1-§2, issue 5).
#include <gtest/gtest.h>

#include <ctime>

#include <nlohmann/json.hpp>

#include "consent/hash_chain.h"
#include "rapport/consent/consent_ledger.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport {
namespace {

using nlohmann::json;
using testing::RunRapport;
using testing::TempDir;
using testing::WriteFile;

constexpr const char* kAdmin = "ada@northwind.example";

// Runs one SQL statement on a store, as someone with the file (or the database) could.
void Tamper(const std::string& db, const std::string& sql) {
  if (testing::StoreInPostgres()) {
    PGconn* c = PQconnectdb(testing::PostgresServer::AsSuperuser(testing::DatabaseFor(db)).c_str());
    PGresult* r = PQexec(c, sql.c_str());
    EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQerrorMessage(c);
    PQclear(r);
    PQfinish(c);
    return;
  }
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
  sqlite3_free(error);
  sqlite3_close(h);
}

// Whether `text` is anywhere in the store: in any byte of a SQLite store's files, the WAL
// included (secure_delete overwrites what is deleted), or in any row of a PostgreSQL store's
// tables (its deleted rows' bytes stay until VACUUM reuses them: docs/deploy.md).
bool StoreHolds(const std::string& db, const std::string& text) {
  if (!testing::StoreInPostgres()) {
    return (testing::ReadFile(db) + testing::ReadFile(db + "-wal")).find(text) != std::string::npos;
  }
  testing::StoreRows tables, found;
  std::string error;
  EXPECT_TRUE(testing::StoreSql()(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
                                  tables, error))
      << error;
  for (const auto& table : tables) {
    found.clear();
    EXPECT_TRUE(testing::StoreSql()(
        db, "SELECT count(*) FROM " + table[0] + " x WHERE x::text LIKE '%" + text + "%'", found,
        error))
        << error;
    if (!found.empty() && found[0][0] != "0") return true;
  }
  return false;
}

class ConsentCli : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "store.db";
    auto r = Rapport(std::string("init --tenant N --domain northwind.example --admin ") + kAdmin);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    WriteFile(dir_ / "m/cur/1",
              "Message-ID: <1@x>\nDate: 1 Jun 2026 10:00 +0000\nFrom: alice@northwind.example\n"
              "To: bob@fabrikam.com, carol@northwind.example\n\n");
    WriteFile(dir_ / "m/cur/2",
              "Message-ID: <2@x>\nDate: 2 Jun 2026 10:00 +0000\nFrom: carol@northwind.example\n"
              "To: bob@fabrikam.com\n\n");
  }
  testing::CommandResult Rapport(const std::string& args) {
    return RunRapport("--db " + db_ + " " + args);
  }
  json Json(const std::string& args) {
    auto r = Rapport(args + " --json");
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
    return json::parse(r.out, nullptr, false);
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(ConsentCli, IngestWithoutConsentIsRefusedAndStoresNothing) {
  auto r = Rapport("ingest " + (dir_ / "m"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "rapport: error: no consent is in force for tenant N, so nothing may be collected (an "
            "admin grants one: rapport consent grant personal|aggregated|identifiable --by "
            "ADMIN)\n");
  EXPECT_EQ(Json("stats")["messages"], 0);
  EXPECT_EQ(Json("stats")["people"]["internal"], 0);
}

TEST_F(ConsentCli, OnlyAnAdminGrantsAndRevokes) {
  auto r = Rapport("consent grant identifiable --by alice@northwind.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "rapport: error: alice@northwind.example is not an admin of tenant N, so may not "
            "grant consent (ask an admin: ada@northwind.example)\n");
  EXPECT_EQ(Json("consent history"), json::array());
  ASSERT_EQ(Rapport("consent grant identifiable --by ADA@northwind.example").exit_code, 0);
  r = Rapport("consent revoke identifiable --by alice@northwind.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Json("consent status")["identifiable"]["in_force"], true);
  r = Rapport("consent grant everything --by " + std::string(kAdmin));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "rapport: error: 'everything' is not a consent type (personal, aggregated or "
            "identifiable)\n");
}

TEST_F(ConsentCli, StatusAndHistoryFollowGrantsAndRevokes) {
  json status = Json("consent status");
  EXPECT_EQ(status["personal"]["in_force"], false);
  EXPECT_EQ(status["personal"]["since"], nullptr);
  ASSERT_EQ(
      Rapport("consent grant identifiable --terms-version 7 --by " + std::string(kAdmin)).exit_code,
      0);
  ASSERT_EQ(Rapport("consent grant aggregated --by " + std::string(kAdmin)).exit_code, 0);
  status = Json("consent status");
  EXPECT_EQ(status["identifiable"]["in_force"], true);
  EXPECT_EQ(status["identifiable"]["by"], kAdmin);
  EXPECT_EQ(status["identifiable"]["grant_id"], "identifiable-1");
  EXPECT_EQ(status["identifiable"]["terms_version"], "7");
  EXPECT_EQ(status["aggregated"]["grant_id"], "aggregated-2");
  EXPECT_EQ(status["personal"]["in_force"], false);

  ASSERT_EQ(Rapport("consent revoke identifiable --by " + std::string(kAdmin)).exit_code, 0);
  status = Json("consent status");
  EXPECT_EQ(status["identifiable"]["in_force"], false);
  EXPECT_EQ(status["identifiable"]["grant_id"], nullptr);
  EXPECT_EQ(status["aggregated"]["in_force"], true);
  auto r = Rapport("consent revoke identifiable --by " + std::string(kAdmin));
  EXPECT_EQ(r.exit_code, 1);  // nothing to revoke: the ledger holds only changes

  json history = Json("consent history");
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0]["event"], "grant");
  EXPECT_EQ(history[2]["event"], "revoke");
  EXPECT_EQ(history[2]["type"], "identifiable");
  EXPECT_EQ(history[2]["seq"], 3);

  r = Rapport("consent receipt identifiable-1");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json receipt = json::parse(r.out);
  EXPECT_EQ(receipt["consentReceiptID"], "identifiable-1");
  EXPECT_EQ(receipt["piiControllers"][0]["piiController"], "N");
  EXPECT_EQ(receipt["rapport"]["terms_version"], "7");
  EXPECT_EQ(receipt["services"][0]["purposes"][0]["termination"].get<std::string>().rfind(
                "revoked at ", 0),
            0u);
  EXPECT_EQ(Rapport("consent receipt nope-9").exit_code, 1);
}

TEST_F(ConsentCli, ATamperedLedgerNamesItsFirstBadEntryAndGrantsNothing) {
  for (const char* type : {"personal", "identifiable", "aggregated"}) {
    ASSERT_EQ(Rapport(std::string("consent grant ") + type + " --by " + kAdmin).exit_code, 0);
  }
  EXPECT_EQ(Rapport("consent verify").out, "consent ledger: 3 entries, hash chain intact\n");

  // Someone with the file rewrites who granted entry 2.
  Tamper(db_, "UPDATE ledger_entry SET entry = replace(entry, 'ada@', 'eve@') WHERE seq = 2");
  auto r = Rapport("consent verify");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "rapport: error: consent ledger entry 2 was changed after it was written (its keyed "
            "hash does not match) (restore the store from a backup)\n");
  // Fail closed: no state can be read, so ingest collects nothing.
  EXPECT_EQ(Rapport("consent status").exit_code, 1);
  r = Rapport("ingest " + (dir_ / "m"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("consent ledger entry 2 was changed"), std::string::npos) << r.err;
  EXPECT_EQ(Rapport("consent grant personal --by " + std::string(kAdmin)).exit_code, 1);
}

// A long-running process (rapport serve) reads the ledger on every decision: a row changed in
// the file after it was read and found intact is caught on the next read, not served from what
// was read before.
TEST_F(ConsentCli, AProcessThatReadTheLedgerCatchesARowChangedSinceThen) {
  for (const char* type : {"personal", "identifiable"}) {
    ASSERT_EQ(Rapport(std::string("consent grant ") + type + " --by " + kAdmin).exit_code, 0);
  }
  auto store = testing::OpenTestStore(db_);
  ASSERT_TRUE(store.ok()) << store.status().message();
  for (int read = 0; read < 2; ++read) {  // the second read is of rows already found intact
    auto state = consent::ConsentLedger(**store).State();
    ASSERT_TRUE(state.ok()) << state.status().message();
    EXPECT_TRUE(state->of(consent::ConsentType::kIdentifiable).in_force);
  }
  Tamper(db_, "UPDATE ledger_entry SET entry = replace(entry, 'ada@', 'eve@') WHERE seq = 2");
  auto state = consent::ConsentLedger(**store).State();
  ASSERT_FALSE(state.ok());
  EXPECT_EQ(
      state.status().message().rfind("consent ledger entry 2 was changed after it was written", 0),
      0u)
      << state.status().message();
  // Put back as it was, the ledger reads again.
  Tamper(db_, "UPDATE ledger_entry SET entry = replace(entry, 'eve@', 'ada@') WHERE seq = 2");
  EXPECT_TRUE(consent::ConsentLedger(**store).State().ok());
}

TEST_F(ConsentCli, EveryAccessDecisionIsAuditedAndATamperedAuditRowIsNamed) {
  ASSERT_EQ(Rapport("consent grant identifiable --by " + std::string(kAdmin)).exit_code, 0);
  auto r = Rapport("access check --as " + std::string(kAdmin) +
                   " --insight relationship --subject bob@fabrikam.com");
  EXPECT_EQ(r.out, "allow: allowed (caller's role: admin)\n");
  r = Rapport("access check --as mallory@evil.example --insight relationship");
  EXPECT_EQ(r.out, "deny: caller is not a user of this tenant (caller's role: none)\n");
  json audit = Json("audit list");
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0]["decision"], "allow");
  EXPECT_EQ(audit[1]["reason"], "caller is not a user of this tenant");
  EXPECT_EQ(Rapport("audit verify").out, "audit ledger: 2 entries, hash chain intact\n");
  json about_bob = Json("audit list --subject Bob@Fabrikam.com");
  ASSERT_EQ(about_bob.size(), 1u);  // found by hashing the address asked about
  EXPECT_EQ(about_bob[0]["subject"].get<std::string>().substr(0, 5), "hmac:");
  // Someone turns the denial into an allow.
  Tamper(db_,
         "UPDATE ledger_entry SET entry = replace(entry, '\"deny\"', '\"allow\"') "
         "WHERE ledger = 'audit' AND seq = 2");
  r = Rapport("audit verify");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "rapport: error: audit ledger entry 2 was changed after it was written (its keyed hash "
            "does not match) (restore the store from a backup)\n");
}

TEST_F(ConsentCli, ARemovedLedgerEntryIsNamed) {
  ASSERT_EQ(Rapport("consent grant personal --by " + std::string(kAdmin)).exit_code, 0);
  ASSERT_EQ(Rapport("consent revoke personal --by " + std::string(kAdmin)).exit_code, 0);
  Tamper(db_, "DELETE FROM ledger_entry WHERE seq = 1");  // hide that it was ever granted
  auto r = Rapport("consent verify");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "rapport: error: consent ledger entry 1 is missing (the next entry is 2) (restore the "
            "store from a backup)\n");
}

TEST_F(ConsentCli, AGroupExcludedFromEveryTypeInForceIsNeverStored) {
  WriteFile(dir_ / "dir.csv",
            "address,display_name,groups\nalice@northwind.example,Alice,Sales\n"
            "carol@northwind.example,Carol,M&A\n");
  ASSERT_EQ(Rapport("directory import " + (dir_ / "dir.csv")).exit_code, 0);
  auto r = Rapport("consent grant identifiable --exclude-group Nobody --by " + std::string(kAdmin));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("group 'Nobody' is not in the directory"), std::string::npos) << r.err;
  ASSERT_EQ(Rapport("consent grant identifiable --exclude-group M\\&A --by " + std::string(kAdmin))
                .exit_code,
            0);
  EXPECT_EQ(Json("consent status")["identifiable"]["excluded_groups"], json({"M&A"}));

  json summary = Json("ingest " + (dir_ / "m"));
  EXPECT_EQ(summary["messages"]["stored"], 1);              // alice's message, without carol
  EXPECT_EQ(summary["messages"]["dropped_by_consent"], 1);  // carol's own message
  EXPECT_EQ(Json("people show bob@fabrikam.com --as " + std::string(kAdmin))["messages_received"],
            1);
  // Excluded people are absent from insights, the person view included.
  r = Rapport("people show carol@northwind.example --as " + std::string(kAdmin));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "rapport: error: not allowed: subject is in an excluded group\n");
}

TEST_F(ConsentCli, AGroupExcludedFromOnlySomeTypesIsStoredForTheOthers) {
  WriteFile(dir_ / "dir.csv", "address,groups\ncarol@northwind.example,M&A\n");
  ASSERT_EQ(Rapport("directory import " + (dir_ / "dir.csv")).exit_code, 0);
  ASSERT_EQ(Rapport("consent grant identifiable --exclude-group M\\&A --by " + std::string(kAdmin))
                .exit_code,
            0);
  ASSERT_EQ(Rapport("consent grant aggregated --by " + std::string(kAdmin)).exit_code, 0);
  json summary = Json("ingest " + (dir_ / "m"));
  EXPECT_EQ(summary["messages"]["stored"], 2);
  EXPECT_EQ(summary["messages"]["dropped_by_consent"], 0);
}

TEST_F(ConsentCli, AUserOptedOutOfEverythingIsNeverStoredAndKeptOnlyAsAHash) {
  ASSERT_EQ(Rapport("consent grant aggregated --by " + std::string(kAdmin)).exit_code, 0);
  auto r = Rapport("optout add carol@northwind.example --scope all");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json summary = Json("ingest " + (dir_ / "m"));
  EXPECT_EQ(summary["messages"]["stored"], 1);
  EXPECT_EQ(summary["messages"]["dropped_by_consent"], 1);
  r = Rapport("people show carol@northwind.example --as " + std::string(kAdmin));
  EXPECT_EQ(r.exit_code, 1);  // never stored, not even as a recipient
  EXPECT_FALSE(StoreHolds(db_, "carol@"));
  json list = Json("optout list");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["scope"], "all");
  EXPECT_EQ(list[0]["address_hash"].get<std::string>().size(), 64u);
}

TEST_F(ConsentCli, RevokingTheLastConsentPurgesEveryCollectedByteInTheSameStep) {
  ASSERT_EQ(Rapport("consent grant identifiable --by " + std::string(kAdmin)).exit_code, 0);
  ASSERT_EQ(Rapport("ingest " + (dir_ / "m")).exit_code, 0);
  ASSERT_TRUE(StoreHolds(db_, "bob@fabrikam.com"));  // the search can see

  auto r = Rapport("consent revoke identifiable --by " + std::string(kAdmin));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "revoked consent identifiable by ada@northwind.example\n"
            "purged what no consent in force covers: 2 messages, 0 meetings, 3 addresses\n");
  for (const char* purged : {"bob@fabrikam.com", "carol@northwind", "alice@northwind", "2@x"}) {
    EXPECT_FALSE(StoreHolds(db_, purged)) << purged << " is still in the store";
  }
  EXPECT_EQ(Json("stats")["messages"], 0);
  EXPECT_EQ(Json("consent history").size(), 2u);  // the ledger stays
  EXPECT_EQ(Rapport("consent verify").exit_code, 0);

  // A new grant starts from nothing: the files are read again.
  ASSERT_EQ(Rapport("consent grant identifiable --by " + std::string(kAdmin)).exit_code, 0);
  EXPECT_EQ(Json("ingest " + (dir_ / "m"))["messages"]["stored"], 2);
}

TEST_F(ConsentCli, RevokingOneTypePurgesOnlyWhoTheRemainingTypesExclude) {
  WriteFile(dir_ / "dir.csv", "address,groups\ncarol@northwind.example,M&A\n");
  ASSERT_EQ(Rapport("directory import " + (dir_ / "dir.csv")).exit_code, 0);
  ASSERT_EQ(Rapport("consent grant identifiable --by " + std::string(kAdmin)).exit_code, 0);
  ASSERT_EQ(Rapport("consent grant aggregated --exclude-group M\\&A --by " + std::string(kAdmin))
                .exit_code,
            0);
  ASSERT_EQ(Json("ingest " + (dir_ / "m"))["messages"]["stored"], 2);  // identifiable covers carol
  auto r = Rapport("consent revoke identifiable --by " + std::string(kAdmin));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Json("stats")["messages"], 1);  // carol's own message went; alice's stays
  EXPECT_EQ(Json("directory list")[0]["address"],
            "carol@northwind.example");  // the directory stays
  EXPECT_FALSE(StoreHolds(db_, "2@x"));  // her message's id is gone
  ASSERT_EQ(Rapport("consent grant identifiable --by " + std::string(kAdmin)).exit_code, 0);
  json carol = Json("people show carol@northwind.example --as " + std::string(kAdmin));
  EXPECT_EQ(carol["messages_sent"], 0);
  EXPECT_EQ(carol["messages_received"], 0);  // her place in alice's message went too
  EXPECT_EQ(Json("people show bob@fabrikam.com --as " + std::string(kAdmin))["messages_received"],
            1);
}

TEST_F(ConsentCli, AnOptOutOfEverythingPurgesThatUsersData) {
  ASSERT_EQ(Rapport("consent grant identifiable --by " + std::string(kAdmin)).exit_code, 0);
  ASSERT_EQ(Rapport("ingest " + (dir_ / "m")).exit_code, 0);
  ASSERT_EQ(Rapport("optout add carol@northwind.example --scope all").exit_code, 0);
  EXPECT_EQ(Json("stats")["messages"], 1);
  EXPECT_FALSE(StoreHolds(db_, "carol@northwind"));
  EXPECT_EQ(Rapport("people show carol@northwind.example --as " + std::string(kAdmin)).exit_code,
            1);
  // Remembered by hash: a later ingest drops her again.
  EXPECT_EQ(Json("ingest --rescan " + (dir_ / "m"))["messages"]["dropped_by_consent"], 1);
  EXPECT_FALSE(StoreHolds(db_, "carol@northwind"));
}

// Retention counts back from the real clock, so these messages are dated from it.
std::string DaysAgo(int days) {
  std::time_t t = std::time(nullptr) - days * 86400;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

TEST_F(ConsentCli, RetentionKeepsOldMailOutAndPurgeExpiredRemovesWhatAged) {
  ASSERT_EQ(Rapport("consent grant identifiable --by " + std::string(kAdmin)).exit_code, 0);
  ASSERT_EQ(Rapport("settings set retention_days 30 --by " + std::string(kAdmin)).exit_code, 0);
  TempDir mail;
  WriteFile(mail / "cur/old", "Message-ID: <old@x>\nDate: " + DaysAgo(40) +
                                  "\nFrom: alice@northwind.example\nTo: olaf@fabrikam.com\n\n");
  WriteFile(mail / "cur/new", "Message-ID: <new@x>\nDate: " + DaysAgo(10) +
                                  "\nFrom: alice@northwind.example\nTo: nina@fabrikam.com\n\n");
  json summary = Json("ingest " + mail.path().string());
  EXPECT_EQ(summary["messages"]["stored"], 1);
  EXPECT_EQ(summary["messages"]["dropped_by_consent"], 1);  // 40 days old: past retention
  EXPECT_FALSE(StoreHolds(db_, "olaf@"));

  // The tenant shortens retention: the 10-day-old message and its addresses expire.
  ASSERT_EQ(Rapport("settings set retention_days 5 --by " + std::string(kAdmin)).exit_code, 0);
  EXPECT_EQ(Json("settings show")["retention_days"], "5");
  auto r = Rapport("purge --expired");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("1 messages, 0 meetings, 2 addresses"), std::string::npos) << r.out;
  EXPECT_EQ(Json("stats")["messages"], 0);
  EXPECT_FALSE(StoreHolds(db_, "nina@"));
  EXPECT_EQ(Rapport("settings set retention_days -1 --by " + std::string(kAdmin)).exit_code, 1);
  auto denied = Rapport("settings set retention_days 0 --by alice@northwind.example");
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_EQ(denied.err,
            "rapport: error: alice@northwind.example is not an admin of tenant N, so may not "
            "change its settings (ask an admin: ada@northwind.example)\n");
}

TEST(HashChain, NamesTheFirstChangedRemovedOrReorderedRow) {
  const consent::ChainKey key{"k", {}};
  std::vector<store::LedgerRow> rows;
  for (const char* entry : {"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"}) {
    rows.push_back(consent::NextRow(key, rows.empty() ? nullptr : &rows.back(), entry));
  }
  EXPECT_FALSE(consent::VerifyChain(rows, key).first_broken);
  EXPECT_EQ(consent::VerifyChain(rows, key).entries, 3);
  EXPECT_EQ(rows[0].hash, consent::KeyedChainHash("k", "", "{\"a\":1}"));
  EXPECT_NE(rows[0].hash, consent::ChainHash("", "{\"a\":1}"));  // keyed, not plain SHA-256
  EXPECT_EQ(rows[0].hash.size(), 64u);
  // Recomputed under another key (or none), the chain does not verify.
  EXPECT_EQ(consent::VerifyChain(rows, {"other", {}}).first_broken, 1);

  auto changed = rows;
  changed[1].entry = "{\"b\":3}";
  EXPECT_EQ(consent::VerifyChain(changed, key).first_broken, 2);

  auto reordered = rows;
  std::swap(reordered[1].entry, reordered[2].entry);
  std::swap(reordered[1].hash, reordered[2].hash);
  std::swap(reordered[1].prev_hash, reordered[2].prev_hash);
  EXPECT_EQ(consent::VerifyChain(reordered, key).first_broken, 2);

  auto removed = rows;
  removed.erase(removed.begin() + 1);
  removed[1].seq = 2;  // renumbered to hide the gap: the link still breaks
  EXPECT_EQ(consent::VerifyChain(removed, key).first_broken, 2);
  EXPECT_EQ(consent::VerifyChain(removed, key).problem,
            "does not follow the entry before it (removed, inserted or re-ordered)");
}

}  // namespace
}  // namespace rapport
