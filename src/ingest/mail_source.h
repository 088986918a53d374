// Mail sources on disk: listing the files under the paths a user gave, mapping a file into memory,
// and telling what kind of file it is from its first bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/ingest/message_sink.h"
#include "rapport/status.h"

namespace rapport::ingest {

// What a file holds, from its content (never from its name).
enum class FileKind {
  kMbox,
  kMessage,
  kICalendar,
  kJson,         // Microsoft Graph export
  kPst,          // Outlook PST / OST
  kOutlookMsg,   // Outlook .msg (OLE2 compound file)
  kAccountList,  // a CRM account list (accounts.csv), which `rapport accounts import` reads
  kEmpty,
  kUnknown
};

FileKind DetectFileKind(std::string_view head);
std::string_view FileKindName(FileKind kind);

struct ListedFile {
  SourceFile file;
  bool in_directory = false;  // found by walking a directory (Maildir / Enron folder layout)
};

// Every regular file under `paths`, sorted by path, each listed once. Maildir "tmp" folders
// (deliveries in progress) and the notmuch/git metadata folders are skipped.
Result<std::vector<ListedFile>> ListMailFiles(const std::vector<std::string>& paths);

// A read-only memory map of a whole file; pages are read only when touched, so parsing a header
// section does not read the body from disk.
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::string& path, bool sequential);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  ~MappedFile();
  std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }

 private:
  MappedFile(void* addr, size_t size) : addr_(addr), size_(size) {}
  void* addr_ = nullptr;
  size_t size_ = 0;
};

// Reads at most `max` bytes from the start of the file into `buffer` (resized to what was read).
// One-message files are parsed from this head when their header section fits in it, which saves
// a memory map per Maildir file and reads nothing of a long body.
Status ReadHead(const std::string& path, size_t max, std::string& buffer);

// True when `head` holds the blank line that ends a header section.
bool HasHeaderEnd(std::string_view head);

// The location of a Maildir message without its ":2,FLAGS" suffix, which changes when a mail
// client marks the message read; the message is the same.
std::string StableMaildirLocation(std::string_view path);

}  // namespace rapport::ingest
