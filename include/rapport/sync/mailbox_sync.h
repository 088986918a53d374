// Keeping the store in step with a live mailbox source (rapport sync).
//
// Contract: a sync reads what changed since the cursors the store holds, hands every message and
// meeting to the same IngestGate as `rapport ingest` (nothing is kept that consent does not
// cover), and stores it through the MailboxSink with the folder's cursor in the same
// transaction. Killed at any point and run again, it ends with the store one uninterrupted run
// gives: nothing lost, nothing stored twice. A folder that fails is counted with its error and
// the others go on; a source that cannot be reached at all (login refused, TLS) is an error.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/ingest/expansion_window.h"
#include "rapport/ingest/ingest_gate.h"
#include "rapport/ingest/mailbox_sink.h"
#include "rapport/status.h"
#include "rapport/store/sync_source.h"

namespace rapport::sync {

struct SyncCounts {
  uint64_t folders = 0;
  uint64_t folders_unchanged = 0;  // skipped: nothing appended or expunged since the last sync
  uint64_t messages_read = 0;
  uint64_t stored = 0;
  uint64_t duplicates = 0;  // already stored (another folder, a file, an earlier UIDVALIDITY)
  uint64_t removed = 0;     // items expunged or deleted at the source
  uint64_t dropped_by_consent = 0;
  uint64_t rejected = 0;
  std::map<std::string, uint64_t> rejected_by_reason;
  uint64_t meetings = 0;  // meeting occurrences stored or merged (invitations, calendars)
  // Items kept with less than they hold, by reason: a recurrence rule not expanded (the event
  // keeps its first occurrence).
  std::map<std::string, uint64_t> skipped_by_reason;
  uint64_t directory_changes = 0;  // directory users and groups added, changed or removed
  uint64_t pages = 0;              // fetch commands (IMAP) or pages (Graph)
  uint64_t retries = 0;            // requests repeated after a dropped connection or throttling
  uint64_t resyncs = 0;  // folders read again from scratch (UIDVALIDITY changed, delta expired)
  uint64_t errors = 0;
  std::vector<std::string> error_messages;  // one line each
};

struct SyncOptions {
  ingest::ExpansionWindow window;  // recurring meetings from invitations are expanded in it
  // Called after each folder and now and then within one.
  std::function<void(std::string_view folder, const SyncCounts&)> progress;
  const std::atomic<bool>* stop = nullptr;  // set: finish the batch in hand and return
};

// One pass over an IMAP source.
Result<SyncCounts> SyncImap(const store::SyncSource& source, ingest::MailboxSink& sink,
                            ingest::IngestGate& gate, const SyncOptions& options);

// A source as --watch waits on it: its settings and the cursors its last pass left.
struct WatchedSource {
  store::SyncSource source;
  std::map<std::string, std::string> cursors;  // folder -> cursor, as the store holds them
  // A pass that failed or left folder errors: then only the server's word (or the interval)
  // wakes the next one, not cursors that are behind, which would retry the error at once.
  bool last_pass_failed = false;
};

// Waits, for --watch, until the next pass is due: new or expunged mail in a folder of any IMAP
// source (IDLE on its inbox, NOTIFY for its other folders where the server offers it; mail that
// came during the last pass, after it had read that folder, wakes it at once), `interval`
// passing, or `stop` set. Sources that cannot say (Graph, a server without IDLE, a lost
// connection) wait out the interval; the next pass reconnects.
void WaitForNextPass(const std::vector<WatchedSource>& sources, std::chrono::milliseconds interval,
                     const std::atomic<bool>& stop);

// Connects and logs in, and says what the server offers (rapport connect test).
Result<std::string> TestImap(const store::SyncSource& source);

// One pass over a Microsoft Graph source (app-only): the chosen users' mail folders, each by its
// own delta query.
Result<SyncCounts> SyncGraph(const store::SyncSource& source, ingest::MailboxSink& sink,
                             ingest::IngestGate& gate, const SyncOptions& options);
// Gets a token, lists the users and the first user's folders (rapport connect test).
Result<std::string> TestGraph(const store::SyncSource& source);

}  // namespace rapport::sync
