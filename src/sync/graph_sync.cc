// One pass over a Microsoft Graph source: every chosen user's mail folders (child folders
// included), each by its own delta query -- Graph has no mailbox-wide message delta -- then
// the user's meetings (graph/graph_calendar.h).
//
// A folder's cursor is the link to ask next: a next link while a round is under way, the delta
// link once it is done. It is written with the page of items it follows, in one transaction, so
// a sync killed at any point goes on from the page after the last one stored. An expired link
// (410, SyncStateNotFound) starts the folder's round again: every message is found stored (a
// duplicate), and the ones no longer listed are removed at the end of that round when one run
// read it whole (a round resumed after a kill cannot know what its first pages listed).
#include <algorithm>
#include <atomic>
#include <ctime>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "ingest/graph/graph_json.h"
#include "rapport/sync/graph_source.h"
#include "rapport/sync/mailbox_sync.h"
#include "sync/graph/graph_calendar.h"
#include "sync/graph/graph_directory.h"
#include "sync/graph/graph_http.h"
#include "sync/graph/graph_paging.h"
#include "sync/serialized_sink.h"

namespace rapport::sync {
namespace {

constexpr size_t kMailboxesAtOnce = 4;
constexpr std::string_view kMailPermission = "Mail.ReadBasic.All";
constexpr std::string_view kUserPermission = "User.Read.All";
constexpr std::string_view kGroupPermission = "GroupMember.Read.All";
// Metadata only: no body, no preview, no attachments.
constexpr const char* kMessageFields =
    "id,internetMessageId,from,sender,toRecipients,ccRecipients,bccRecipients,sentDateTime,"
    "receivedDateTime,subject";

struct GraphFolderRef {
  std::string id, name;
};

Result<std::vector<GraphMailboxRef>> ListUsers(GraphHttp& http, const GraphSource& s,
                                               SyncCounts& counts) {
  std::vector<GraphMailboxRef> users;
  auto add = [&](const nlohmann::json& u) {
    if (!u.is_object() || !u.contains("id") || !u["id"].is_string()) return;
    if (u.contains("@odata.type") && u["@odata.type"] != "#microsoft.graph.user") return;
    std::string mail =
        u.contains("mail") && u["mail"].is_string() ? u["mail"].get<std::string>() : "";
    if (mail.empty()) return;  // no mailbox
    users.push_back({u["id"].get<std::string>(), mail});
  };
  const std::string select = "$select=id,mail,userPrincipalName";
  if (s.users == "all") {
    RAPPORT_RETURN_IF_ERROR(
        ForEachGraphItem(http, "/users?" + select + "&$top=999", kUserPermission, counts, add));
  } else if (s.users.rfind("group:", 0) == 0) {
    RAPPORT_RETURN_IF_ERROR(ForEachGraphItem(
        http, "/groups/" + GraphPathSegment(s.users.substr(6)) + "/members?" + select + "&$top=999",
        kGroupPermission, counts, add));
  } else {
    size_t start = 0;
    while (start < s.users.size()) {
      size_t comma = s.users.find(',', start);
      if (comma == std::string::npos) comma = s.users.size();
      std::string address = s.users.substr(start, comma - start);
      start = comma + 1;
      if (address.empty()) continue;
      RAPPORT_RETURN_IF_ERROR(ForEachGraphItem(http,
                                               "/users/" + GraphPathSegment(address) + "?" + select,
                                               kUserPermission, counts, add));
    }
  }
  return users;
}

Result<std::vector<GraphFolderRef>> ListFolders(GraphHttp& http, const GraphMailboxRef& user,
                                                SyncCounts& counts) {
  std::vector<GraphFolderRef> folders;
  std::vector<std::pair<std::string, std::string>> parents;  // (id, path) with children
  const std::string select = "?$select=id,displayName,childFolderCount&$top=250";
  auto collect = [&](const std::string& prefix) {
    return [&, prefix](const nlohmann::json& f) {
      if (!f.is_object() || !f.contains("id") || !f["id"].is_string()) return;
      std::string name = prefix + f.value("displayName", std::string("?"));
      folders.push_back({f["id"].get<std::string>(), name});
      if (f.value("childFolderCount", 0) > 0) parents.emplace_back(folders.back().id, name);
    };
  };
  const std::string base = "/users/" + GraphPathSegment(user.id) + "/mailFolders";
  RAPPORT_RETURN_IF_ERROR(
      ForEachGraphItem(http, base + select, kMailPermission, counts, collect("")));
  for (size_t i = 0; i < parents.size(); ++i) {  // grows while it is walked: every depth
    auto [id, path] = parents[i];
    RAPPORT_RETURN_IF_ERROR(
        ForEachGraphItem(http, base + "/" + GraphPathSegment(id) + "/childFolders" + select,
                         kMailPermission, counts, collect(path + "/")));
  }
  return folders;
}

class GraphFolderSync {
 public:
  explicit GraphFolderSync(const GraphPass& pass) : p_(pass) {}

