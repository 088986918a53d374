// Ingestor: reads mail files (Maildir trees, Enron-style folders, mbox, single messages), parses
// their headers, asks the IngestGate, and hands the metadata to a MessageSink.
//
// Contract: files are visited in a deterministic order (sorted paths), so an interrupted run
// followed by a re-run stores exactly what one uninterrupted run stores. A bad file or message is
// counted with its reason and the run goes on; only a sink or gate failure ends the run.
// Parsing runs on a second thread; the gate and the sink are only ever called from the thread
// that called Run(), in file order.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rapport/ingest/expansion_window.h"
#include "rapport/ingest/ingest_gate.h"
#include "rapport/ingest/message_sink.h"
#include "rapport/status.h"

namespace rapport::ingest {

enum class MailFormat { kAuto, kMaildir, kMbox, kEml };

// Parses "auto", "maildir", "mbox", "eml".
Result<MailFormat> ParseMailFormat(std::string_view name);

struct IngestOptions {
  MailFormat format = MailFormat::kAuto;
  bool rescan = false;  // read files again even when unchanged since the last complete ingest
  // Recurring meetings are expanded into the occurrences that start in this window.
  ExpansionWindow window;
};

struct IngestSummary {
  uint64_t files_total = 0;
  uint64_t files_read = 0;
  uint64_t files_unchanged = 0;  // skipped: completely ingested before and not changed since
  uint64_t bytes_total = 0;
  uint64_t bytes_done = 0;
  uint64_t messages_read = 0;
  uint64_t stored = 0;
  uint64_t duplicates = 0;
  uint64_t dropped_by_consent = 0;
  // Of the messages kept: list/bulk/auto-submitted mail, or mail from a role address (noreply,
  // postmaster, ...). Stored, but never evidence of a relationship.
  uint64_t automated = 0;
  uint64_t rejected = 0;
  std::map<std::string, uint64_t> rejected_by_reason;
  // The first few locations rejected for each reason, so a user can look at them.
  std::map<std::string, std::vector<std::string>> rejected_examples;
  std::map<std::string, uint64_t> skipped_files_by_reason;  // not mail, unreadable, ...

  uint64_t meetings_read = 0;  // occurrences, after recurrence expansion
  uint64_t meetings_stored = 0;
  uint64_t meetings_duplicates = 0;  // merged into a stored occurrence
  uint64_t meetings_dropped_by_consent = 0;
  uint64_t meetings_rejected = 0;
  std::map<std::string, uint64_t> meetings_rejected_by_reason;
  uint64_t removed = 0;          // Graph delta tombstones that deleted a stored item
  uint64_t removed_unknown = 0;  // tombstones for items that were never stored
  std::map<std::string, uint64_t> skipped_items_by_reason;  // items rapport does not read
};

using ProgressFn = std::function<void(const IngestSummary&)>;

struct ParsedItem;

class Ingestor {
 public:
  Ingestor(MessageSink& sink, IngestGate& gate, IngestOptions options)
      : sink_(sink), gate_(gate), options_(options) {}

  // Ingests every path (file or directory). `progress` is called now and then.
  Result<IngestSummary> Run(const std::vector<std::string>& paths, const ProgressFn& progress);

 private:
  Status Consume(ParsedItem& item, const std::vector<SourceFile>& files, IngestSummary& summary);
  Status ApplyRemovals(const std::vector<SourceFile>& files, IngestSummary& summary);

  MessageSink& sink_;
  IngestGate& gate_;
  IngestOptions options_;
  std::vector<std::string> removals_;  // Graph ids from delta tombstones, applied last
  std::vector<std::pair<size_t, std::string_view>> finish_after_removals_;  // (file, kind)
};

}  // namespace rapport::ingest
