// Issue 15, findings 5-7, attacked as the report did and shown to hold: the ledgers' tails cannot
// be cut nor their rows rewritten unseen (keyed chains, anchors); the keys live in a key file, not
// in the store; and commands open stores but never create one.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "consent/hash_chain.h"
#include "consent/keyed_hash.h"
#include "rapport/consent/access_tokens.h"
#include "test_support.h"

namespace rapport {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::ReadFile;
using testing::RunRapport;
using testing::ShellQuote;
using testing::TempDir;

constexpr const char* kAdmin = "admin@rapport-tests.example";
constexpr const char* kOlga = "olga@northwind.example";

int Lines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

// Runs SQL on a store as an attacker with write access to the file would (sqlite3).
void Sql(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(h);
}

// Every row of a query's first columns, '|'-separated.
std::vector<std::vector<std::string>> Query(const std::string& db, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  sqlite3* h = nullptr;
  sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(h, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sqlite3_errmsg(h);
  while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
      const unsigned char* t = sqlite3_column_text(stmt, c);
      row.push_back(t ? reinterpret_cast<const char*>(t) : "");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(h);
  return rows;
}

// Rewrites a ledger from row `from` on, editing that row's entry with `edit`, and recomputes every
// hash after it with `hash` (plain SHA-256 for an attacker without the key file).
template <typename Hash>
void Rewrite(const std::string& db, const std::string& ledger, int64_t from,
             const std::function<std::string(std::string)>& edit, Hash hash) {
  auto rows = Query(db, "SELECT seq, entry, prev_hash, hash FROM ledger_entry WHERE ledger = '" +
                            ledger + "' ORDER BY seq");
  std::string prev = from > 1 ? rows[from - 2][3] : "";
  std::ostringstream sql;
  sql << "BEGIN;";
  for (size_t i = from - 1; i < rows.size(); ++i) {
    std::string entry = rows[i][0] == std::to_string(from) ? edit(rows[i][1]) : rows[i][1];
    const std::string h = hash(prev, entry);
    auto quote = [](const std::string& s) {
      std::string q = "'";
      for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
      return q + "'";
    };
    sql << "UPDATE ledger_entry SET entry = " << quote(entry) << ", prev_hash = " << quote(prev)
        << ", hash = " << quote(h) << " WHERE ledger = '" << ledger << "' AND seq = " << rows[i][0]
        << ";";
    prev = h;
  }
  sql << "COMMIT;";
  Sql(db, sql.str());
}

std::string KeyFileValue(const std::string& keys, const std::string& name) {
  std::istringstream in(ReadFile(keys));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + " ", 0) == 0) return line.substr(name.size() + 1);
  }
  return "";
}

class StoreKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "store.db";
    ASSERT_EQ(
        testing::InitConsented(db_, "--tenant Northwind --domain northwind.example").exit_code, 0);
  }
  CommandResult Rapport(const std::string& args, const std::string& db = "") {
    return RunRapport("--db " + ShellQuote(db.empty() ? db_ : db) + " " + args);
  }
  // n audited decisions, each about another subject.
  void Decide(int n) {
    for (int i = 0; i < n; ++i) {
      auto r = Rapport(std::string("access check --as ") + kAdmin +
                       " --insight who-knows-whom --subject s" + std::to_string(i) + "@x.example");
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
  }
  TempDir dir_;
  std::string db_;
};

// --- Finding 5: audit tail truncation and rewrites ---------------------------------------------