  Status Run(const GraphMailboxRef& user, const GraphFolderRef& folder,
             const std::map<std::string, std::string>& cursors);

 private:
  Status StorePage(const ingest::GraphJsonResult& page);
  Status Save(const std::string& link);
  Status RemoveUnlisted();

  const GraphPass& p_;
  std::string key_, location_;
  // This run began the folder's round at its start, so `listed_` holds all it listed: what it
  // did not list is gone. A round resumed from a next link (after a kill) never knows that.
  bool fresh_round_ = false;
  std::set<uint64_t> listed_;
};

Status GraphFolderSync::Run(const GraphMailboxRef& user, const GraphFolderRef& folder,
                            const std::map<std::string, std::string>& cursors) {
  key_ = user.id + "/" + folder.id;
  location_ = "graph://" + p_.settings.tenant + "/" + GraphPathSegment(user.address) + "/" +
              GraphPathSegment(folder.name);
  const std::string start = "/users/" + GraphPathSegment(user.id) + "/mailFolders/" +
                            GraphPathSegment(folder.id) +
                            "/messages/delta?$select=" + kMessageFields;
  std::string url = start;
  if (auto it = cursors.find(key_); it != cursors.end()) {
    auto j = nlohmann::json::parse(it->second, nullptr, false);
    if (j.is_object() && j.contains("link") && j["link"].is_string()) {
      url = j["link"].get<std::string>();
    }
  }
  fresh_round_ = url == start;
  bool resynced = false;
  while (true) {
    if (p_.options.stop && p_.options.stop->load()) return Status::Ok();
    auto body = p_.http.Get(url, kMailPermission);
    if (!body.ok() && body.status().message() == kDeltaExpired && !resynced) {
      resynced = true;  // start the round again; the cursor stays until the first page lands
      ++p_.counts.resyncs;
      url = start;
      fresh_round_ = true;
      listed_.clear();
      continue;
    }
    if (!body.ok()) return body.status();
    ++p_.counts.pages;
    auto page = ingest::ParseGraphJson(*body, p_.options.window);
    if (!page.ok())
      return Status::Corruption("Graph: an unreadable delta page: " + page.status().message());
    RAPPORT_RETURN_IF_ERROR(StorePage(*page));
    if (!page->next_link.empty()) {
      RAPPORT_RETURN_IF_ERROR(Save(page->next_link));
      url = page->next_link;
      continue;
    }
    if (page->delta_link.empty()) {
      return Status::Corruption("Graph: a delta page with neither a next nor a delta link");
    }
    if (fresh_round_) RAPPORT_RETURN_IF_ERROR(RemoveUnlisted());
    fresh_round_ = false;
    return Save(page->delta_link);
  }
}

Status GraphFolderSync::StorePage(const ingest::GraphJsonResult& page) {
  for (const auto& reason : page.rejected) {
    ++p_.counts.rejected;
    ++p_.counts.rejected_by_reason[reason];
  }
  for (auto message : page.messages) {
    ++p_.counts.messages_read;
    uint64_t offset = GraphItemOffset(message.graph_id);
    if (fresh_round_) listed_.insert(offset);
    if (p_.gate.Filter(message.meta) == ingest::GateVerdict::kDrop) {
      ++p_.counts.dropped_by_consent;
      continue;
    }
    ingest::Provenance where{"graph", location_, offset, {}, /*live=*/true};
    auto outcome = p_.sink.Add(message.meta, where);
    if (!outcome.ok()) return outcome.status();
    ++(*outcome == ingest::SinkOutcome::kStored ? p_.counts.stored : p_.counts.duplicates);
  }
  for (const auto& removed : page.removed) {
    auto gone = p_.sink.RemoveItem(location_, GraphItemOffset(removed.graph_id));
    if (!gone.ok()) return gone.status();
    if (*gone) ++p_.counts.removed;
  }
  return Status::Ok();
}

Status GraphFolderSync::Save(const std::string& link) {
  nlohmann::ordered_json j{{"link", link}};
  RAPPORT_RETURN_IF_ERROR(p_.sink.SetCursor(p_.source.id, key_, j.dump()));
  RAPPORT_RETURN_IF_ERROR(p_.sink.Commit());
  if (p_.options.progress) p_.options.progress(location_, p_.counts);
  return Status::Ok();
}

// After a round this run began at the start, the items stored from this folder that it did not
// list were deleted while no delta link could say so (it had expired).
Status GraphFolderSync::RemoveUnlisted() {
  auto held = p_.sink.ItemsAt(location_);
  if (!held.ok()) return held.status();
  for (uint64_t offset : *held) {
    if (listed_.count(offset)) continue;
    auto gone = p_.sink.RemoveItem(location_, offset);
    if (!gone.ok()) return gone.status();
    if (*gone) ++p_.counts.removed;
  }
  return Status::Ok();
}

// What the threads of a pass share: the mailboxes to read, the next one to take, and what
// stops them all.
struct MailboxQueue {
  MailboxQueue(const std::vector<GraphMailboxRef>& u, const std::map<std::string, std::string>& c,
               int64_t at)
      : users(u), cursors(c), now(at) {}

