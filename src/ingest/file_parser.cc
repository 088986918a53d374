#include "ingest/file_parser.h"

#include <algorithm>
#include <optional>

#include "ingest/graph/graph_json.h"
#include "ingest/mail/mbox_reader.h"
#include "ingest/mail/message_parser.h"
#include "ingest/mail/mime_calendar.h"
#include "ingest/mail_source.h"
#include "ingest/pst/outlook_pst.h"

namespace rapport::ingest {
namespace {

constexpr size_t kItemsPerBatch = 256;
constexpr size_t kHeadBytes = 64 * 1024;

}  // namespace

void FileParser::Run(const std::vector<SourceFile>& files, const std::vector<bool>& in_directory) {
  for (size_t i = 0; i < files.size() && !queue_.cancelled(); ++i) {
    ParseFile(i, files[i], in_directory[i]);
  }
  Flush();
  queue_.Close();
}

void FileParser::ParseFile(size_t index, const SourceFile& file, bool in_directory) {
  if (!ReadHead(file.path, kHeadBytes, head_).ok()) {
    return EmitSimple(ParsedItem::Kind::kFileSkipped, index, "unreadable file");
  }
  FileKind kind = DetectFileKind(std::string_view(head_).substr(0, 4096));
  if (format_ == MailFormat::kMbox) kind = FileKind::kMbox;
  if (format_ == MailFormat::kEml || format_ == MailFormat::kMaildir) {
    kind = head_.empty() ? FileKind::kEmpty : FileKind::kMessage;
  }
  switch (kind) {
    case FileKind::kMbox:
      return ParseMail(index, file, kind, "mbox");
    case FileKind::kMessage:
      return ParseMail(index, file, kind, in_directory ? "maildir" : "eml");
    case FileKind::kPst:
      return ParsePstFile(index, file);
    case FileKind::kICalendar:
    case FileKind::kJson: {
      auto mapped = MappedFile::Open(file.path, true);
      if (!mapped.ok()) return EmitSimple(ParsedItem::Kind::kFileSkipped, index, "unreadable file");
      if (kind == FileKind::kICalendar) return ParseCalendarFile(index, mapped->data());
      return ParseGraphFile(index, mapped->data());
    }
    default:
      return EmitSimple(ParsedItem::Kind::kFileSkipped, index, std::string(FileKindName(kind)));
  }
}

void FileParser::ParseMail(size_t index, const SourceFile& file, FileKind kind,
                           std::string_view source_kind) {
  // A one-message file whose header section is in the head needs nothing more from disk, unless
  // it may carry a calendar invitation further down.
  std::string_view data = head_;
  std::optional<MappedFile> mapped;
  bool need_all = kind == FileKind::kMbox ||
                  (head_.size() == kHeadBytes && (!HasHeaderEnd(head_) || MayCarryCalendar(head_)));
  if (need_all) {
    auto m = MappedFile::Open(file.path, kind == FileKind::kMbox);
    if (!m.ok()) return EmitSimple(ParsedItem::Kind::kFileSkipped, index, "unreadable file");
    mapped.emplace(std::move(*m));
    data = mapped->data();
  }
  if (kind == FileKind::kMessage) {
    // Finished before its message is handed over: the writer records both in one transaction
    // either way, and knowing the file first saves it a lookup.
    EmitSimple(ParsedItem::Kind::kFileDone, index, {}, source_kind);
    return ParseOne(data, index, 0, source_kind);
  }
  MboxReader reader(data);
  std::string_view raw;
  size_t offset = 0;
  while (reader.Next(raw, offset)) ParseOne(raw, index, offset, source_kind);
  EmitSimple(ParsedItem::Kind::kFileDone, index, {}, source_kind);
}

void FileParser::ParseOne(std::string_view raw, size_t index, uint64_t offset,
                          std::string_view source_kind) {
  ParsedItem item;
  item.file = index;
  item.offset = offset;
  item.source_kind = source_kind;
  auto parsed = ParseMessage(raw);
  if (!parsed.ok()) {
    item.kind = ParsedItem::Kind::kRejected;
    item.reason = parsed.status().message();
    return Emit(std::move(item));
  }
  item.kind = ParsedItem::Kind::kMessage;
  item.message = std::move(*parsed);
  Emit(std::move(item));
  // Invitations (text/calendar parts) are the only reason to look past the header section.
  if (MayCarryCalendar(raw)) {
    for (const std::string& part : ExtractCalendarParts(raw)) {
      auto calendar = ParseICalendar(part, window_);
      if (!calendar.ok()) continue;
      EmitCalendar(std::move(*calendar), index, offset, source_kind);
    }
  }
}

// A parsed calendar's events refused, rules left unexpanded, and meetings, as one file's or
// invitation's items.
void FileParser::EmitCalendar(ICalendarResult calendar, size_t index, uint64_t offset,
                              std::string_view source_kind) {
  for (const auto& reason : calendar.rejected) {
    EmitSimple(ParsedItem::Kind::kMeetingRejected, index, reason, source_kind, offset);
  }
  for (size_t i = 0; i < calendar.rules_not_expanded; ++i) {
    EmitSimple(ParsedItem::Kind::kSkippedItem, index, std::string(kSkipRuleNotExpanded),
               source_kind, offset);
  }
  EmitMeetings(std::move(calendar.meetings), index, offset, source_kind);
}

void FileParser::ParseCalendarFile(size_t index, std::string_view data) {
  auto calendar = ParseICalendar(data, window_);
  if (!calendar.ok()) {
    return EmitSimple(ParsedItem::Kind::kFileSkipped, index,
                      "iCalendar: " + calendar.status().message());
  }
  EmitCalendar(std::move(*calendar), index, 0, "ics");
  EmitSimple(ParsedItem::Kind::kFileDone, index, {}, "ics");
}

void FileParser::ParseGraphFile(size_t index, std::string_view data) {
  auto graph = ParseGraphJson(data, window_);
  if (!graph.ok()) {
    return EmitSimple(ParsedItem::Kind::kFileSkipped, index,
                      "Graph JSON: " + graph.status().message());
  }
  // Users and groups are the directory, which `rapport directory import` reads, not mail.
  if (HoldsOnlyDirectory(*graph)) {
    return EmitSimple(ParsedItem::Kind::kFileSkipped, index, std::string(kSkipDirectoryExport));
  }
  // JSON that holds nothing Graph would send is some other program's file, not bad Graph data.
  bool anything = !graph->messages.empty() || !graph->events.empty() || !graph->users.empty() ||
                  graph->groups > 0 || !graph->removed.empty();
  bool all_unknown = std::all_of(graph->rejected.begin(), graph->rejected.end(),
                                 [](const std::string& r) { return r == kRejectGraphUnknownType; });
  if (!anything && all_unknown) {
    return EmitSimple(ParsedItem::Kind::kFileSkipped, index,
                      "JSON without Microsoft Graph resources");
  }
  uint64_t ordinal = 0;
  for (auto& m : graph->messages) {
    ParsedItem item;
    item.kind = ParsedItem::Kind::kMessage;
    item.file = index;
    item.offset = ordinal++;
    item.source_kind = "graph";
    item.graph_id = std::move(m.graph_id);
    item.message = std::move(m.meta);
    Emit(std::move(item));
  }
  for (auto& e : graph->events) {
    std::vector<model::MeetingMeta> one;
    one.push_back(std::move(e.meta));
    EmitMeetings(std::move(one), index, ordinal++, "graph", e.graph_id);
  }
  for (auto& r : graph->removed) {
    ParsedItem item;
    item.kind = ParsedItem::Kind::kRemoval;
    item.file = index;
    item.source_kind = "graph";
    item.graph_id = std::move(r.graph_id);
    Emit(std::move(item));
  }
  // Users and groups next to mail in one file: the mail is read, they are counted.
  for (size_t i = 0; i < graph->users.size(); ++i) {
    EmitSimple(ParsedItem::Kind::kSkippedItem, index,
               "Graph user (import users with rapport directory import)", "graph");
  }
  for (uint64_t i = 0; i < graph->groups; ++i) {
    EmitSimple(ParsedItem::Kind::kSkippedItem, index,
               "Graph group (import groups with rapport directory import)", "graph");
  }
  for (const auto& reason : graph->rejected) {
    EmitSimple(ParsedItem::Kind::kRejected, index, "Graph: " + reason, "graph");
  }
  EmitSimple(ParsedItem::Kind::kFileDone, index, {}, "graph");
}

void FileParser::ParsePstFile(size_t index, const SourceFile& file) {
  Status st = ReadOutlookPst(
      file.path, window_,
      [&](PstItem&& pst) {
        if (!pst.is_meeting) {
          ParsedItem item;
          item.kind = ParsedItem::Kind::kMessage;
          item.file = index;
          item.offset = pst.index;
          item.source_kind = "pst";
          item.folder = std::move(pst.folder_path);
          item.message = std::move(pst.message);
          return Emit(std::move(item));
        }
        EmitMeetings(std::move(pst.meeting), index, pst.index, "pst", {}, pst.folder_path);
      },
      [&](std::string_view reason) {
        EmitSimple(ParsedItem::Kind::kRejected, index, "PST: " + std::string(reason), "pst");
      });
  if (!st.ok()) {
    return EmitSimple(ParsedItem::Kind::kFileSkipped, index, "PST: " + st.message());
  }
  EmitSimple(ParsedItem::Kind::kFileDone, index, {}, "pst");
}

void FileParser::EmitMeetings(std::vector<model::MeetingMeta> meetings, size_t index,
                              uint64_t offset, std::string_view source_kind,
                              std::string_view graph_id, std::string_view folder) {
  for (auto& m : meetings) {
    ParsedItem item;
    item.kind = ParsedItem::Kind::kMeeting;
    item.file = index;
    item.offset = offset;
    item.source_kind = source_kind;
    item.graph_id = std::string(graph_id);
    item.folder = std::string(folder);
    item.meeting = std::move(m);
    Emit(std::move(item));
  }
}

void FileParser::EmitSimple(ParsedItem::Kind kind, size_t index, std::string reason,
                            std::string_view source_kind, uint64_t offset) {
  ParsedItem item;
  item.kind = kind;
  item.file = index;
  item.offset = offset;
  item.source_kind = source_kind;
  item.reason = std::move(reason);
  Emit(std::move(item));
}

void FileParser::Emit(ParsedItem item) {
  batch_.push_back(std::move(item));
  if (batch_.size() >= kItemsPerBatch) Flush();
}

void FileParser::Flush() {
  if (batch_.empty()) return;
  queue_.Push(std::move(batch_));
  batch_ = ParsedBatch();
  batch_.reserve(kItemsPerBatch);
}

}  // namespace rapport::ingest
