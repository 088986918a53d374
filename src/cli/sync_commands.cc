#include "cli/sync_commands.h"

#include <fmt/core.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "cli/commands.h"
#include "cli/format.h"
#include "rapport/consent/consent_gate.h"
#include "rapport/insights/tie_index.h"
#include "rapport/sync/graph_source.h"
#include "rapport/sync/imap_source.h"
#include "rapport/sync/mailbox_sync.h"
#include "sync/net_helpers.h"

namespace rapport::cli {
namespace {

using nlohmann::ordered_json;

struct ImapArgs {
  std::string name, url, user, password_file, oauth2_token_file, ca_file, folders = "all";
  bool starttls = false;
};

struct GraphArgs {
  std::string name;
  sync::GraphSource source;
  bool no_directory = false;
};

struct SyncArgs {
  std::vector<std::string> names;
  bool watch = false;
  int interval = 300;
  bool json = false;
};

std::atomic<bool> g_stop{false};

void OnStopSignal(int) {
  g_stop.store(true);
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

// Stores a checked source; 0, or the exit code of the failure (already reported).
int AddSource(const std::string& db, const std::string& name, const char* kind,
              std::string config) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  store::SyncSource row;
  row.name = name;
  row.kind = kind;
  row.config = std::move(config);
  row.created_at = Now();
  auto id = (*store)->AddSyncSource(row);
  if (!id.ok()) return Fail(id.status().message());
  return 0;
}

int RunConnectImap(const std::string& db, const ImapArgs& args) {
  sync::ImapSource source;
  Status st = sync::ParseImapUrl(args.url, args.starttls, source);
  if (!st.ok()) return Usage(st.message());
  source.user = args.user;
  source.password_file = args.password_file;
  source.oauth2_token_file = args.oauth2_token_file;
  source.ca_file = args.ca_file;
  if (args.folders != "all") source.folders = SplitList(args.folders);
  st = sync::CheckImapSource(source);
  if (!st.ok()) return Usage(st.message());
  if (int failed = AddSource(db, args.name, "imap", sync::ImapSourceJson(source))) return failed;
  fmt::print(
      "connected '{}': {} as {} ({}); rapport connect test {} tries it, rapport sync reads it\n",
      args.name, source.url, source.user,
      source.folders.empty() ? "every folder" : Joined(source.folders), args.name);
  return 0;
}

int RunConnectGraph(const std::string& db, GraphArgs args) {
  args.source.directory = !args.no_directory;
  Status st = sync::CheckGraphSource(args.source);
  if (!st.ok()) return Usage(st.message());
  if (int failed = AddSource(db, args.name, "graph", sync::GraphSourceJson(args.source))) {
    return failed;
  }
  fmt::print(
      "connected '{}': Microsoft Graph, tenant {}, app {}, users {}; rapport connect test {} "
      "tries it, rapport sync reads it\n",
      args.name, args.source.tenant, args.source.client_id, args.source.users, args.name);
  return 0;
}

Result<std::vector<store::SyncSource>> Sources(store::Store& store,
                                               const std::vector<std::string>& names) {
  auto all = store.ListSyncSources();
  if (!all.ok()) return all.status();
  if (names.empty()) return all;
  std::vector<store::SyncSource> chosen;
  for (const auto& name : names) {
    auto it = std::find_if(all->begin(), all->end(), [&](const auto& s) { return s.name == name; });
    if (it == all->end()) {
      return Status::NotFound("no source named '" + name +
                              "' (rapport connect list shows the sources)");
    }
    chosen.push_back(*it);
  }
  return chosen;
}

int RunConnectList(const std::string& db, bool json) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto sources = (*store)->ListSyncSources();
  if (!sources.ok()) return Fail(sources.status().message());
  if (json) {
    ordered_json out = ordered_json::array();
    for (const auto& s : *sources) {
      ordered_json j{{"name", s.name}, {"kind", s.kind}};
      j["settings"] = ordered_json::parse(s.config, nullptr, false);
      j["created_at"] = IsoTime(s.created_at);
      j["last_sync_at"] = s.last_sync_at ? ordered_json(IsoTime(*s.last_sync_at)) : nullptr;
      j["last_error"] = s.last_error;
      out.push_back(j);
    }
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  if (sources->empty()) {
    fmt::print("no sources: rapport connect imap|graph NAME ... adds one (docs/connectors.md)\n");
    return 0;
  }
  for (const auto& s : *sources) {
    auto settings = ordered_json::parse(s.config, nullptr, false);
    std::string where = settings.is_object()
                            ? settings.value("url", "") + " as " + settings.value("user", "")
                            : "?";
    fmt::print("{:<16} {:<6} {}  last sync {}{}\n", s.name, s.kind, where,
               s.last_sync_at ? IsoTime(*s.last_sync_at) : "never",
               s.last_error.empty() ? "" : "  error: " + s.last_error);
  }
  return 0;
}

int RunConnectRemove(const std::string& db, const std::string& name) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  Status st = (*store)->RemoveSyncSource(name);
  if (!st.ok()) return Fail(st.message());
  fmt::print("removed '{}'; the mail it brought stays (retention and purge govern it)\n", name);
  return 0;
}

int RunConnectTest(const std::string& db, const std::string& name) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto sources = Sources(**store, {name});
  if (!sources.ok()) return Fail(sources.status().message());
  const auto& source = sources->front();
  auto said = source.kind == "graph" ? sync::TestGraph(source) : sync::TestImap(source);
  if (!said.ok()) return Fail(name + ": " + said.status().message());
  fmt::print("{}: {}\n", name, *said);
  return 0;
}

