#include "rapport/ingest/ingestor.h"

#include <thread>

#include "ingest/batch_queue.h"
#include "ingest/file_parser.h"
#include "ingest/identity/mail_domains.h"
#include "ingest/mail_source.h"

namespace rapport::ingest {

namespace {

constexpr size_t kQueuedBatches = 16;
constexpr size_t kExamplesPerReason = 5;

}  // namespace

Result<MailFormat> ParseMailFormat(std::string_view name) {
  if (name == "auto") return MailFormat::kAuto;
  if (name == "maildir") return MailFormat::kMaildir;
  if (name == "mbox") return MailFormat::kMbox;
  if (name == "eml") return MailFormat::kEml;
  return Status::InvalidArgument("unknown format '" + std::string(name) +
                                 "' (use auto, maildir, mbox or eml)");
}

Result<IngestSummary> Ingestor::Run(const std::vector<std::string>& paths,
                                    const ProgressFn& progress) {
  RAPPORT_RETURN_IF_ERROR(gate_.CheckRun());
  auto listed = ListMailFiles(paths);
  if (!listed.ok()) return listed.status();
  IngestSummary summary;
  summary.files_total = listed->size();

  // Decide here, on the sink's thread, which files need reading at all.
  std::vector<SourceFile> candidates, files;
  std::vector<bool> candidate_in_directory, in_directory;
  for (const auto& f : *listed) {
    summary.bytes_total += static_cast<uint64_t>(f.file.size);
    if (options_.format == MailFormat::kMaildir && !f.in_directory) {
      ++summary.skipped_files_by_reason["not inside a Maildir folder (--format maildir)"];
      continue;
    }
    candidates.push_back(f.file);
    candidate_in_directory.push_back(f.in_directory);
  }
  std::vector<bool> seen(candidates.size(), false);
  if (!options_.rescan) {
    auto read_before = sink_.AlreadyIngestedFiles(candidates);
    if (!read_before.ok()) return read_before.status();
    seen = std::move(*read_before);
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (seen[i]) {
      ++summary.files_unchanged;
      summary.bytes_done += static_cast<uint64_t>(candidates[i].size);
      continue;
    }
    files.push_back(std::move(candidates[i]));
    in_directory.push_back(candidate_in_directory[i]);
  }
  if (progress) progress(summary);

  BatchQueue<ParsedBatch> queue(kQueuedBatches);
  FileParser parser(queue, options_.format, options_.window);
  std::thread parsing([&] { parser.Run(files, in_directory); });
  Status status;
  std::vector<const model::MessageMeta*> expected;
  while (auto batch = queue.Pop()) {
    expected.clear();
    for (const ParsedItem& item : *batch) {
      if (item.kind == ParsedItem::Kind::kMessage) expected.push_back(&item.message);
    }
    if (status.ok() && !expected.empty()) status = sink_.Expect(expected);
    for (ParsedItem& item : *batch) {
      if (status.ok()) status = Consume(item, files, summary);
    }
    if (!status.ok()) queue.Cancel();
    if (progress) progress(summary);
  }
  parsing.join();
  RAPPORT_RETURN_IF_ERROR(status);
  RAPPORT_RETURN_IF_ERROR(ApplyRemovals(files, summary));
  RAPPORT_RETURN_IF_ERROR(sink_.Commit());
  return summary;
}

// Graph tombstones are applied after everything else the run read: a delta file is newer than
// the pages it follows, whatever the order of their names. The files that carried them are
// recorded as finished only afterwards, so a run killed in between reads them again.
Status Ingestor::ApplyRemovals(const std::vector<SourceFile>& files, IngestSummary& summary) {
  for (const std::string& graph_id : removals_) {
    auto removed = sink_.RemoveGraphItem(graph_id);
    if (!removed.ok()) return removed.status();
    ++(*removed ? summary.removed : summary.removed_unknown);
  }
  for (const auto& [file, source_kind] : finish_after_removals_) {
    RAPPORT_RETURN_IF_ERROR(sink_.FinishFile(files[file], source_kind));
  }
  removals_.clear();
  finish_after_removals_.clear();
  return Status::Ok();
}

Status Ingestor::Consume(ParsedItem& item, const std::vector<SourceFile>& files,
                         IngestSummary& summary) {
  const SourceFile& file = files[item.file];
  // An item in a folder of a PST file is found at "file#folder", item number `offset`.
  std::string in_folder = item.folder.empty() ? std::string() : file.location + "#" + item.folder;
  Provenance where{item.source_kind, in_folder.empty() ? file.location : in_folder, item.offset,
                   item.graph_id};
  switch (item.kind) {
    case ParsedItem::Kind::kFileSkipped:
      ++summary.skipped_files_by_reason[item.reason];
      summary.bytes_done += static_cast<uint64_t>(file.size);
      return Status::Ok();
    case ParsedItem::Kind::kFileDone:
      ++summary.files_read;
      summary.bytes_done += static_cast<uint64_t>(file.size);
      if (!finish_after_removals_.empty() && finish_after_removals_.back().first == item.file) {
        finish_after_removals_.back().second = item.source_kind;
        return Status::Ok();
      }
      return sink_.FinishFile(file, item.source_kind);
    case ParsedItem::Kind::kSkippedItem:
      ++summary.skipped_items_by_reason[item.reason];
      return Status::Ok();
    case ParsedItem::Kind::kRejected: {
      ++summary.messages_read;
      ++summary.rejected;
      ++summary.rejected_by_reason[item.reason];
      auto& examples = summary.rejected_examples[item.reason];
      if (examples.size() < kExamplesPerReason) {
        examples.push_back(item.source_kind == "mbox"
                               ? file.location + "#" + std::to_string(item.offset)
                               : file.location);
      }
      return Status::Ok();
    }
    case ParsedItem::Kind::kMeetingRejected:
      ++summary.meetings_rejected;
      ++summary.meetings_rejected_by_reason[item.reason];
      return Status::Ok();
    case ParsedItem::Kind::kRemoval:
      removals_.push_back(std::move(item.graph_id));
      if (finish_after_removals_.empty() || finish_after_removals_.back().first != item.file) {
        finish_after_removals_.emplace_back(item.file, std::string_view());
      }
      return Status::Ok();
    case ParsedItem::Kind::kMeeting: {
      ++summary.meetings_read;
      if (gate_.Filter(item.meeting) == GateVerdict::kDrop) {
        ++summary.meetings_dropped_by_consent;
        return Status::Ok();
      }
      auto outcome = sink_.AddMeeting(item.meeting, where);
      if (!outcome.ok()) return outcome.status();
      ++(*outcome == SinkOutcome::kStored ? summary.meetings_stored : summary.meetings_duplicates);
      return Status::Ok();
    }
    case ParsedItem::Kind::kMessage:
      break;
  }
  ++summary.messages_read;
  if (gate_.Filter(item.message) == GateVerdict::kDrop) {  // the gate may remove participants
    ++summary.dropped_by_consent;
    return Status::Ok();
  }
  auto outcome = sink_.Add(item.message, where);
  if (!outcome.ok()) return outcome.status();
  ++(*outcome == SinkOutcome::kStored ? summary.stored : summary.duplicates);
  if (item.message.bulk.IsBulk() || IsRoleAddress(item.message.from.address)) {
    ++summary.automated;
  }
  return Status::Ok();
}

}  // namespace rapport::ingest
