#include "sample/directory_export.h"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "sample/output.h"

namespace rapport::sample {
namespace {

using Json = nlohmann::ordered_json;  // keeps keys in insertion order: stable output

constexpr std::string_view kMetadata = "https://graph.microsoft.com/v1.0/$metadata#";
constexpr std::string_view kUserSelect =
    "users(id,displayName,mail,userPrincipalName,userType,department,jobTitle,proxyAddresses,"
    "manager,memberOf)";
constexpr std::string_view kGroupSelect =
    "groups(id,displayName,mail,securityEnabled,mailEnabled,groupTypes,members)";
constexpr std::string_view kUserType = "#microsoft.graph.user";
constexpr std::string_view kGroupType = "#microsoft.graph.group";
constexpr std::string_view kExchangeGroup =
    "/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=";
constexpr uint32_t kCeo = 0;

// Teams are named after what they do; the ones that face customers by region.
struct Function {
  std::string_view name;
  bool regional;
  std::string_view title;  // what its members' job titles say
};
constexpr Function kFunctions[] = {
    {"Sales", true, "Account Executive"},
    {"Engineering", false, "Software Engineer"},
    {"Customer Success", true, "Customer Success Manager"},
    {"Marketing", false, "Marketing Manager"},
    {"Finance", false, "Financial Analyst"},
    {"Operations", false, "Operations Specialist"},
    {"Product", false, "Product Manager"},
    {"Support", true, "Support Engineer"},
};
constexpr std::string_view kRegions[] = {"East", "West", "North", "South", "Europe", "Asia"};

// 8-4-4-4-12 hex digits: the seed's low 32 bits, a fixed middle whose variant digit says what
// the object is ('8' users, '9' groups), and `number`.
std::string Guid(uint64_t seed, char variant, uint64_t number) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string id;
  for (int shift = 28; shift >= 0; shift -= 4) id += kDigits[seed >> shift & 0xF];
  id += "-0000-4000-";
  id += variant;
  id += "000-";
  for (int shift = 44; shift >= 0; shift -= 4) id += kDigits[number >> shift & 0xF];
  return id;
}

std::string Slug(std::string_view name) {
  std::string slug;
  for (char c : name) {
    if (c == ' ') {
      slug += '-';
    } else {
      slug += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return slug;
}

std::string LocalPart(const std::string& address) {
  return address.substr(0, address.find('@'));
}

struct Group {
  std::string id, name, mail;
  bool security = false;
  std::vector<uint32_t> members;  // person indexes
};

// The groups and who leads whom, from the population's teams.
struct Organisation {
  std::vector<Group> groups;         // Leadership, then the teams that have users
  std::vector<uint32_t> team_group;  // per user: index into groups
  std::vector<int64_t> manager;      // per user: person index, -1 for the CEO
  std::vector<bool> leads;           // per user: leads a team
};

Organisation Organise(const OrganisationSpec& spec, const Population& pop) {
  Organisation org;
  std::string at = "@";
  at.append(spec.internal_domain);
  org.groups.push_back({Guid(spec.seed, '9', 1), "Leadership", "leadership" + at, true, {}});
  org.team_group.assign(pop.users.size(), 0);
  org.manager.assign(pop.users.size(), -1);
  org.leads.assign(pop.users.size(), false);
  if (!pop.users.empty()) org.groups[0].members.push_back(kCeo);
  for (const std::vector<uint32_t>& team : pop.teams) {
    if (team.empty()) continue;
    uint32_t k = static_cast<uint32_t>(org.groups.size() - 1);
    std::string name = TeamName(k);
    std::string mail = Slug(name) + at;
    org.groups.push_back(
        {Guid(spec.seed, '9', k + 2), std::move(name), std::move(mail), false, team});
    uint32_t lead = team.front();  // the lowest index: the CEO, user 0, leads their own team
    org.leads[lead] = true;
    if (lead != kCeo) {
      org.manager[lead] = kCeo;
      org.groups[0].members.push_back(lead);
    }
    for (uint32_t u : team) {
      org.team_group[u] = k + 1;
      if (u != lead) org.manager[u] = lead;
    }
  }
  return org;
}

Json GroupRef(const Group& g) {
  return Json{{"@odata.type", kGroupType}, {"id", g.id}, {"displayName", g.name}, {"mail", g.mail}};
}

// The chief executive, a team's lead, else the title of the team's function. Drawn from nothing
// random: the rest of the sample stays as it was.
std::string JobTitle(const Organisation& org, uint32_t u, const Group& team) {
  if (u == kCeo) return "Chief Executive Officer";
  if (org.leads[u]) return "Head of " + team.name;
  for (const auto& f : kFunctions) {
    if (team.name.rfind(f.name, 0) == 0) return std::string(f.title);
  }
  return "";
}

Json InternalUser(const OrganisationSpec& spec, const Population& pop, const Organisation& org,
                  uint32_t u, const std::string& organisation) {
  const Person& p = pop.people[u];
  const Group& team = org.groups[org.team_group[u]];
  std::string x500 = "X500:/o=" + organisation;
  x500.append(kExchangeGroup).append(LocalPart(p.address));
  Json user{{"id", DirectoryUserId(u, spec.seed)},
            {"displayName", p.name},
            {"mail", p.address},
            {"userPrincipalName", p.address},
            {"userType", "Member"},
            {"department", team.name},
            {"jobTitle", JobTitle(org, u, team)},
            {"proxyAddresses", Json::array({"SMTP:" + p.address, x500})}};
  if (org.manager[u] >= 0) {
    auto boss = static_cast<uint32_t>(org.manager[u]);
    user["manager"] = Json{{"@odata.type", kUserType},
                           {"id", DirectoryUserId(boss, spec.seed)},
                           {"mail", pop.people[boss].address}};
  }
  Json member_of = Json::array({GroupRef(team)});
  if (org.leads[u]) member_of.push_back(GroupRef(org.groups[0]));
  user["memberOf"] = std::move(member_of);
  return user;
}

// A guest's userPrincipalName: their address with '@' as '_', then "#EXT#@" and the tenant.
Json GuestUser(const OrganisationSpec& spec, const Person& p, uint32_t person) {
  std::string upn = p.address;
  upn[upn.find('@')] = '_';
  upn.append("#EXT#@").append(spec.internal_domain);
  return Json{{"id", DirectoryUserId(person, spec.seed)},
              {"displayName", p.name},
              {"mail", p.address},
              {"userPrincipalName", upn},
              {"userType", "Guest"},
              {"proxyAddresses", Json::array({"SMTP:" + p.address})},
              {"memberOf", Json::array()}};
}

void AppendItem(std::string& out, const Json& item) {
  if (!out.empty()) out += ",\n";
  out += item.dump();
}

Status WriteCollection(const std::string& path, std::string_view select, const std::string& items,
                       DirectoryExportSummary& summary) {
  std::string context(kMetadata);
  context.append(select);
  std::string data = "{\n\"@odata.context\": ";
  data.append(Json(context).dump()).append(",\n\"value\": [\n").append(items);
  data.append(items.empty() ? "]\n}\n" : "\n]\n}\n");
  RAPPORT_RETURN_IF_ERROR(WriteWholeFile(path, data));
  ++summary.files;
  summary.bytes += data.size();
  return Status::Ok();
}

// The `n` people of accounts whom the most users have a tie to (ties by person index).
std::vector<uint32_t> MostTiedAccountPeople(const Population& pop, uint32_t n) {
  std::map<uint32_t, uint32_t> users;  // person -> users tied to them
  for (const User& u : pop.users) {
    for (uint32_t t = u.first_tie; t < u.first_tie + u.tie_count; ++t) {
      if (pop.people[pop.ties[t]].account >= 0) ++users[pop.ties[t]];
    }
  }
  std::vector<std::pair<uint32_t, uint32_t>> ranked(users.begin(), users.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<uint32_t> out;
  for (size_t i = 0; i < ranked.size() && i < n; ++i) out.push_back(ranked[i].first);
  return out;
}

// "Fabrikam Energy" as an RFC 4180 field: quoted, quotes doubled.
std::string CsvField(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// The CRM's account list, as `rapport accounts import` reads it: every account and its domain.
Status WriteAccountList(const Population& pop, const std::string& path,
                        DirectoryExportSummary& summary) {
  std::string data = "name,domains\r\n";
  for (const Account& a : pop.accounts) {
    data.append(CsvField(a.name)).append(",").append(CsvField(a.domain)).append("\r\n");
  }
  RAPPORT_RETURN_IF_ERROR(WriteWholeFile(path, data));
  ++summary.files;
  summary.bytes += data.size();
  summary.accounts = pop.accounts.size();
  return Status::Ok();
}

}  // namespace

std::string DirectoryUserId(uint32_t person, uint64_t seed) {
  return Guid(seed, '8', uint64_t{person} + 1);
}

std::string OrganisationName(const std::string& internal_domain) {
  std::string name;
  bool word_start = true;
  for (char c : std::string_view(internal_domain).substr(0, internal_domain.find('.'))) {
    if (c == '-') {
      name += ' ';
      word_start = true;
      continue;
    }
    name += word_start && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    word_start = false;
  }
  return name;
}

std::string TeamName(uint32_t k) {
  const Function& f = kFunctions[k % std::size(kFunctions)];
  uint32_t round = k / static_cast<uint32_t>(std::size(kFunctions));
  std::string name(f.name);
  if (f.regional) {
    name.append(" ").append(kRegions[round % std::size(kRegions)]);
    round /= static_cast<uint32_t>(std::size(kRegions));
  }
  if (round > 0) name.append(" ").append(std::to_string(round + 1));
  return name;
}

Result<DirectoryExportSummary> WriteDirectoryExport(const OrganisationSpec& spec,
                                                    const Population& pop,
                                                    const std::string& out_dir) {
  std::string dir = (std::filesystem::path(out_dir) / "directory").string();
  RAPPORT_RETURN_IF_ERROR(CreateDirectories(dir));
  DirectoryExportSummary summary;
  Organisation org = Organise(spec, pop);
  const std::string organisation = OrganisationName(spec.internal_domain);
  std::string items;
  for (uint32_t u = 0; u < pop.users.size(); ++u) {
    AppendItem(items, InternalUser(spec, pop, org, u, organisation));
    ++summary.users;
  }
  // The account people the organisation works with most: tied to the most users.
  for (uint32_t person : MostTiedAccountPeople(pop, kDirectoryGuests)) {
    AppendItem(items, GuestUser(spec, pop.people[person], person));
    ++summary.users;
    ++summary.guests;
  }
  RAPPORT_RETURN_IF_ERROR(WriteCollection(dir + "/users.json", kUserSelect, items, summary));
  items.clear();
  for (const Group& g : org.groups) {
    Json members = Json::array();
    for (uint32_t u : g.members) {
      members.push_back(Json{{"@odata.type", kUserType}, {"id", DirectoryUserId(u, spec.seed)}});
    }
    AppendItem(items, Json{{"id", g.id},
                           {"displayName", g.name},
                           {"mail", g.mail},
                           {"securityEnabled", g.security},
                           {"mailEnabled", true},
                           {"groupTypes", Json::array()},
                           {"members", std::move(members)}});
    ++summary.groups;
  }
  RAPPORT_RETURN_IF_ERROR(WriteCollection(dir + "/groups.json", kGroupSelect, items, summary));
  RAPPORT_RETURN_IF_ERROR(WriteAccountList(pop, dir + "/accounts.csv", summary));
  return summary;
}

}  // namespace rapport::sample
