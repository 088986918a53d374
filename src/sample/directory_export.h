// The sample organisation's directory as Microsoft Graph v1.0 returns it, for
// `rapport directory import`: out_dir/directory/users.json and out_dir/directory/groups.json; and
// the CRM's account list beside them, out_dir/directory/accounts.csv.
//
// Contract (everything is a function of the spec and the population, no random draws, so the
// rest of the sample is unchanged and the same seed writes the same bytes):
// * users.json: every internal user, in user order, with a GUID-shaped id (DirectoryUserId: the
//   ids of graph/users.json), displayName, mail, userPrincipalName (= mail), userType "Member",
//   department (the team's name), proxyAddresses ["SMTP:<mail>", "X500:/o=<Organisation>/ou=
//   Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=<local part>"], manager
//   and memberOf expanded. Then kDirectoryGuests external contacts (the account people most users
//   have a tie to) as userType "Guest", userPrincipalName "alice_fabrikam.example#EXT#@<domain>".
// * Each team that has users is a group named like "Sales East" or "Engineering 2", mail
//   <team-slug>@<domain>. The team's first user (lowest index) leads it; user 0 is the CEO and
//   leads their own team too. Members report to their lead, leads to the CEO, the CEO to nobody.
//   The CEO and the leads are also in the "Leadership" group (leadership@<domain>).
// * groups.json: Leadership, then the teams, with id, displayName, mail, securityEnabled,
//   mailEnabled, groupTypes [] and members expanded (user ids).
// * Both files are Graph collections, one item a line; nlohmann::ordered_json keeps key order.
// * accounts.csv: the CRM's account list for `rapport accounts import` (header name,domains;
//   every account with its domain, in account order).
#pragma once

#include <cstdint>
#include <string>

#include "rapport/status.h"
#include "sample/organisation.h"
#include "sample/population.h"

namespace rapport::sample {

inline constexpr uint32_t kDirectoryGuests = 3;

struct DirectoryExportSummary {
  uint64_t users = 0;   // every user in users.json, guests included
  uint64_t guests = 0;  // of which userType "Guest"
  uint64_t groups = 0;
  uint64_t accounts = 0;  // in accounts.csv
  uint64_t files = 0;
  uint64_t bytes = 0;
};

// A stable GUID-shaped directory id: the seed's low 32 bits, then the person's number.
std::string DirectoryUserId(uint32_t person, uint64_t seed);

// "Northwind" for northwind.example, "Blue Yonder" for blue-yonder.example: the name the X.500
// addresses carry.
std::string OrganisationName(const std::string& internal_domain);

// The readable name of the k-th team that has users: "Sales East", "Engineering 2", ...
std::string TeamName(uint32_t k);

Result<DirectoryExportSummary> WriteDirectoryExport(const OrganisationSpec& spec,
                                                    const Population& pop,
                                                    const std::string& out_dir);

}  // namespace rapport::sample
