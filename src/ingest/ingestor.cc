#include "rapport/ingest/ingestor.h"

#include <chrono>

#include "ingest/mail_source.h"
#include "ingest/mbox_reader.h"
#include "ingest/message_parser.h"

namespace rapport::ingest {
namespace {

constexpr uint64_t kProgressEveryMessages = 4096;
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
  for (const auto& f : *listed) summary.bytes_total += static_cast<uint64_t>(f.file.size);
  if (progress) progress(summary);

  for (const auto& f : *listed) {
    if (options_.format == MailFormat::kMaildir && !f.in_directory) {
      ++summary.skipped_files_by_reason["not inside a Maildir folder (--format maildir)"];
    } else {
      RAPPORT_RETURN_IF_ERROR(IngestFile(f.file, f.in_directory, summary, progress));
    }
    summary.bytes_done += static_cast<uint64_t>(f.file.size);
    if (progress) progress(summary);
  }
  RAPPORT_RETURN_IF_ERROR(sink_.Commit());
  return summary;
}

Status Ingestor::IngestFile(const SourceFile& file, bool in_directory, IngestSummary& summary,
                            const ProgressFn& progress) {
  if (!options_.rescan) {
    auto seen = sink_.AlreadyIngested(file);
    if (!seen.ok()) return seen.status();
    if (*seen) {
      ++summary.files_unchanged;
      return Status::Ok();
    }
  }
  auto mapped = MappedFile::Open(file.path, options_.format != MailFormat::kEml);
  if (!mapped.ok()) {
    ++summary.skipped_files_by_reason["unreadable file"];
    return Status::Ok();
  }
  std::string_view data = mapped->data();
  FileKind kind = DetectFileKind(data.substr(0, 4096));
  if (options_.format == MailFormat::kMbox) kind = FileKind::kMbox;
  if (options_.format == MailFormat::kEml || options_.format == MailFormat::kMaildir) {
    kind = data.empty() ? FileKind::kEmpty : FileKind::kMessage;
  }

  ++summary.files_read;
  if (kind == FileKind::kMbox) {
    MboxReader reader(data);
    std::string_view raw;
    size_t offset = 0;
    std::string location;
    while (reader.Next(raw, offset)) {
      location = file.path + "#" + std::to_string(offset);
      RAPPORT_RETURN_IF_ERROR(IngestMessage(raw, {"mbox", location}, summary));
      if (progress && summary.messages_read % kProgressEveryMessages == 0) progress(summary);
    }
  } else if (kind == FileKind::kMessage) {
    std::string location = in_directory ? StableMaildirLocation(file.path) : file.path;
    RAPPORT_RETURN_IF_ERROR(
        IngestMessage(data, {in_directory ? "maildir" : "eml", location}, summary));
  } else {
    --summary.files_read;
    ++summary.skipped_files_by_reason[std::string(FileKindName(kind))];
    return Status::Ok();
  }
  return sink_.FinishFile(file);
}

Status Ingestor::IngestMessage(std::string_view raw, const Provenance& where,
                               IngestSummary& summary) {
  ++summary.messages_read;
  auto parsed = ParseMessage(raw);
  if (!parsed.ok()) {
    const std::string& reason = parsed.status().message();
    ++summary.rejected;
    ++summary.rejected_by_reason[reason];
    auto& examples = summary.rejected_examples[reason];
    if (examples.size() < kExamplesPerReason) examples.emplace_back(where.location);
    return Status::Ok();
  }
  if (gate_.Filter(*parsed) == GateVerdict::kDrop) {
    ++summary.dropped_by_consent;
    return Status::Ok();
  }
  auto outcome = sink_.Add(*parsed, where);
  if (!outcome.ok()) return outcome.status();
  if (*outcome == SinkOutcome::kStored) {
    ++summary.stored;
  } else {
    ++summary.duplicates;
  }
  return Status::Ok();
}

}  // namespace rapport::ingest
