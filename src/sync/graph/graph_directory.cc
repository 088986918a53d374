#include "sync/graph/graph_directory.h"

#include "ingest/directory/directory_import.h"

namespace rapport::sync {
namespace {

struct DirectoryRound {
  const char* key;    // the cursor's name
  const char* start;  // the round's first request
  const char* what;   // for errors
  std::string_view permission;
};

// Only what SPEC §3 keeps of a directory entry.
constexpr DirectoryRound kRounds[] = {
    {"directory/users",
     "/users/delta?$select=id,displayName,mail,userPrincipalName,proxyAddresses,otherMails,"
     "userType,department,manager",
     "Graph /users/delta", kDirectoryUserPermission},
    {"directory/groups", "/groups/delta?$select=id,displayName,mail,members", "Graph /groups/delta",
     kDirectoryGroupPermission},
};

std::string Link(const nlohmann::json& page, const char* name) {
  return page.contains(name) && page[name].is_string() ? page[name].get<std::string>() : "";
}

Status RunRound(const GraphPass& pass, const DirectoryRound& round,
                const std::map<std::string, std::string>& cursors) {
  std::string url = round.start;
  if (auto it = cursors.find(round.key); it != cursors.end()) {
    auto j = nlohmann::json::parse(it->second, nullptr, false);
    if (j.is_object() && j.contains("link") && j["link"].is_string()) url = j["link"];
  }
  bool resynced = false;
  while (true) {
    if (pass.options.stop && pass.options.stop->load()) return Status::Ok();
    auto body = pass.http.Get(url, round.permission);
    if (!body.ok() && body.status().message() == kDeltaExpired && !resynced) {
      // A new round lists everyone again: changes are re-applied, nothing is doubled.
      resynced = true;
      ++pass.counts.resyncs;
      url = round.start;
      continue;
    }
    if (!body.ok()) return body.status();
    ++pass.counts.pages;
    auto page = nlohmann::json::parse(*body, nullptr, false);
    if (!page.is_object()) return Status::Corruption(std::string(round.what) + ": not JSON");
    auto changes = ingest::ParseDirectoryGraphJson(*body, round.what);
    if (!changes.ok()) return changes.status();
    RAPPORT_RETURN_IF_ERROR(pass.sink.ApplyDirectory(*changes));
    pass.counts.directory_changes += changes->users.size() + changes->groups.size() +
                                     changes->removed_users.size() + changes->removed_groups.size();
    std::string next = Link(page, "@odata.nextLink"), delta = Link(page, "@odata.deltaLink");
    if (next.empty() && delta.empty()) {
      return Status::Corruption(std::string(round.what) +
                                ": a page with neither a next nor a delta link");
    }
    nlohmann::ordered_json cursor{{"link", next.empty() ? delta : next}};
    RAPPORT_RETURN_IF_ERROR(pass.sink.SetCursor(pass.source.id, round.key, cursor.dump()));
    RAPPORT_RETURN_IF_ERROR(pass.sink.Commit());
    if (next.empty()) return Status::Ok();
    url = next;
  }
}

}  // namespace

Status SyncGraphDirectory(const GraphPass& pass,
                          const std::map<std::string, std::string>& cursors) {
  for (const auto& round : kRounds) RAPPORT_RETURN_IF_ERROR(RunRound(pass, round, cursors));
  return Status::Ok();
}

}  // namespace rapport::sync
