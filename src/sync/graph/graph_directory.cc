#include "sync/graph/graph_directory.h"

#include <set>

#include "ingest/directory/directory_import.h"

namespace rapport::sync {
namespace {

struct DirectoryRound {
  const char* key;    // the cursor's name
  const char* start;  // the round's first request
  const char* what;   // for errors
  std::string_view permission;
  bool users = false;
};

// Only what SPEC §3 keeps of a directory entry.
constexpr DirectoryRound kRounds[] = {
    {"directory/users",
     "/users/delta?$select=id,displayName,mail,userPrincipalName,proxyAddresses,otherMails,"
     "userType,department,jobTitle,manager",
     "Graph /users/delta", kDirectoryUserPermission, /*users=*/true},
    {"directory/groups", "/groups/delta?$select=id,displayName,mail,members", "Graph /groups/delta",
     kDirectoryGroupPermission},
};

// After a users round this run read whole from its start, the users the directory holds from
// Graph (keys without '@'; a CSV import keys users by address) that it did not list were deleted
// while no delta link could say so (the first round, or one after an expired link).
Result<size_t> RemoveUnlisted(const GraphPass& pass, const std::set<std::string>& listed) {
  auto held = pass.sink.DirectoryUserKeys();
  if (!held.ok()) return held.status();
  model::Directory gone;
  for (const std::string& key : *held) {
    if (key.find('@') == std::string::npos && !listed.count(key)) gone.removed_users.push_back(key);
  }
  if (!gone.removed_users.empty()) RAPPORT_RETURN_IF_ERROR(pass.sink.ApplyDirectory(gone));
  return gone.removed_users.size();
}

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
  bool whole = url == round.start;  // this run reads the round from its start
  std::set<std::string> listed;     // users the round named, when `whole`
  while (true) {
    if (pass.options.stop && pass.options.stop->load()) return Status::Ok();
    auto body = pass.http.Get(url, round.permission);
    if (!body.ok() && body.status().message() == kDeltaExpired && !resynced) {
      // A new round lists everyone again: changes are re-applied, nothing is doubled.
      resynced = true;
      ++pass.counts.resyncs;
      url = round.start;
      whole = true;
      listed.clear();
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
    if (round.users && whole) {
      for (const auto& u : changes->users) listed.insert(u.key);
      if (next.empty()) {
        auto removed = RemoveUnlisted(pass, listed);
        if (!removed.ok()) return removed.status();
        pass.counts.directory_changes += *removed;
      }
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
