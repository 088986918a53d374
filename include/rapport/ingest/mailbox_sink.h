// MailboxSink: a MessageSink for live mailboxes (rapport sync), which also remembers where each
// folder of a source stands and which stored message each folder item is.
//
// Contract: SetCursor() writes in the transaction that holds the items added since the last
// commit, so a cursor never runs ahead of what is stored: a sync killed at any point and run
// again starts from a cursor whose items are all stored. Add() with Provenance::live records
// the item (location, offset) -> message, also for a duplicate.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/ingest/message_sink.h"
#include "rapport/model/directory.h"
#include "rapport/status.h"

namespace rapport::ingest {

class MailboxSink : public MessageSink {
 public:
  // Every folder's cursor of a source (by sync_source id): folder -> cursor text.
  virtual Result<std::map<std::string, std::string>> Cursors(int64_t source) = 0;
  virtual Status SetCursor(int64_t source, std::string_view folder, std::string_view cursor) = 0;
  virtual Status DropCursor(int64_t source, std::string_view folder) = 0;
  // The offsets (IMAP UIDs) of the items stored from `location`, ascending.
  virtual Result<std::vector<uint64_t>> ItemsAt(std::string_view location) = 0;
  // The offsets of the live-calendar events stored from `location` whose meeting starts in
  // [from_utc, to_utc), ascending.
  virtual Result<std::vector<uint64_t>> EventsAt(std::string_view location, int64_t from_utc,
                                                 int64_t to_utc) = 0;
  // Forgets the item (message or live-calendar event) at (location, offset). The message or
  // meeting stays while another copy of it is known (another folder or calendar, a file) and is
  // deleted with the last one. False if no such item was stored.
  virtual Result<bool> RemoveItem(std::string_view location, uint64_t offset) = 0;
  // Locations of live-mailbox folders whose name starts with `prefix` (an earlier UIDVALIDITY
  // of a folder is another location), and forgetting one that has no item left.
  virtual Result<std::vector<std::string>> LocationsUnder(std::string_view prefix) = 0;
  // Applies a directory delta (users and groups added, changed or removed) in the transaction
  // of the cursor that follows it; on error nothing of it is kept. People are re-resolved by the
  // caller once the pass is done.
  virtual Status ApplyDirectory(const model::Directory& changes) = 0;
  // The keys of every user the directory holds (Graph object ids, or addresses for users from a
  // CSV import), for a full round to find the ones it no longer lists.
  virtual Result<std::vector<std::string>> DirectoryUserKeys() = 0;
  virtual Status ForgetLocation(std::string_view location) = 0;
};

}  // namespace rapport::ingest
