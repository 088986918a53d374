// FileParser: the parsing side of an ingest. Reads each file, tells its kind, and turns it into
// ParsedItems (messages, meetings, Graph removals, rejections) in file order, in batches, onto a
// BatchQueue that the writing side drains.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ingest/batch_queue.h"
#include "ingest/calendar/icalendar.h"
#include "ingest/mail_source.h"
#include "rapport/ingest/ingestor.h"
#include "rapport/model/meeting.h"
#include "rapport/model/message.h"

namespace rapport::ingest {

struct ParsedItem {
  enum class Kind {
    kMessage,
    kMeeting,
    kRemoval,          // a Graph delta tombstone
    kRejected,         // a message that could not be used
    kMeetingRejected,  // an event that could not be used
    kSkippedItem,      // an item rapport does not read (a Graph user next to mail)
    kFileDone,
    kFileSkipped,
  } kind;
  size_t file = 0;               // index into the files being read
  uint64_t offset = 0;           // mbox byte offset, or ordinal of the item in its file
  std::string_view source_kind;  // "maildir", "mbox", "eml", "ics", "graph", "pst"
  std::string graph_id;          // kMessage / kMeeting from Graph, kRemoval
  std::string folder;            // the folder inside the file (PST), part of the provenance
  std::string reason;            // kRejected, kMeetingRejected, kSkippedItem, kFileSkipped
  model::MessageMeta message;    // kMessage
  model::MeetingMeta meeting;    // kMeeting
};

using ParsedBatch = std::vector<ParsedItem>;

class FileParser {
 public:
  FileParser(BatchQueue<ParsedBatch>& queue, MailFormat format, ExpansionWindow window)
      : queue_(queue), format_(format), window_(window) {}

  // Parses every file, then closes the queue. Stops early when the queue is cancelled.
  void Run(const std::vector<SourceFile>& files, const std::vector<bool>& in_directory);

 private:
  void ParseFile(size_t index, const SourceFile& file, bool in_directory);
  void ParseMail(size_t index, const SourceFile& file, FileKind kind, std::string_view source_kind);
  void ParseCalendarFile(size_t index, std::string_view data);
  void ParseGraphFile(size_t index, std::string_view data);
  void ParsePstFile(size_t index, const SourceFile& file);
  void ParseOne(std::string_view raw, size_t index, uint64_t offset, std::string_view source_kind);
  void EmitCalendar(ICalendarResult calendar, size_t index, uint64_t offset,
                    std::string_view source_kind);
  void EmitMeetings(std::vector<model::MeetingMeta> meetings, size_t index, uint64_t offset,
                    std::string_view source_kind, std::string_view graph_id = {},
                    std::string_view folder = {});
  void EmitSimple(ParsedItem::Kind kind, size_t index, std::string reason,
                  std::string_view source_kind = {}, uint64_t offset = 0);
  void Emit(ParsedItem item);
  void Flush();

  BatchQueue<ParsedBatch>& queue_;
  MailFormat format_;
  ExpansionWindow window_;
  ParsedBatch batch_;
  std::string head_;  // the first bytes of the current file
};

}  // namespace rapport::ingest
