// One pass over an IMAP source: every folder's new messages, expunges and UIDVALIDITY changes.
//
// Per folder, the cursor (UIDVALIDITY, UIDNEXT, MESSAGES, HIGHESTMODSEQ as last seen, and the
// last UID stored) decides what to do: the same UIDVALIDITY, UIDNEXT and MESSAGES mean nothing
// was appended (UIDNEXT only grows) and nothing expunged (MESSAGES would drop), so the folder is
// skipped without opening it. Otherwise the folder is opened read-only, UIDs above the last one
// stored are fetched (header section only), and expunged UIDs are learnt from QRESYNC's VANISHED
// or, without it, from the difference between the UIDs stored and the UIDs the server lists.
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "ingest/calendar/icalendar.h"
#include "ingest/mail/message_parser.h"
#include "ingest/mail/mime_calendar.h"
#include "rapport/sync/imap_source.h"
#include "rapport/sync/mailbox_sync.h"
#include "sync/imap/imap_session.h"
#include "sync/imap/mime_structure.h"
#include "sync/net_helpers.h"

namespace rapport::sync {
namespace {

constexpr uint64_t kCommitEvery = 1000;  // messages per transaction
constexpr int kAttempts = 4;             // per folder, when the connection drops

struct Cursor {
  FolderState seen;       // uidnext == 0: a folder whose last sync did not finish
  uint32_t last_uid = 0;  // every UID up to this one is stored (or was never there)
};

std::string CursorJson(const Cursor& c) {
  nlohmann::ordered_json j;
  j["uidvalidity"] = c.seen.uidvalidity;
  j["uidnext"] = c.seen.uidnext;
  j["messages"] = c.seen.messages;
  j["modseq"] = c.seen.highest_modseq;
  j["last_uid"] = c.last_uid;
  return j.dump();
}

std::optional<Cursor> CursorFromJson(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  Cursor c;
  c.seen.uidvalidity = j.value("uidvalidity", 0u);
  c.seen.uidnext = j.value("uidnext", 0u);
  c.seen.messages = j.value("messages", 0u);
  c.seen.highest_modseq = j.value("modseq", uint64_t{0});
  c.last_uid = j.value("last_uid", 0u);
  return c;
}

// Where a folder's items are recorded: one location per UIDVALIDITY, so that the UIDs of an
// earlier one are never confused with today's.
std::string LocationPrefix(const ImapSource& s, const std::string& folder) {
  // RFC 5092 pieces: sub-delimiters other than ';' stay readable; '/', ';', '@', '%' do not.
  constexpr std::string_view kKeep = "!$&'()*+,=:";
  return "imap://" + PercentEncode(s.user, kKeep) + "@" + s.host + ":" + std::to_string(s.port) +
         "/" + PercentEncode(folder, kKeep) + ";UIDVALIDITY=";
}

bool IsConnectionError(const Status& st) {
  return st.code() == Status::Code::kIoError || st.code() == Status::Code::kDeadlineExceeded;
}

Result<std::unique_ptr<ImapSession>> Connect(const ImapSource& s) {
  ImapLogin login;
  login.user = s.user;
  if (!s.oauth2_token_file.empty()) {
    auto token = ReadSecretFile(s.oauth2_token_file, "OAuth token");
    if (!token.ok()) return token.status();
    login.oauth2_token = std::move(*token);
  } else {
    auto password = ReadSecretFile(s.password_file, "password");
    if (!password.ok()) return password.status();
    login.password = std::move(*password);
  }
  ImapEndpoint endpoint;
  endpoint.host = s.host;
  endpoint.port = s.port;
  endpoint.implicit_tls = s.implicit_tls;
  endpoint.ca_file = s.ca_file;
  return ImapSession::Open(endpoint, s.starttls, login);
}

class FolderSync {
 public:
  FolderSync(const store::SyncSource& source, const ImapSource& settings, ingest::MailboxSink& sink,
             ingest::IngestGate& gate, const SyncOptions& options, SyncCounts& counts)
      : source_(source),
        settings_(settings),
        sink_(sink),
        gate_(gate),
        options_(options),
        counts_(counts) {}