  const std::vector<GraphMailboxRef>& users;
  const std::map<std::string, std::string>& cursors;
  int64_t now = 0;
  std::atomic<size_t> next{0};
  std::atomic<bool> calendars_denied{false};
  std::atomic<bool> halt{false};  // a missing mail permission: the same for every mailbox
  std::mutex fatal_mutex;
  Status fatal;
};

bool Stopping(const GraphPass& pass, const MailboxQueue& q) {
  return q.halt.load() || (pass.options.stop && pass.options.stop->load());
}

// One mailbox: its folders, then its meetings. Errors are counted; only a missing mail
// permission, the same for every mailbox, is returned.
Status SyncMailbox(const GraphPass& pass, MailboxQueue& q, const GraphMailboxRef& user) {
  SyncCounts& counts = pass.counts;
  auto folders = ListFolders(pass.http, user, counts);
  if (!folders.ok() && folders.status().code() == Status::Code::kPermissionDenied) {
    return folders.status();
  }
  if (!folders.ok()) {
    ++counts.errors;
    counts.error_messages.push_back(user.address + ": " + folders.status().message());
    return Status::Ok();
  }
  for (const auto& folder : *folders) {
    if (Stopping(pass, q)) return Status::Ok();
    ++counts.folders;
    GraphFolderSync sync(pass);
    Status st = sync.Run(user, folder, q.cursors);
    if (!st.ok()) {
      RAPPORT_RETURN_IF_ERROR(pass.sink.Commit());
      if (st.code() == Status::Code::kPermissionDenied) return st;
      ++counts.errors;
      counts.error_messages.push_back(user.address + "/" + folder.name + ": " + st.message());
    }
  }
  if (!pass.settings.ReadsMeetings() || q.calendars_denied.load() || Stopping(pass, q)) {
    return Status::Ok();
  }
  Status st = SyncGraphCalendar(pass, user, q.cursors, q.now);
  if (st.ok()) return Status::Ok();
  RAPPORT_RETURN_IF_ERROR(pass.sink.Commit());
  // Mail goes on without meetings when only the calendar permission is missing, and the error
  // is said once, not for every mailbox.
  const bool denied = st.code() == Status::Code::kPermissionDenied;
  if (denied && q.calendars_denied.exchange(true)) return Status::Ok();
  ++counts.errors;
  counts.error_messages.push_back(
      denied ? st.message() + " (or connect with --meetings-back 0 --meetings-ahead 0)"
             : user.address + "/calendar: " + st.message());
  return Status::Ok();
}

// One thread: mailboxes from the queue until none is left, over its own connection.
void SyncMailboxes(const GraphPass& pass, MailboxQueue& q) {
  for (size_t i = q.next++; i < q.users.size() && !Stopping(pass, q); i = q.next++) {
    Status st = SyncMailbox(pass, q, q.users[i]);
    if (st.ok()) continue;
    std::lock_guard<std::mutex> lock(q.fatal_mutex);
    if (q.fatal.ok()) q.fatal = st;
    q.halt.store(true);
  }
}

void AddCounts(SyncCounts& to, const SyncCounts& from) {
  to.folders += from.folders;
  to.folders_unchanged += from.folders_unchanged;
  to.messages_read += from.messages_read;
  to.stored += from.stored;
  to.duplicates += from.duplicates;
  to.removed += from.removed;
  to.dropped_by_consent += from.dropped_by_consent;
  to.rejected += from.rejected;
  for (const auto& [reason, n] : from.rejected_by_reason) to.rejected_by_reason[reason] += n;
  for (const auto& [reason, n] : from.skipped_by_reason) to.skipped_by_reason[reason] += n;
  to.meetings += from.meetings;
  to.directory_changes += from.directory_changes;
  to.pages += from.pages;
  to.retries += from.retries;
  to.resyncs += from.resyncs;
  to.errors += from.errors;
  to.error_messages.insert(to.error_messages.end(), from.error_messages.begin(),
                           from.error_messages.end());
}

// Up to kMailboxesAtOnce mailboxes at a time, each thread with its own connection and one
// request in flight (Graph allows four per mailbox); the store takes one call at a time.
Status SyncAllMailboxes(const GraphPass& pass, MailboxQueue& q) {
  const size_t threads = std::min(kMailboxesAtOnce, q.users.size());
  std::mutex store_mutex, progress_mutex;
  SerializedSink sink(pass.sink, store_mutex);
  SerializedGate gate(pass.gate, store_mutex);
  std::vector<std::unique_ptr<GraphHttp>> https;
  std::vector<SyncCounts> counts(threads);
  std::vector<SyncOptions> options(threads, pass.options);
  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t) {
    https.push_back(std::make_unique<GraphHttp>(pass.settings, pass.options.stop));
    if (pass.options.progress) {
      options[t].progress = [&pass, &progress_mutex](std::string_view where, const SyncCounts& c) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        pass.options.progress(where, c);
      };
    }
  }
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      GraphPass mine{pass.source, pass.settings, *https[t], sink, gate, options[t], counts[t]};
      SyncMailboxes(mine, q);
    });
  }
  for (std::thread& w : workers) w.join();
  const size_t before = pass.counts.error_messages.size();  // the directory's, said first
  for (size_t t = 0; t < threads; ++t) {
    counts[t].retries += https[t]->retries();
    AddCounts(pass.counts, counts[t]);
  }
  // Which thread met which mailbox's error first is chance; the report is not.
  auto& messages = pass.counts.error_messages;
  std::sort(messages.begin() + static_cast<std::ptrdiff_t>(before), messages.end());
  return q.fatal;
}

}  // namespace

