#include "rapport/ingest/ingestor.h"

#include <optional>
#include <thread>

#include "ingest/batch_queue.h"
#include "ingest/mail_source.h"
#include "ingest/mbox_reader.h"
#include "ingest/message_parser.h"

namespace rapport::ingest {

// What the parsing thread hands to the writing thread, in file order.
struct ParsedItem {
  enum class Kind { kMessage, kRejected, kFileDone, kFileSkipped } kind;
  size_t file = 0;               // index into the files being read
  uint64_t offset = 0;           // kMessage, kRejected: where the message starts in the file
  std::string_view source_kind;  // kMessage, kRejected, kFileDone
  model::MessageMeta meta;       // kMessage
  std::string reason;            // kRejected, kFileSkipped
};

namespace {

constexpr size_t kItemsPerBatch = 256;
constexpr size_t kQueuedBatches = 16;
constexpr size_t kExamplesPerReason = 5;
constexpr size_t kHeadBytes = 64 * 1024;

using Batch = std::vector<ParsedItem>;

// The parsing side: reads each file, splits it into messages and parses their headers.
class FileParser {
 public:
  FileParser(BatchQueue<Batch>& queue, MailFormat format) : queue_(queue), format_(format) {}

  void Run(const std::vector<SourceFile>& files, const std::vector<bool>& in_directory) {
    for (size_t i = 0; i < files.size() && !queue_.cancelled(); ++i) {
      ParseFile(i, files[i], in_directory[i]);
    }
    Flush();
    queue_.Close();
  }

 private:
  void ParseFile(size_t index, const SourceFile& file, bool in_directory) {
    if (!ReadHead(file.path, kHeadBytes, head_).ok())
      return Emit(Skipped(index, "unreadable file"));
    FileKind kind = DetectFileKind(std::string_view(head_).substr(0, 4096));
    if (format_ == MailFormat::kMbox) kind = FileKind::kMbox;
    if (format_ == MailFormat::kEml || format_ == MailFormat::kMaildir) {
      kind = head_.empty() ? FileKind::kEmpty : FileKind::kMessage;
    }
    if (kind != FileKind::kMbox && kind != FileKind::kMessage) {
      return Emit(Skipped(index, std::string(FileKindName(kind))));
    }
    std::string_view source_kind = kind == FileKind::kMbox ? "mbox"
                                   : in_directory          ? "maildir"
                                                           : "eml";
    // A one-message file whose header section is in the head needs nothing more from disk.
    std::string_view data = head_;
    std::optional<MappedFile> mapped;
    if (kind == FileKind::kMbox || (head_.size() == kHeadBytes && !HasHeaderEnd(head_))) {
      auto m = MappedFile::Open(file.path, kind == FileKind::kMbox);
      if (!m.ok()) return Emit(Skipped(index, "unreadable file"));
      mapped.emplace(std::move(*m));
      data = mapped->data();
    }
    ParsedItem done;
    done.kind = ParsedItem::Kind::kFileDone;
    done.file = index;
    done.source_kind = source_kind;
    if (kind == FileKind::kMessage) {
      // Finished before its message is handed over: the writer records both in one transaction
      // either way, and knowing the file first saves it a lookup.
      Emit(done);
      return ParseOne(data, index, 0, source_kind);
    }
    MboxReader reader(data);
    std::string_view raw;
    size_t offset = 0;
    while (reader.Next(raw, offset)) ParseOne(raw, index, offset, source_kind);
    Emit(done);
  }

  static ParsedItem Skipped(size_t index, std::string reason) {
    ParsedItem item;
    item.kind = ParsedItem::Kind::kFileSkipped;
    item.file = index;
    item.reason = std::move(reason);
    return item;
  }