  Status Run(ImapSession& session, const std::string& folder, const FolderState& listed,
             const std::optional<Cursor>& stored);

 private:
  Status Consume(FetchedHeader& h);
  Status ReadInvitations(ImapSession& session);
  Status StoreMeetings(uint32_t uid, const std::string& calendar);
  Status SaveProgress();
  Status RemoveExpunged(ImapSession& session, const std::optional<Cursor>& stored,
                        const std::vector<uint32_t>& vanished);
  Status DropEarlierUidValidities(const std::string& prefix);

  const store::SyncSource& source_;
  const ImapSource& settings_;
  ingest::MailboxSink& sink_;
  ingest::IngestGate& gate_;
  const SyncOptions& options_;
  SyncCounts& counts_;

  std::string folder_, location_;
  Cursor cursor_;
  uint64_t since_commit_ = 0;
  std::vector<uint32_t> invitations_;  // UIDs whose calendar parts are still to be read
};

Status FolderSync::Run(ImapSession& session, const std::string& folder, const FolderState& listed,
                       const std::optional<Cursor>& stored) {
  folder_ = folder;
  const std::string prefix = LocationPrefix(settings_, folder);
  std::vector<uint32_t> vanished;
  std::optional<FolderState> known;
  if (stored && stored->seen.uidvalidity == listed.uidvalidity && stored->seen.uidnext != 0) {
    known = stored->seen;
  }
  auto opened = session.Examine(folder, known, vanished);
  if (!opened.ok()) return opened.status();
  location_ = prefix + std::to_string(opened->uidvalidity);
  const bool same_validity = stored && stored->seen.uidvalidity == opened->uidvalidity;
  cursor_.seen = FolderState{opened->uidvalidity, 0, 0, 0};  // unfinished until the end
  cursor_.last_uid = same_validity ? stored->last_uid : 0;
  if (stored && !same_validity) ++counts_.resyncs;

  if (opened->messages > 0 && (opened->uidnext == 0 || opened->uidnext > cursor_.last_uid + 1)) {
    ++counts_.pages;
    RAPPORT_RETURN_IF_ERROR(session.FetchHeaders(std::to_string(cursor_.last_uid + 1) + ":*",
                                                 [&](FetchedHeader& h) { return Consume(h); }));
  }
  RAPPORT_RETURN_IF_ERROR(ReadInvitations(session));
  if (same_validity) RAPPORT_RETURN_IF_ERROR(RemoveExpunged(session, stored, vanished));
  RAPPORT_RETURN_IF_ERROR(DropEarlierUidValidities(prefix));
  cursor_.seen = *opened;
  RAPPORT_RETURN_IF_ERROR(sink_.SetCursor(source_.id, folder_, CursorJson(cursor_)));
  return sink_.Commit();
}

Status FolderSync::Consume(FetchedHeader& h) {
  if (h.uid <= cursor_.last_uid) return Status::Ok();  // "n:*" answers the last UID even if < n
  ++counts_.messages_read;
  auto meta = ingest::ParseMessage(h.header);
  if (!meta.ok()) {
    ++counts_.rejected;
    ++counts_.rejected_by_reason[meta.status().message()];
  } else if (gate_.Filter(*meta) == ingest::GateVerdict::kDrop) {
    ++counts_.dropped_by_consent;
  } else {
    ingest::Provenance where{"imap", location_, h.uid, {}, /*live=*/true};
    auto outcome = sink_.Add(*meta, where);
    if (!outcome.ok()) return outcome.status();
    ++(*outcome == ingest::SinkOutcome::kStored ? counts_.stored : counts_.duplicates);
    if (MayHoldInvitation(h.header)) invitations_.push_back(h.uid);
  }
  // The cursor never passes an invitation whose calendar parts are still unread.
  cursor_.last_uid = invitations_.empty() ? h.uid : invitations_.front() - 1;
  if (++since_commit_ >= kCommitEvery) RAPPORT_RETURN_IF_ERROR(SaveProgress());
  return Status::Ok();
}

Status FolderSync::SaveProgress() {
  since_commit_ = 0;
  RAPPORT_RETURN_IF_ERROR(sink_.SetCursor(source_.id, folder_, CursorJson(cursor_)));
  RAPPORT_RETURN_IF_ERROR(sink_.Commit());
  if (options_.progress) options_.progress(folder_, counts_);
  return Status::Ok();
}

Status FolderSync::ReadInvitations(ImapSession& session) {
  if (invitations_.empty()) return Status::Ok();
  std::map<uint32_t, std::vector<std::pair<std::string, std::string>>> sections;
  ++counts_.pages;
  RAPPORT_RETURN_IF_ERROR(session.FetchStructures(FormatUidSet(invitations_),
                                                  [&](uint32_t uid, const ImapValue& structure) {
                                                    sections[uid] = CalendarSections(structure);
                                                    return Status::Ok();
                                                  }));
  for (const auto& [uid, parts] : sections) {
    for (const auto& [head, body] : parts) {
      // A part with its MIME header reads as a one-part message, which GMime decodes.
      auto part = session.FetchSections(uid, {head, body});
      if (!part.ok()) return part.status();
      ++counts_.pages;
      for (const std::string& calendar : ingest::ExtractCalendarParts((*part)[0] + (*part)[1])) {
        RAPPORT_RETURN_IF_ERROR(StoreMeetings(uid, calendar));
      }
    }
  }
  invitations_.clear();
  return Status::Ok();
}

Status FolderSync::StoreMeetings(uint32_t uid, const std::string& calendar) {
  auto parsed = ingest::ParseICalendar(calendar, options_.window);
  if (!parsed.ok()) return Status::Ok();  // not a calendar after all: the message stays
  // As a file ingest counts them: events refused, and rules kept unexpanded.
  for (const std::string& reason : parsed->rejected) {
    ++counts_.rejected;
    ++counts_.rejected_by_reason[reason];
  }
  if (parsed->rules_not_expanded > 0) {
    counts_.skipped_by_reason[std::string(ingest::kSkipRuleNotExpanded)] +=
        parsed->rules_not_expanded;
  }
  for (auto& meeting : parsed->meetings) {
    if (gate_.Filter(meeting) == ingest::GateVerdict::kDrop) continue;
    ingest::Provenance where{"imap", location_, uid, {}, /*live=*/true};
    auto outcome = sink_.AddMeeting(meeting, where);
    if (!outcome.ok()) return outcome.status();
    ++counts_.meetings;
  }
  return Status::Ok();
}

Status FolderSync::RemoveExpunged(ImapSession& session, const std::optional<Cursor>& stored,
                                  const std::vector<uint32_t>& vanished) {
  std::vector<uint64_t> gone;
  if (stored->seen.highest_modseq > 0 && session.Has("QRESYNC")) {
    gone.assign(vanished.begin(), vanished.end());
  } else {
    auto held = sink_.ItemsAt(location_);
    if (!held.ok()) return held.status();
    auto present = session.AllUids();
    if (!present.ok()) return present.status();
    std::set<uint32_t> on_server(present->begin(), present->end());
    for (uint64_t uid : *held) {
      if (!on_server.count(static_cast<uint32_t>(uid))) gone.push_back(uid);
    }
  }
  for (uint64_t uid : gone) {
    auto removed = sink_.RemoveItem(location_, uid);
    if (!removed.ok()) return removed.status();
    if (*removed) ++counts_.removed;
  }
  return Status::Ok();
}

// After a UIDVALIDITY change every message was read again under the new one (and found stored:
// a duplicate), so the items of the earlier UIDVALIDITY only remove copies, never messages that
// are still in the folder.
Status FolderSync::DropEarlierUidValidities(const std::string& prefix) {
  auto locations = sink_.LocationsUnder(prefix);
  if (!locations.ok()) return locations.status();
  for (const std::string& old : *locations) {
    if (old == location_) continue;
    auto items = sink_.ItemsAt(old);
    if (!items.ok()) return items.status();
    for (uint64_t uid : *items) {
      auto removed = sink_.RemoveItem(old, uid);
      if (!removed.ok()) return removed.status();
    }
    RAPPORT_RETURN_IF_ERROR(sink_.ForgetLocation(old));
  }
  return Status::Ok();
}

bool Wanted(const ImapSource& s, const std::string& folder) {
  if (s.folders.empty()) return true;
  return std::find(s.folders.begin(), s.folders.end(), folder) != s.folders.end();
}

// The selectable folders the source reads, in the server's order, and the state of each: from
// the LIST answer itself (LIST-STATUS), else asked in one round trip.
Status WantedFolders(ImapSession& session, const ImapSource& settings,
                     std::vector<std::string>& names, std::map<std::string, FolderState>& states) {
  std::vector<ImapFolder> folders;
  RAPPORT_RETURN_IF_ERROR(session.List(folders, states));
  for (const auto& f : folders) {
    if (f.selectable && Wanted(settings, f.name)) names.push_back(f.name);
  }
  if (!states.empty()) return Status::Ok();
  auto asked = session.FolderStates(names);
  if (!asked.ok()) return asked.status();
  states = std::move(*asked);
  return Status::Ok();
}

}  // namespace

Result<SyncCounts> SyncImap(const store::SyncSource& source, ingest::MailboxSink& sink,
                            ingest::IngestGate& gate, const SyncOptions& options) {
  auto settings = ImapSourceFromJson(source.config);
  if (!settings.ok()) return settings.status();
  RAPPORT_RETURN_IF_ERROR(gate.CheckRun());
  auto cursors = sink.Cursors(source.id);
  if (!cursors.ok()) return cursors.status();
  auto session = Connect(*settings);
  if (!session.ok()) return session.status();

  std::vector<std::string> names;
  std::map<std::string, FolderState> states;
  RAPPORT_RETURN_IF_ERROR(WantedFolders(**session, *settings, names, states));
  SyncCounts counts;
  for (const std::string& name : names) {
    if (options.stop && options.stop->load()) break;
    ++counts.folders;
    std::optional<Cursor> stored;
    if (auto it = cursors->find(name); it != cursors->end()) stored = CursorFromJson(it->second);
    auto listed = states.find(name);
    if (stored && listed != states.end() && stored->seen == listed->second) {
      ++counts.folders_unchanged;
      continue;
    }
    FolderState state = listed != states.end() ? listed->second : FolderState{};
    Status st;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      FolderSync folder(source, *settings, sink, gate, options, counts);
      st = folder.Run(**session, name, state, stored);
      if (!IsConnectionError(st)) break;
      // Keep what was stored; go on from the cursor the store now holds.
      RAPPORT_RETURN_IF_ERROR(sink.Commit());
      ++counts.retries;
      SleepUnlessStopped(JitteredBackoff(attempt), options.stop);
      auto again = Connect(*settings);
      if (!again.ok()) {
        st = again.status();
        continue;
      }
      *session = std::move(*again);
      auto now = sink.Cursors(source.id);
      if (!now.ok()) return now.status();
      stored.reset();
      if (auto it = now->find(name); it != now->end()) stored = CursorFromJson(it->second);
    }
    if (!st.ok()) {
      RAPPORT_RETURN_IF_ERROR(sink.Commit());
      ++counts.errors;
      counts.error_messages.push_back(name + ": " + st.message());
    }
    if (options.progress) options.progress(name, counts);
  }
  RAPPORT_RETURN_IF_ERROR(sink.Commit());
  (void)(*session)->Logout();
  return counts;
}