ordered_json CountsJson(const store::SyncSource& s, const sync::SyncCounts& c) {
  ordered_json j{{"name", s.name},
                 {"kind", s.kind},
                 {"folders", c.folders},
                 {"folders_unchanged", c.folders_unchanged},
                 {"messages_read", c.messages_read},
                 {"messages_stored", c.stored},
                 {"duplicates", c.duplicates},
                 {"removed", c.removed},
                 {"dropped_by_consent", c.dropped_by_consent},
                 {"rejected", c.rejected},
                 {"meetings", c.meetings},
                 {"directory_changes", c.directory_changes},
                 {"pages", c.pages},
                 {"retries", c.retries},
                 {"resyncs", c.resyncs},
                 {"errors", c.errors}};
  j["rejected_by_reason"] = c.rejected_by_reason;
  j["items_skipped"] = c.skipped_by_reason;
  j["error_messages"] = c.error_messages;
  return j;
}

void PrintCounts(const store::SyncSource& s, const sync::SyncCounts& c) {
  fmt::print(
      "{}: {} ({} unchanged), {} read: {} stored, {} duplicates, {} removed, {} dropped by "
      "consent, {} rejected; {}; {}; {}, {}, {}, {}\n",
      s.name, Counted(c.folders, "folder", "folders"), c.folders_unchanged,
      Counted(c.messages_read, "message", "messages"), c.stored, c.duplicates, c.removed,
      c.dropped_by_consent, c.rejected, Counted(c.meetings, "meeting", "meetings"),
      Counted(c.directory_changes, "directory change", "directory changes"),
      Counted(c.pages, "fetch", "fetches"), Counted(c.retries, "retry", "retries"),
      Counted(c.resyncs, "resync", "resyncs"), Counted(c.errors, "error", "errors"));
  for (const auto& [reason, n] : c.skipped_by_reason) {
    fmt::print("  items skipped: {} {}\n", n, reason);
  }
  for (const auto& e : c.error_messages) fmt::print("  error: {}\n", e);
}