  void ParseOne(std::string_view raw, size_t index, uint64_t offset, std::string_view source_kind) {
    ParsedItem item;
    item.file = index;
    item.offset = offset;
    item.source_kind = source_kind;
    auto parsed = ParseMessage(raw);
    if (parsed.ok()) {
      item.kind = ParsedItem::Kind::kMessage;
      item.meta = std::move(*parsed);
    } else {
      item.kind = ParsedItem::Kind::kRejected;
      item.reason = parsed.status().message();
    }
    Emit(std::move(item));
  }

  void Emit(ParsedItem item) {
    batch_.push_back(std::move(item));
    if (batch_.size() >= kItemsPerBatch) Flush();
  }

  void Flush() {
    if (batch_.empty()) return;
    queue_.Push(std::move(batch_));
    batch_ = Batch();
    batch_.reserve(kItemsPerBatch);
  }

  BatchQueue<Batch>& queue_;
  MailFormat format_;
  Batch batch_;
  std::string head_;  // the first kHeadBytes of the current file
};

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
  std::vector<SourceFile> files;
  std::vector<bool> in_directory;
  for (const auto& f : *listed) {
    summary.bytes_total += static_cast<uint64_t>(f.file.size);
    if (options_.format == MailFormat::kMaildir && !f.in_directory) {
      ++summary.skipped_files_by_reason["not inside a Maildir folder (--format maildir)"];
      continue;
    }
    if (!options_.rescan) {
      auto seen = sink_.AlreadyIngested(f.file);
      if (!seen.ok()) return seen.status();
      if (*seen) {
        ++summary.files_unchanged;
        summary.bytes_done += static_cast<uint64_t>(f.file.size);
        continue;
      }
    }
    files.push_back(f.file);
    in_directory.push_back(f.in_directory);
  }
  if (progress) progress(summary);

  BatchQueue<Batch> queue(kQueuedBatches);
  FileParser parser(queue, options_.format);
  std::thread parsing([&] { parser.Run(files, in_directory); });
  Status status;
  while (auto batch = queue.Pop()) {
    for (ParsedItem& item : *batch) {
      if (status.ok()) status = Consume(item, files, summary);
    }
    if (!status.ok()) queue.Cancel();
    if (progress) progress(summary);
  }
  parsing.join();
  RAPPORT_RETURN_IF_ERROR(status);
  RAPPORT_RETURN_IF_ERROR(sink_.Commit());
  return summary;
}

Status Ingestor::Consume(ParsedItem& item, const std::vector<SourceFile>& files,
                         IngestSummary& summary) {
  switch (item.kind) {
    case ParsedItem::Kind::kFileSkipped:
      ++summary.skipped_files_by_reason[item.reason];
      summary.bytes_done += static_cast<uint64_t>(files[item.file].size);
      return Status::Ok();
    case ParsedItem::Kind::kFileDone:
      ++summary.files_read;
      summary.bytes_done += static_cast<uint64_t>(files[item.file].size);
      return sink_.FinishFile(files[item.file], item.source_kind);
    case ParsedItem::Kind::kRejected: {
      ++summary.messages_read;
      ++summary.rejected;
      ++summary.rejected_by_reason[item.reason];
      auto& examples = summary.rejected_examples[item.reason];
      if (examples.size() < kExamplesPerReason) {
        const std::string& where = files[item.file].location;
        examples.push_back(item.source_kind == "mbox" ? where + "#" + std::to_string(item.offset)
                                                      : where);
      }
      return Status::Ok();
    }
    case ParsedItem::Kind::kMessage:
      break;
  }
  ++summary.messages_read;
  model::MessageMeta& meta = item.meta;  // the gate may remove participants
  if (gate_.Filter(meta) == GateVerdict::kDrop) {
    ++summary.dropped_by_consent;
    return Status::Ok();
  }
  auto outcome = sink_.Add(meta, {item.source_kind, files[item.file].location, item.offset});
  if (!outcome.ok()) return outcome.status();
  ++(*outcome == SinkOutcome::kStored ? summary.stored : summary.duplicates);
  return Status::Ok();
}

}  // namespace rapport::ingest