namespace {

// True when a wanted folder holds other mail than its cursor says was stored: mail came or went
// after the last pass read it, or the folder is new. Flag changes (HIGHESTMODSEQ) do not count.
Result<bool> CursorsBehind(ImapSession& session, const ImapSource& settings,
                           const std::map<std::string, std::string>& cursors) {
  std::vector<std::string> names;
  std::map<std::string, FolderState> states;
  RAPPORT_RETURN_IF_ERROR(WantedFolders(session, settings, names, states));
  for (const std::string& name : names) {
    auto it = cursors.find(name);
    std::optional<Cursor> stored;
    if (it != cursors.end()) stored = CursorFromJson(it->second);
    auto now = states.find(name);
    if (!stored || now == states.end()) return true;
    const FolderState& was = stored->seen;
    if (was.uidvalidity != now->second.uidvalidity || was.uidnext != now->second.uidnext ||
        was.messages != now->second.messages) {
      return true;
    }
  }
  return false;
}

// True when a wanted folder of the source changed before `wait` passed or `stop` was set.
Result<bool> WaitForImapChange(const WatchedSource& watched, std::chrono::milliseconds wait,
                               const std::atomic<bool>& stop) {
  auto settings = ImapSourceFromJson(watched.source.config);
  if (!settings.ok()) return settings.status();
  auto session = Connect(*settings);
  if (!session.ok()) return session.status();
  if (!(*session)->Has("IDLE")) return Status::FailedPrecondition("no IDLE");
  // INBOX stays open because a server sees mail written straight into its folder only in the
  // open folder; NOTIFY adds every other folder, where the server delivers or appends.
  std::vector<uint32_t> vanished;
  auto opened = (*session)->Examine("INBOX", std::nullopt, vanished);
  if (!opened.ok()) return opened.status();
  if ((*session)->Has("NOTIFY")) RAPPORT_RETURN_IF_ERROR((*session)->NotifyEveryFolder());
  // Asked after NOTIFY, so that nothing slips between the answer and the wait.
  if (!watched.last_pass_failed) {
    auto behind = CursorsBehind(**session, *settings, watched.cursors);
    if (!behind.ok() || *behind) {
      (void)(*session)->Logout();
      return behind;
    }
  }
  auto changed = (*session)->Idle(
      wait, stop, "INBOX", [&](const std::string& folder) { return Wanted(*settings, folder); });
  (void)(*session)->Logout();
  return changed;
}

}  // namespace

