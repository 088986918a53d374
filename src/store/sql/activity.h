// Activity and people summaries in the SQLite store (insights' reads). Called by SqliteStore.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "rapport/status.h"
#include "rapport/store/activity.h"
#include "store/sql/connection.h"

namespace rapport::store {

// Ids as a JSON array, for "IN (SELECT value FROM json_each(?))": one statement, any count.
template <typename T>
std::string JsonArray(const std::vector<T>& values) {
  return nlohmann::json(values).dump();
}

// The last Message-ID of a space-separated References list: the parent of a message that has
// no In-Reply-To.
std::string LastReference(const std::string& references);

// A person row's kind column as a PersonKind.
PersonKind KindOf(const std::string& kind);

Result<Activity> ReadActivity(SqlConnection& db, int64_t tenant, const ActivityQuery& query);

// What ranking needs of each person (Activity::people), added to `out`.
Status BasicPeople(SqlConnection& db, int64_t tenant, const std::vector<int64_t>& ids,
                   std::unordered_map<int64_t, PersonSummary>& out);

// Store::SummarizePeople (sql/person_summary.cc).
Result<std::unordered_map<int64_t, PersonSummary>> SummarizePeople(SqlConnection& db,
                                                                   int64_t tenant,
                                                                   const std::vector<int64_t>& ids);

// External people (not role addresses) with an address at one of these organisation domains.
Result<std::vector<int64_t>> PeopleAtDomains(SqlConnection& db, int64_t tenant,
                                             const std::vector<std::string>& org_domains);

// Store::PeopleMatching and Store::AccountMembers (store.h).
Result<std::vector<int64_t>> PeopleMatching(SqlConnection& db, int64_t tenant,
                                            std::string_view text, size_t limit);
Result<std::vector<std::pair<int64_t, int64_t>>> AccountMembers(SqlConnection& db, int64_t tenant);

// Store::WroteToBefore (store.h).
Result<std::vector<int64_t>> WroteToBefore(SqlConnection& db, int64_t tenant, int64_t person,
                                           const std::vector<int64_t>& candidates, int64_t before);

// Every address key of a person, sorted.
Result<std::vector<std::string>> AddressesOf(SqlConnection& db, int64_t tenant, int64_t person);

}  // namespace rapport::store