TEST_F(StoreKeysTest, CuttingTheAuditTailIsCaughtByTheAnchor) {
  Decide(15);
  auto anchored = Rapport("audit anchor --out " + ShellQuote(dir_ / "audit.anchor"));
  ASSERT_EQ(anchored.exit_code, 0) << anchored.err;
  Decide(2);  // the ledger grows past its anchor: still fine
  auto r = Rapport("audit verify --anchor " + ShellQuote(dir_ / "audit.anchor"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("audit ledger: 17 entries, hash chain intact, holds the head anchored"),
            std::string::npos)
      << r.out;

  // The attack: delete the last 7 rows (the 2 after the anchor and 5 before it) with sqlite3.
  Sql(db_, "DELETE FROM ledger_entry WHERE ledger = 'audit' AND seq > 10");
  // What is left is a valid chain, so a check without an anchor cannot see the cut (the limit
  // docs/security-keys.md states) ...
  EXPECT_EQ(Rapport("audit verify").exit_code, 0);
  // ... and the anchor names it.
  r = Rapport("audit verify --anchor " + ShellQuote(dir_ / "audit.anchor"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("audit ledger entry 11 is missing: the anchor taken "), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("recorded 15 entries, the ledger now has 10 (its tail was cut)"),
            std::string::npos)
      << r.err;
}

TEST_F(StoreKeysTest, RewritingAnAuditRowWithoutTheKeyFileIsCaught) {
  Decide(15);
  // The attack: edit row 10 and recompute every hash from it on with plain SHA-256, as someone
  // with the store but without its key file must.
  Rewrite(
      db_, "audit", 10, [](std::string e) { return e.replace(e.find("\"allow\""), 7, "\"deny\""); },
      [](const std::string& prev, const std::string& entry) {
        return consent::ChainHash(prev, entry);
      });
  auto r = Rapport("audit verify");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "rapport: error: audit ledger entry 10 was changed after it was written (its keyed "
            "hash does not match) (restore the store from a backup)\n");
}

TEST_F(StoreKeysTest, RewritingWithTheKeysIsCaughtByTheAnchor) {
  Decide(5);
  ASSERT_EQ(Rapport("consent anchor --out " + ShellQuote(dir_ / "consent.anchor")).exit_code, 0);
  // Someone holding the key file can rewrite the chain so that it verifies: revoke nothing, but
  // drop grant 1's terms, and recompute every hash under the stolen chain key.
  const std::string key = KeyFileValue(db_ + ".keys", "consent_chain");
  ASSERT_EQ(key.size(), 64u);
  Rewrite(
      db_, "consent", 1,
      [](std::string e) {
        const std::string terms = "\"terms_version\":\"1\"";
        return e.replace(e.find(terms), terms.size(), "\"terms_version\":\"0\"");
      },
      [&](const std::string& prev, const std::string& entry) {
        return consent::KeyedChainHash(key, prev, entry);
      });
  EXPECT_EQ(Rapport("consent verify").exit_code, 0);  // the chain alone cannot tell
  auto r = Rapport("consent verify --anchor " + ShellQuote(dir_ / "consent.anchor"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("consent ledger entry 3 is not the entry the anchor taken "),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("(the ledger was rewritten)"), std::string::npos) << r.err;
}

TEST_F(StoreKeysTest, AnAnchorThatWasChangedOrIsAnotherLedgersIsRefused) {
  Decide(3);
  auto a = Rapport("audit anchor");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  json anchor = json::parse(a.out);
  EXPECT_EQ(anchor["entries"], 3);
  anchor["entries"] = 2;  // hide a cut
  testing::WriteFile(dir_ / "changed.anchor", anchor.dump());
  auto r = Rapport("audit verify --anchor " + ShellQuote(dir_ / "changed.anchor"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("changed.anchor was changed after it was written (its mac does not match)"),
            std::string::npos)
      << r.err;
  ASSERT_EQ(Rapport("consent anchor --out " + ShellQuote(dir_ / "consent.anchor")).exit_code, 0);
  r = Rapport("audit verify --anchor " + ShellQuote(dir_ / "consent.anchor"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("anchors the consent ledger, not the audit ledger"), std::string::npos)
      << r.err;
}

TEST(HashChain, RowsFromBeforeTheKeyFileArePinnedByIt) {
  // Rows 1-2 were written before the keys left the store (plain SHA-256); 3 on are keyed.
  std::vector<store::LedgerRow> rows;
  consent::ChainKey plain{"k", {100, ""}};
  for (const char* e : {"{\"a\":1}", "{\"b\":2}"}) {
    rows.push_back(consent::NextRow(plain, rows.empty() ? nullptr : &rows.back(), e));
  }
  const consent::ChainKey key{"k", {3, rows[1].hash}};
  rows.push_back(consent::NextRow(key, &rows.back(), "{\"c\":3}"));
  EXPECT_EQ(rows[1].hash, consent::ChainHash(rows[0].hash, "{\"b\":2}"));
  EXPECT_EQ(rows[2].hash, consent::KeyedChainHash("k", rows[1].hash, "{\"c\":3}"));
  EXPECT_FALSE(consent::VerifyChain(rows, key).first_broken);

  // The plain rows rewritten, recomputed, and the keyed tail cut: the pinned hash catches it.
  auto rewritten = rows;
  rewritten.pop_back();
  rewritten[0].entry = "{\"a\":0}";
  rewritten[0].hash = consent::ChainHash("", rewritten[0].entry);
  rewritten[1].prev_hash = rewritten[0].hash;
  rewritten[1].hash = consent::ChainHash(rewritten[1].prev_hash, rewritten[1].entry);
  auto check = consent::VerifyChain(rewritten, key);
  EXPECT_EQ(check.first_broken, 2);
  EXPECT_EQ(check.problem,
            "was changed after the keys left the store (it is not what the key file recorded)");
  // Cut below where the key file says the ledger was: missing.
  check = consent::VerifyChain({rows[0]}, key);
  EXPECT_EQ(check.first_broken, 2);
  EXPECT_EQ(check.problem,
            "is missing: the key file recorded 2 entries when the keys left the store (the "
            "ledger's tail was cut)");
}

TEST(KeyedHash, IsHmacSha256WhateverKeyCameBefore) {
  // RFC 4231 test case 2, then an empty key: each MAC uses its own key, not the last one given.
  const std::string jefe = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  const std::string empty = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(consent::HmacHex("Jefe", "what do ya want for nothing?"), jefe);
    EXPECT_EQ(consent::HmacHex(std::string_view(), ""), empty);
    EXPECT_EQ(consent::HmacHex("", ""), empty);
  }
}

// --- Finding 6: keys beside what they protect ---------------------------------------------------

TEST_F(StoreKeysTest, TheStoreHoldsNoKeyThatHashesAGuessedAddress) {
  ASSERT_EQ(Rapport(std::string("optout add ") + kOlga).exit_code, 0);
  ASSERT_EQ(Rapport(std::string("access check --as ") + kAdmin +
                    " --insight who-knows-whom --subject " + kOlga)
                .exit_code,
            0);
  const auto optouts = Query(db_, "SELECT address_hash FROM optout");
  ASSERT_EQ(optouts.size(), 1u);
  const auto audit = Query(db_, "SELECT entry FROM ledger_entry WHERE ledger = 'audit'");
  ASSERT_EQ(audit.size(), 1u);
  const std::string subject = json::parse(audit[0][0])["subject"];

  // The attack: HMAC the guessed address under every value the store file holds.
  const auto settings = Query(db_, "SELECT name, value FROM tenant_setting");
  for (const auto& s : settings) {
    EXPECT_EQ(s[0].find("secret"), std::string::npos) << s[0];
    EXPECT_TRUE(s[0] == "key_file_id" || s[0].find("key") == std::string::npos) << s[0];
    const std::string guess = consent::HmacHex(s[1], kOlga);
    EXPECT_NE(guess, optouts[0][0]) << s[0];
    EXPECT_NE("hmac:" + guess, subject) << s[0];
  }
  // The key file's keys do match (so the attack above was a real one), each only its own: the
  // audit subject has a key of its own, not the opt-out key.
  const std::string keys = db_ + ".keys";
  EXPECT_EQ(consent::HmacHex(KeyFileValue(keys, "optout"), kOlga), optouts[0][0]);
  EXPECT_EQ("hmac:" + consent::HmacHex(KeyFileValue(keys, "audit_subject"), kOlga), subject);
  EXPECT_NE(consent::HmacHex(KeyFileValue(keys, "optout"), kOlga), subject.substr(5));
}

TEST_F(StoreKeysTest, ACopiedStoreWithoutItsKeyFileCannotHash) {
  ASSERT_EQ(Rapport(std::string("optout add ") + kOlga).exit_code, 0);
  std::filesystem::create_directories(dir_ / "stolen");
  const std::string copy = dir_ / "stolen/store.db";
  std::filesystem::copy_file(db_, copy);
  // What needs no key still answers ...
  EXPECT_EQ(Rapport("stats", copy).exit_code, 0);
  // ... what needs one says which file is missing and how to get it back, in one line.
  for (const std::string& args :
       {std::string("optout add ") + kOlga,
        std::string("access check --as ") + kAdmin + " --insight who-knows-whom --subject " + kOlga,
        std::string("audit list --subject ") + kOlga, std::string("audit verify"),
        std::string("consent status")}) {
    auto r = Rapport(args, copy);
    EXPECT_EQ(r.exit_code, 1) << args;
    EXPECT_EQ(r.err, "rapport: error: this store's key file " + copy +
                         ".keys is missing; restore it from the backup made with the store, or "
                         "name it with --keys PATH (or RAPPORT_KEYS)\n")
        << args;
  }
  // With its key file named, the copy works; another store's key file is refused.
  auto r =
      RunRapport("--db " + ShellQuote(copy) + " --keys " + ShellQuote(db_ + ".keys") +
                 " access check --as " + kAdmin + " --insight who-knows-whom --subject " + kOlga);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("subject opted out"), std::string::npos) << r.out;
  r = RunRapport("--db " + ShellQuote(copy) + " consent status",
                 "RAPPORT_KEYS=" + ShellQuote(db_ + ".keys"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(
      testing::InitConsented(dir_ / "other.db", "--tenant Other --domain other.example").exit_code,
      0);
  r = RunRapport("--db " + ShellQuote(copy) + " --keys " + ShellQuote(dir_ / "other.db.keys") +
                 " consent status");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("belongs to another store"), std::string::npos) << r.err;
}

TEST(StoreKeys, InitMakesTheKeyFilePrivateAndNeverOverwritesOne) {
  TempDir dir;
  const std::string db = dir / "s.db";
  auto r = RunRapport("--db " + ShellQuote(db) +
                      " init --tenant T --domain t.example --admin a@t.example");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat info;
  ASSERT_EQ(::stat((db + ".keys").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  const std::string keys = ReadFile(db + ".keys");
  for (const char* name :
       {"optout", "access_token", "audit_subject", "audit_chain", "consent_chain", "anchor"}) {
    EXPECT_EQ(KeyFileValue(db + ".keys", name).size(), 64u) << name;
  }
  // A new store whose key file would replace another's is refused, and leaves nothing behind.
  const std::string other = dir / "other.db";
  r = RunRapport("--db " + ShellQuote(other) + " --keys " + ShellQuote(db + ".keys") +
                 " init --tenant U --domain u.example --admin a@u.example");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(db + ".keys"), keys);
  EXPECT_FALSE(std::filesystem::exists(other));
}

// A store made before key files: its keys are settings, its chains plain SHA-256, its audit
// subjects hashed under the opt-out key. Opening it moves the keys out, keeping their values.
TEST_F(StoreKeysTest, AStoreFromBeforeKeyFilesHasItsKeysMovedOut) {
  ASSERT_EQ(Rapport(std::string("optout add ") + kOlga).exit_code, 0);
  auto token = Rapport(std::string("token create --json --user ") + kAdmin);
  ASSERT_EQ(token.exit_code, 0) << token.err;
  ASSERT_EQ(Rapport(std::string("access check --as ") + kAdmin +
                    " --insight who-knows-whom --subject " + kOlga)
                .exit_code,
            0);
  // Make it what rapport before issue 15 wrote.
  const std::string keys = db_ + ".keys";
  const std::string optout = KeyFileValue(keys, "optout"),
                    token_key = KeyFileValue(keys, "access_token");
  const std::string old_subject = "hmac:" + consent::HmacHex(optout, kOlga);
  const std::string new_subject =
      "hmac:" + consent::HmacHex(KeyFileValue(keys, "audit_subject"), kOlga);
  auto plain = [](const std::string& prev, const std::string& entry) {
    return consent::ChainHash(prev, entry);
  };
  Rewrite(
      db_, "consent", 1, [](std::string e) { return e; }, plain);
  Rewrite(
      db_, "audit", 1,
      [&](std::string e) {
        return e.replace(e.find(new_subject), new_subject.size(), old_subject);
      },
      plain);
  Sql(db_,
      "DELETE FROM tenant_setting WHERE name = 'key_file_id';"
      "INSERT INTO tenant_setting VALUES (1, 'optout_secret', '" +
          optout +
          "');"
          "INSERT INTO tenant_setting VALUES (1, 'token_hash_key', '" +
          token_key + "');");
  std::filesystem::remove(keys);

  // Another store's key file in the way is never adopted nor overwritten: nothing moves.
  ASSERT_EQ(RunRapport("--db " + ShellQuote(dir_ / "other.db") +
                       " init --tenant O --domain o.example --admin a@o.example")
                .exit_code,
            0);
  std::filesystem::copy_file(dir_ / "other.db.keys", keys);
  auto refused = Rapport("stats");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("already exists and holds other keys"), std::string::npos)
      << refused.err;
  EXPECT_EQ(
      Query(db_,
            "SELECT name FROM tenant_setting WHERE name IN ('optout_secret', 'token_hash_key')")
          .size(),
      2u);
  std::filesystem::remove(keys);

  // Any command moves them out: into a new key file (0600) with the same values, and gone from
  // the store's bytes.
  ASSERT_EQ(Rapport("stats").exit_code, 0);
  struct stat info;
  ASSERT_EQ(::stat(keys.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  EXPECT_EQ(KeyFileValue(keys, "optout"), optout);
  EXPECT_EQ(KeyFileValue(keys, "access_token"), token_key);
  EXPECT_EQ(KeyFileValue(keys, "consent_chain_start").substr(0, 2), "4 ");  // init + 3 grants
  EXPECT_EQ(Query(db_, "SELECT name FROM tenant_setting WHERE name <> 'key_file_id'").size(), 0u);
  const std::string bytes = ReadFile(db_) + ReadFile(db_ + "-wal");
  EXPECT_EQ(bytes.find(optout), std::string::npos);
  EXPECT_EQ(bytes.find(token_key), std::string::npos);

  // Everything hashed before still matches: the opt-out, the token, the audit trail.
  auto r = Rapport(std::string("access check --as ") + kAdmin +
                   " --insight who-knows-whom --subject " + kOlga);
  EXPECT_NE(r.out.find("subject opted out"), std::string::npos) << r.out << r.err;
  {
    auto store = store::OpenSqliteStore(db_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    auto who = consent::AccessTokens(**store).Authenticate(
        json::parse(token.out)["token"].get<std::string>(), 1'900'000'000);
    ASSERT_TRUE(who.ok()) << who.status().message();
    EXPECT_EQ(who->address, kAdmin);
  }
  EXPECT_EQ(Rapport("audit verify").exit_code, 0);
  EXPECT_EQ(Rapport("consent verify").exit_code, 0);
  r = Rapport(std::string("audit list --json --subject ") + kOlga);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out).size(), 2u);  // the old entry and the new one

  // The plain rows cannot be rewritten unseen either: the key file pinned them.
  Rewrite(
      db_, "consent", 1, [](std::string e) { return e.replace(e.find("\"by\""), 4, "\"By\""); },
      plain);
  r = Rapport("consent verify");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("consent ledger entry 3 was changed after the keys left the store"),
            std::string::npos)
      << r.err;
}

// --- Finding 7: commands create stores ---------------------------------------------------------

TEST(StoreFiles, CommandsOnAMissingStoreWriteNothing) {
  TempDir dir;
  const std::string missing = dir / "missing.db";
  for (const char* args :
       {"stats", "audit verify", "token list", "consent verify", "optout list"}) {
    auto r = RunRapport("--db " + ShellQuote(missing) + " " + args);
    EXPECT_EQ(r.exit_code, 1) << args;
    EXPECT_EQ(r.err, "rapport: error: there is no rapport store at " + missing +
                         "; make one with rapport init, or point --db (or RAPPORT_DB) at yours\n")
        << args;
    EXPECT_TRUE(std::filesystem::is_empty(dir.path())) << args;
  }
}

TEST(StoreFiles, CommandsLeaveAnotherDatabaseAlone) {
  TempDir dir;
  const std::string foreign = dir / "theirs.db";
  Sql(foreign, "CREATE TABLE t (x); INSERT INTO t VALUES (42);");
  const std::string before = ReadFile(foreign);
  for (const char* args : {"stats", "audit verify", "token list", "consent status",
                           "init --tenant T --domain t.example --admin a@t.example"}) {
    auto r = RunRapport("--db " + ShellQuote(foreign) + " " + args);
    EXPECT_EQ(r.exit_code, 1) << args;
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find(foreign + " is a database but not a rapport store"), std::string::npos)
        << r.err;
    EXPECT_EQ(ReadFile(foreign), before) << args;
    EXPECT_EQ(Query(foreign, "SELECT name FROM sqlite_master").size(), 1u) << args;
  }
  std::vector<std::string> files;
  for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
    files.push_back(f.path().filename().string());
  }
  EXPECT_EQ(files, std::vector<std::string>{"theirs.db"});
}

}  // namespace
}  // namespace rapport