void WaitForNextPass(const std::vector<WatchedSource>& sources, std::chrono::milliseconds interval,
                     const std::atomic<bool>& stop) {
  const auto deadline = std::chrono::steady_clock::now() + interval;
  std::atomic<bool> wake{false};
  std::vector<std::thread> waiters;
  for (const WatchedSource& watched : sources) {
    if (watched.source.kind != "imap") continue;
    waiters.emplace_back([&watched, interval, &wake] {
      auto changed = WaitForImapChange(watched, interval, wake);
      if (changed.ok() && *changed) wake.store(true);
    });
  }
  while (!wake.load() && !stop.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  wake.store(true);
  for (std::thread& waiter : waiters) waiter.join();
}

Result<std::string> TestImap(const store::SyncSource& source) {
  auto settings = ImapSourceFromJson(source.config);
  if (!settings.ok()) return settings.status();
  auto session = Connect(*settings);
  if (!session.ok()) return session.status();
  std::vector<ImapFolder> folders;
  std::map<std::string, FolderState> states;
  RAPPORT_RETURN_IF_ERROR((*session)->List(folders, states));
  size_t selectable = 0;
  for (const auto& f : folders) selectable += f.selectable && Wanted(*settings, f.name);
  std::string offers;
  for (const char* c : {"CONDSTORE", "QRESYNC", "IDLE", "NOTIFY", "ESEARCH", "LIST-STATUS"}) {
    if ((*session)->Has(c)) offers += offers.empty() ? c : std::string(", ") + c;
  }
  (void)(*session)->Logout();
  return "logged in to " + settings->host + ":" + std::to_string(settings->port) + " as " +
         settings->user + " over " +
         (settings->implicit_tls || settings->starttls ? "TLS" : "plain TCP (loopback)") + "; " +
         std::to_string(selectable) + " folders to sync; the server offers " +
         (offers.empty() ? "none of CONDSTORE, QRESYNC, IDLE" : offers);
}

}  // namespace rapport::sync