Result<SyncCounts> SyncGraph(const store::SyncSource& source, ingest::MailboxSink& sink,
                             ingest::IngestGate& gate, const SyncOptions& options) {
  auto settings = GraphSourceFromJson(source.config);
  if (!settings.ok()) return settings.status();
  RAPPORT_RETURN_IF_ERROR(gate.CheckRun());
  auto cursors = sink.Cursors(source.id);
  if (!cursors.ok()) return cursors.status();
  GraphHttp http(*settings, options.stop);
  SyncCounts counts;
  auto users = ListUsers(http, *settings, counts);
  if (!users.ok()) return users.status();
  GraphPass pass{source, *settings, http, sink, gate, options, counts};
  if (settings->directory) {  // first: people resolution after the pass reads it
    Status st = SyncGraphDirectory(pass, *cursors);
    if (!st.ok()) {
      RAPPORT_RETURN_IF_ERROR(sink.Commit());
      ++counts.errors;
      counts.error_messages.push_back("directory: " + st.message() +
                                      (st.code() == Status::Code::kPermissionDenied
                                           ? " (or connect with --no-directory)"
                                           : ""));
    }
  }
  counts.retries += http.retries();
  MailboxQueue queue(*users, *cursors, std::time(nullptr));
  RAPPORT_RETURN_IF_ERROR(SyncAllMailboxes(pass, queue));
  RAPPORT_RETURN_IF_ERROR(sink.Commit());
  return counts;
}

Result<std::string> TestGraph(const store::SyncSource& source) {
  auto settings = GraphSourceFromJson(source.config);
  if (!settings.ok()) return settings.status();
  GraphHttp http(*settings, nullptr);
  RAPPORT_RETURN_IF_ERROR(http.Authenticate());
  SyncCounts counts;
  auto users = ListUsers(http, *settings, counts);
  if (!users.ok()) return users.status();
  if (users->empty()) return std::string("got a token; no mailbox among the users chosen");
  auto folders = ListFolders(http, users->front(), counts);
  if (!folders.ok()) return folders.status();
  return "got a token for " + settings->client_id + " in " + settings->tenant + "; " +
         std::to_string(users->size()) + " mailboxes to sync; " + users->front().address + " has " +
         std::to_string(folders->size()) + " folders";
}

}  // namespace rapport::sync
