// MessageSink: where the ingestor puts what it parsed. The store implements it.
//
// Contract: Add() de-duplicates (the same message twice is stored once, and the new provenance is
// remembered). Writes are batched: a transaction commits only right after an Add() (every batch
// of messages) or on Commit(), so what is durable is always whole messages. FinishFile() records
// that a file was ingested completely, so that an unchanged file is not read again; it comes after
// the file's last message, or just before the only message of a one-message file, and in both
// cases lands in the same transaction as that message.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/model/meeting.h"
#include "rapport/model/message.h"
#include "rapport/status.h"

namespace rapport::ingest {

// Identity of a source file as seen on disk; a change of size or mtime means "read it again".
struct SourceFile {
  std::string path;      // absolute
  std::string location;  // `path`, without a Maildir ":2,FLAGS" suffix (flags change, mail doesn't)
  int64_t size = 0;
  int64_t mtime_ns = 0;
};

// Where one copy of a message or meeting was found.
struct Provenance {
  std::string_view source_kind;  // "maildir", "mbox", "eml", "ics", "graph", "pst"
  std::string_view location;     // SourceFile::location, + "#folder" for an item in a PST folder
  uint64_t offset = 0;  // mbox: byte offset of the message; ics/graph/pst: ordinal of the item
  std::string_view graph_id;  // the item's Microsoft Graph id, when it came from Graph
  // From a live mailbox (rapport sync): the sink also records (location, offset) -> message, so
  // that the item's removal at the source finds its copy (MailboxSink::RemoveItem).
  bool live = false;
  // An event read from a live calendar (Graph calendarView delta): it says how the meeting is
  // now, so its times and cancellation replace the stored ones whatever their SEQUENCE, and the
  // sink records (location, offset) -> meeting for the event's later change or deletion.
  bool current_state = false;
};

enum class SinkOutcome { kStored, kDuplicate };

class MessageSink {
 public:
  virtual ~MessageSink() = default;
  virtual Result<bool> AlreadyIngested(const SourceFile& file) = 0;
  // The same for many files at once: a sink whose look-ups are round trips to a server answers
  // them in a few (a Maildir has a file per message).
  virtual Result<std::vector<bool>> AlreadyIngestedFiles(std::span<const SourceFile> files) {
    std::vector<bool> out;
    for (const SourceFile& f : files) {
      auto seen = AlreadyIngested(f);
      if (!seen.ok()) return seen.status();
      out.push_back(*seen);
    }
    return out;
  }
  virtual Result<SinkOutcome> Add(const model::MessageMeta& meta, const Provenance& where) = 0;
  // Stores a meeting occurrence or merges it into the stored one with the same uid and
  // occurrence_start: a higher SEQUENCE replaces, a REPLY updates its attendees' responses, a
  // CANCEL cancels, and copies of equal SEQUENCE add the attendees and responses they know.
  virtual Result<SinkOutcome> AddMeeting(const model::MeetingMeta& meeting,
                                         const Provenance& where) = 0;
  // Deletes the message or meeting a Graph delta query reports removed; false if none is stored.
  virtual Result<bool> RemoveGraphItem(std::string_view graph_id) = 0;
  virtual Status FinishFile(const SourceFile& file, std::string_view source_kind) = 0;
  virtual Status Commit() = 0;
  // A hint: these messages come next (some may be dropped by consent first). A sink whose
  // look-ups are round trips to a server answers them for the whole batch at once.
  virtual Status Expect(std::span<const model::MessageMeta* const> messages) {
    (void)messages;
    return Status::Ok();
  }
};

}  // namespace rapport::ingest