// One pass over every chosen source, which it leaves in `synced` with the cursors it left.
// Returns the pass's exit code.
int SyncOnce(const std::string& db, const SyncArgs& args,
             std::vector<sync::WatchedSource>& synced) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto sources = Sources(**store, args.names);
  if (!sources.ok()) return Fail(sources.status().message());
  if (sources->empty()) {
    return Fail("no sources to sync (rapport connect imap|graph NAME ... adds one)");
  }
  synced.clear();
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  int64_t now = Now();
  sync::SyncOptions options;
  options.window = ingest::ExpansionWindow{0, now + 2 * 366 * 86400};
  options.stop = &g_stop;
  ordered_json report = ordered_json::array();
  int exit_code = 0;
  bool changed = false;  // anything stored, merged or removed: then who is who may have moved
  for (const auto& source : *sources) {
    if (terminal) {
      options.progress = [&](std::string_view folder, const sync::SyncCounts& c) {
        fmt::print(stderr, "\r\033[K{} {}: {} read, {} stored", source.name, folder,
                   Counted(c.messages_read, "message", "messages"), c.stored);
      };
    }
    Result<sync::SyncCounts> counts = Status::FailedPrecondition("");
    {
      // A huge batch: the sync commits itself, with each folder's cursor.
      auto writer = (*store)->OpenMessageWriter(SIZE_MAX);
      if (!writer.ok()) return Fail(writer.status().message());
      consent::ConsentGate gate(**store);
      counts = source.kind == "graph" ? sync::SyncGraph(source, **writer, gate, options)
                                      : sync::SyncImap(source, **writer, gate, options);
      auto cursors = (*writer)->Cursors(source.id);
      synced.push_back({source, cursors.ok() ? *cursors : std::map<std::string, std::string>{},
                        !counts.ok() || counts->errors > 0 || !cursors.ok()});
    }
    if (terminal) fmt::print(stderr, "\r\033[K");
    std::string error = counts.ok() ? std::string() : counts.status().message();
    if (counts.ok() && counts->errors > 0) error = counts->error_messages.front();
    (void)(*store)->RecordSync(source.id, Now(), error);
    if (!counts.ok()) {
      fmt::print(stderr, "rapport: {}: {}\n", source.name, error);
      exit_code = 1;
      if (args.json) report.push_back({{"name", source.name}, {"error", error}});
      continue;
    }
    changed = changed || counts->stored + counts->duplicates + counts->removed + counts->meetings +
                                 counts->directory_changes >
                             0;
    if (counts->errors > 0) {
      exit_code = 1;
      fmt::print(stderr,
                 "rapport: {}: {} ({} folder errors; rapport connect list shows the last)\n",
                 source.name, counts->error_messages.front(), counts->errors);
    }
    if (args.json) {
      report.push_back(CountsJson(source, *counts));
    } else {
      PrintCounts(source, *counts);
    }
  }
  // Who is who, from what this pass learned (aliases, X.500 names); accounts follow. A pass
  // that changed nothing (most passes of --watch) leaves it as it is.
  std::optional<ordered_json> trained;
  if (changed) {
    auto people = (*store)->ResolvePeople();
    if (!people.ok()) return Fail(people.status().message());
    auto refreshed = insights::RefreshTieIndex(**store);  // what Who Knows Whom reads
    if (!refreshed.ok()) return Fail(refreshed.status().message());
    trained = TrainIfStale(**store);
    if (trained && !args.json) PrintTraining(*trained);
  }
  if (args.json) {
    ordered_json out{{"sources", report}};
    if (trained) out["ranker"] = *trained;
    fmt::print("{}\n", out.dump(args.watch ? -1 : 2));
  }
  std::fflush(stdout);
  return exit_code;
}

int RunSync(const std::string& db, const SyncArgs& args) {
  std::vector<sync::WatchedSource> sources;
  if (!args.watch) return SyncOnce(db, args, sources);
  std::signal(SIGTERM, OnStopSignal);
  std::signal(SIGINT, OnStopSignal);
  // A pass that fails says so on stderr, in /readyz and in /metrics, and the next pass tries
  // again; a watch stopped by SIGTERM or Ctrl-C has ended as asked, so it exits 0 (systemd
  // would otherwise mark rapport-sync failed on every stop after a failed pass).
  while (!g_stop.load()) {
    (void)SyncOnce(db, args, sources);
    if (g_stop.load()) break;
    sync::WaitForNextPass(sources, std::chrono::seconds(args.interval), g_stop);
  }
  return 0;
}

}  // namespace

