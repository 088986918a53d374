// Store::SummarizePeople (who each person is, as every insight shows them) against its oracle: the
// one SQL statement it replaced, with a correlated subquery per field. On a sample organisation
// with its directory and accounts, and on real Enron mail (X.500 and IMCEAEX addresses, names
// written many ways), both must say the same of every person.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <sstream>

#include "rapport/store/store.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport {
namespace {

using testing::RunRapport;
using testing::TempDir;

// The statement SummarizePeople ran until issue 19, columns as it read them, in the SQL both
// databases speak (LIKE for instr, a column each for department and title, every selected column
// grouped by: PostgreSQL's keys lead with the tenant, so an id alone does not determine them).
constexpr const char* kOracle =
    "SELECT p.id, p.kind, p.display_name, min(a.is_role), "
    "(SELECT d.display_name FROM address x JOIN directory_address y ON y.address = x.id "
    " JOIN directory_user d ON d.id = y.directory_user AND d.address = x.id WHERE x.person_id = "
    "p.id), "
    "(SELECT x.address FROM address x JOIN directory_address y ON y.address = x.id "
    " JOIN directory_user d ON d.id = y.directory_user AND d.address = x.id WHERE x.person_id = "
    "p.id), "
    "(SELECT x.address FROM address x LEFT JOIN address_name n ON n.address = x.id "
    " WHERE x.person_id = p.id AND x.address LIKE '%@%' AND lower(x.address) NOT LIKE 'imcea%' "
    " GROUP BY x.id, x.address ORDER BY coalesce(sum(n.seen), 0) DESC, x.address LIMIT 1), "
    "min(a.address), "
    "(SELECT n.name FROM address x JOIN address_name n ON n.address = x.id "
    " WHERE x.person_id = p.id AND n.name NOT LIKE '%@%' "
    " GROUP BY n.name ORDER BY sum(n.seen) DESC, 1 LIMIT 1), "
    "(SELECT c.id || ' ' || c.name FROM address x JOIN account_domain d ON d.tenant_id = "
    " x.tenant_id AND d.domain = x.org_domain JOIN account c ON c.id = d.account "
    " WHERE x.person_id = p.id AND x.is_role = 0 AND p.kind = 'external' "
    " GROUP BY c.id, c.name ORDER BY count(*) DESC, c.name LIMIT 1), "
    "(SELECT x.org_domain FROM address x WHERE x.person_id = p.id AND x.is_role = 0 "
    " AND x.org_domain NOT IN ('', '-') GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1), "
    "(SELECT d.department FROM address x JOIN directory_address y ON y.address = x.id "
    " JOIN directory_user d ON d.id = y.directory_user WHERE x.person_id = p.id "
    " ORDER BY d.id LIMIT 1), "
    "(SELECT d.job_title FROM address x JOIN directory_address y ON y.address = x.id "
    " JOIN directory_user d ON d.id = y.directory_user WHERE x.person_id = p.id "
    " ORDER BY d.id LIMIT 1) "
    "FROM person p JOIN address a ON a.person_id = p.id GROUP BY p.id, p.kind, p.display_name "
    "ORDER BY p.id";

// `sql`'s rows from the store at the file `db` (or its database: test_store.h), NULL as "NULL".
testing::StoreRows Rows(const std::string& db, const std::string& sql) {
  testing::StoreRows rows;
  std::string error;
  if (testing::StoreSql()) {
    EXPECT_TRUE(testing::StoreSql()(db, sql, rows, error)) << error;
    return rows;
  }
  sqlite3* handle = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(handle, sql.c_str(), -1, &s, nullptr), SQLITE_OK)
      << sqlite3_errmsg(handle);
  while (sqlite3_step(s) == SQLITE_ROW) {
    rows.emplace_back();
    for (int c = 0; c < sqlite3_column_count(s); ++c) {
      const auto* text = sqlite3_column_text(s, c);
      rows.back().push_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
  }
  sqlite3_finalize(s);
  sqlite3_close(handle);
  return rows;
}

// Every person as the oracle describes them, one line each, in the order Line() writes.
std::map<int64_t, std::string> Oracle(const std::string& db, std::vector<int64_t>& ids) {
  std::map<int64_t, std::string> out;
  for (const auto& row : Rows(db, kOracle)) {
    auto column = [&](int c) { return row[c] == "NULL" ? std::string() : row[c]; };
    const int64_t id = std::stoll(row[0]);
    std::string name;
    for (int col : {4, 2, 8}) {  // directory, person, most written; never an address
      std::string n = column(col);
      if (name.empty() && n.find('@') == std::string::npos) name = n;
    }
    const std::string address = row[5] != "NULL" ? row[5] : row[6] != "NULL" ? row[6] : column(7);
    const std::string department_title =
        row[11] == "NULL" ? "\x1f" : column(11) + "\x1f" + column(12);
    std::ostringstream line;
    line << column(1) << "|" << name << "|" << address << "|" << column(10) << "|" << column(9)
         << "|" << row[3] << "|" << department_title;
    out[id] = line.str();
    ids.push_back(id);
  }
  return out;
}

std::string Line(const store::PersonSummary& p) {
  const char* kinds[] = {"internal", "guest", "external"};
  std::ostringstream line;
  line << kinds[static_cast<int>(p.kind)] << "|" << p.name << "|" << p.address << "|"
       << p.org_domain << "|" << (p.account_id ? std::to_string(p.account_id) + " " : "")
       << p.account << "|" << p.is_role << "|" << p.department << "\x1f" << p.job_title;
  return line.str();
}

// Compares every person of the store; returns how many were compared.
size_t ExpectSameAsOracle(const std::string& db) {
  std::vector<int64_t> ids;
  auto oracle = Oracle(db, ids);
  auto store = testing::OpenTestStore(db);
  EXPECT_TRUE(store.ok()) << store.status().message();
  if (!store.ok()) return 0;
  auto people = (*store)->SummarizePeople(ids);
  EXPECT_TRUE(people.ok()) << people.status().message();
  if (!people.ok()) return 0;
  EXPECT_EQ(people->size(), oracle.size());
  for (const auto& [id, expected] : oracle) {
    auto it = people->find(id);
    EXPECT_NE(it, people->end()) << "person " << id;
    if (it != people->end()) EXPECT_EQ(Line(it->second), expected) << "person " << id;
  }
  return oracle.size();
}

TEST(PersonSummary, EqualsTheOracleOnASampleOrganisationWithItsDirectoryAndAccounts) {
  TempDir dir;
  const std::string db = dir / "store.db", org = dir / "org";
  ASSERT_EQ(RunRapport("sample --out " + org + " --messages 3000 --users 40 --seed 7").exit_code,
            0);
  ASSERT_EQ(testing::InitConsented(db, "--tenant N --domain northwind.example").exit_code, 0);
  for (const std::string& command :
       {"directory import " + org + "/directory/users.json",
        "directory import " + org + "/directory/groups.json",
        "accounts import " + org + "/directory/accounts.csv", "ingest " + org}) {
    auto r = RunRapport("--db " + db + " " + command);
    ASSERT_EQ(r.exit_code, 0) << command << ": " << r.err;
  }
  // Every kind of person, with directory names, departments and accounts among them.
  EXPECT_GT(ExpectSameAsOracle(db), 100u);
}

TEST(PersonSummary, EqualsTheOracleOnEnronMail) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  TempDir dir;
  const std::string db = dir / "enron.db";
  const std::string enron = corpus + "/jpvance123_Amdocs_ML_Email_Analytics/MailDir_to_MBOX/enron/";
  ASSERT_EQ(testing::InitConsented(db, "--tenant Enron --domain enron.com").exit_code, 0);
  auto r = RunRapport("--db " + db + " ingest " + enron + "enron.allen-p.* " + enron +
                      "enron.schoolcraft-d.* " + enron + "enron.scholtes-d.ferc");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(ExpectSameAsOracle(db), 500u);
}

}  // namespace
}  // namespace rapport