std::function<int()> AddSyncCommands(CLI::App& app, const std::string& db) {
  auto imap = std::make_shared<ImapArgs>();
  auto sync_args = std::make_shared<SyncArgs>();
  auto name = std::make_shared<std::string>();
  auto list_json = std::make_shared<bool>(false);

  auto* connect = app.add_subcommand("connect", "live mailbox sources for rapport sync");
  connect->require_subcommand(1);
  auto* imap_cmd = connect->add_subcommand("imap", "an IMAP account (Dovecot, Gmail, Exchange)");
  imap_cmd->add_option("name", imap->name, "a name for the source")->required();
  imap_cmd->add_option("--url", imap->url, "imaps://HOST[:PORT] or imap://HOST[:PORT]")->required();
  imap_cmd->add_option("--user", imap->user, "the login name")->required();
  imap_cmd->add_option("--password-file", imap->password_file, "a file holding the password");
  imap_cmd->add_option("--oauth2-token-file", imap->oauth2_token_file,
                       "a file holding an OAuth 2 access token (XOAUTH2), kept fresh elsewhere");
  imap_cmd->add_flag("--starttls", imap->starttls, "upgrade imap:// to TLS with STARTTLS");
  imap_cmd->add_option("--ca-file", imap->ca_file,
                       "PEM CA certificates to trust (default: system)");
  imap_cmd->add_option("--folders", imap->folders, "all (default) or NAME,NAME,...");
  auto graph = std::make_shared<GraphArgs>();
  auto* graph_cmd =
      connect->add_subcommand("graph", "Microsoft 365 mailboxes over Graph (app-only)");
  graph_cmd->add_option("name", graph->name, "a name for the source")->required();
  graph_cmd->add_option("--tenant", graph->source.tenant, "the Entra tenant id")->required();
  graph_cmd->add_option("--client-id", graph->source.client_id, "the app's client id")->required();
  graph_cmd->add_option("--client-secret-file", graph->source.client_secret_file,
                        "a file holding the client secret's value");
  graph_cmd->add_option("--certificate", graph->source.certificate_file,
                        "the PEM certificate uploaded to the app (with --private-key)");
  graph_cmd->add_option("--private-key", graph->source.private_key_file,
                        "the certificate's PEM private key");
  graph_cmd->add_option("--users", graph->source.users,
                        "all (default), ADDRESS,ADDRESS,... or group:GROUP_ID");
  graph_cmd->add_option("--authority", graph->source.authority,
                        "default https://login.microsoftonline.com");
  graph_cmd->add_option("--graph-url", graph->source.graph_url,
                        "default https://graph.microsoft.com");
  graph_cmd->add_option("--meetings-back", graph->source.meetings_back_days,
                        "days of meetings before today to read (default 365)");
  graph_cmd->add_option("--meetings-ahead", graph->source.meetings_ahead_days,
                        "days of meetings after today to read (default 730)");
  graph_cmd->add_flag("--no-directory", graph->no_directory,
                      "do not keep the directory in step (users and groups delta)");
  auto* list = connect->add_subcommand("list", "the sources, and how their last sync went");
  list->add_flag("--json", *list_json, "print as JSON");
  auto* remove = connect->add_subcommand("remove", "forget a source (its mail stays)");
  remove->add_option("name", *name, "the source")->required();
  auto* test = connect->add_subcommand("test", "log in to a source and say what it offers");
  test->add_option("name", *name, "the source")->required();

  auto* sync_cmd = app.add_subcommand("sync", "bring the store in step with the sources");
  sync_cmd->add_option("sources", sync_args->names, "sources to sync (default: all)");
  sync_cmd->add_flag("--watch,!--once", sync_args->watch,
                     "keep syncing until SIGTERM or Ctrl-C (--once: one pass, the default)");
  sync_cmd
      ->add_option("--interval", sync_args->interval,
                   "with --watch: seconds between passes (default 300)")
      ->check(CLI::Range(1, 86400));
  sync_cmd->add_flag("--json", sync_args->json, "print each source's counts as JSON");

  return [=, &db]() -> int {
    if (*imap_cmd) return RunConnectImap(db, *imap);
    if (*graph_cmd) return RunConnectGraph(db, *graph);
    if (*list) return RunConnectList(db, *list_json);
    if (*remove) return RunConnectRemove(db, *name);
    if (*test) return RunConnectTest(db, *name);
    if (*sync_cmd) return RunSync(db, *sync_args);
    return -1;
  };
}

}  // namespace rapport::cli
