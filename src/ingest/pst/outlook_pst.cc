// ReadOutlookPst: opens the file with libpff and walks its folder tree (see outlook_pst.h).
#include "ingest/pst/outlook_pst.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "ingest/mail/encoded_word.h"
#include "ingest/pst/outlook_pst_internal.h"

namespace rapport::ingest {
namespace {

using pst::ItemPtr;

// A corrupt file can describe a folder inside itself; no real mailbox nests this deep.
constexpr int kMaxFolderDepth = 64;
// A corrupt count can claim billions of items that all fail to load: after this many failures in
// a row the rest of the folder is given up with one rejection.
constexpr int kMaxConsecutiveFailures = 100;
constexpr size_t kMaxNameBytes = 64u << 10;

struct FileClose {
  void operator()(libpff_file_t* file) const {
    libpff_file_close(file, nullptr);  // harmless when the file never opened
    libpff_file_free(&file, nullptr);
  }
};
using FilePtr = std::unique_ptr<libpff_file_t, FileClose>;

Status OpenPst(const std::string& path, FilePtr& out) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) || !std::ifstream(path, std::ios::binary)) {
    return Status::IoError("cannot read " + path + ": missing, not a regular file, or unreadable");
  }
  libpff_file_t* file = nullptr;
  if (libpff_file_initialize(&file, nullptr) != 1 || file == nullptr) {
    return Status::IoError("libpff could not allocate a file handle for " + path);
  }
  out.reset(file);
  // Password-protected PSTs open like any other: the "password" is only a checksum that Outlook
  // checks, the content is not encrypted with it.
  if (libpff_file_open(file, path.c_str(), LIBPFF_OPEN_READ, nullptr) != 1) {
    return Status::Corruption(std::string(kRejectPstCorrupt));
  }
  return Status::Ok();
}

std::string FolderName(libpff_item_t* folder) {
  size_t size = 0;
  if (libpff_folder_get_utf8_name_size(folder, &size, nullptr) != 1 || size == 0 ||
      size > kMaxNameBytes) {
    return "";
  }
  std::string name(size, '\0');
  if (libpff_folder_get_utf8_name(folder, reinterpret_cast<uint8_t*>(name.data()), size, nullptr) !=
      1) {
    return "";
  }
  name.resize(std::strlen(name.c_str()));
  return SanitizeText(name);
}

class Walker {
 public:
  Walker(const std::function<void(PstItem&&)>& on_item,
         const std::function<void(std::string_view)>& on_reject)
      : on_item_(on_item), on_reject_(on_reject) {}

  void Folder(libpff_item_t* folder, const std::string& path, int depth) {
    Messages(folder, path);
    int count = 0;
    if (libpff_folder_get_number_of_sub_folders(folder, &count, nullptr) != 1) {
      on_reject_(kRejectPstItemUnreadable);
      return;
    }
    int failures = 0;
    for (int i = 0; i < count && failures < kMaxConsecutiveFailures; ++i) {
      libpff_item_t* raw = nullptr;
      if (depth >= kMaxFolderDepth || libpff_folder_get_sub_folder(folder, i, &raw, nullptr) != 1 ||
          raw == nullptr) {
        on_reject_(kRejectPstItemUnreadable);
        ++failures;
        continue;
      }
      failures = 0;
      ItemPtr sub(raw);
      Folder(sub.get(), path + "/" + FolderName(sub.get()), depth + 1);
    }
  }

 private:
  void Messages(libpff_item_t* folder, const std::string& path) {
    int count = 0;
    if (libpff_folder_get_number_of_sub_messages(folder, &count, nullptr) != 1) {
      on_reject_(kRejectPstItemUnreadable);
      return;
    }
    int failures = 0;
    for (int i = 0; i < count && failures < kMaxConsecutiveFailures; ++i) {
      failures = Message(folder, i, path) ? 0 : failures + 1;
    }
  }

  // False when libpff could not load the item at all.
  bool Message(libpff_item_t* folder, int i, const std::string& path) {
    uint64_t index = next_index_++;
    libpff_item_t* raw = nullptr;
    if (libpff_folder_get_sub_message(folder, i, &raw, nullptr) != 1 || raw == nullptr) {
      on_reject_(kRejectPstItemUnreadable);
      return false;
    }
    ItemPtr item(raw);
    pst::PropertyRow row(item.get(), 0);
    if (!row.ok()) {
      on_reject_(kRejectPstItemUnreadable);
      return false;
    }
    std::string message_class = row.String(pst::tag::kMessageClass).value_or("");
    PstItem out;
    out.folder_path = path;
    out.index = index;
    switch (pst::Classify(message_class, row)) {
      case pst::ItemKind::kMail: {
        auto meta = pst::BuildMessage(item.get(), row);
        if (!meta.ok()) return Reject(meta.status());
        out.message = std::move(*meta);
        break;
      }
      case pst::ItemKind::kMeeting: {
        auto occurrences = pst::BuildMeeting(item.get(), row, message_class);
        if (!occurrences.ok()) return Reject(occurrences.status());
        out.is_meeting = true;
        out.meeting = std::move(*occurrences);
        break;
      }
      case pst::ItemKind::kOther:
        return true;  // contacts, tasks, notes, configuration: not mail, not meetings
    }
    on_item_(std::move(out));
    return true;
  }

  bool Reject(const Status& status) {
    on_reject_(status.message());
    return true;  // the item was read; it just cannot be used
  }

  const std::function<void(PstItem&&)>& on_item_;
  const std::function<void(std::string_view)>& on_reject_;
  uint64_t next_index_ = 0;
};

}  // namespace

// `window` bounds the expansion of recurring series; recurrence blobs are not decoded here (a
// series gives its first occurrence only, see BuildMeeting), so there is nothing to bound.
Status ReadOutlookPst(const std::string& path, const ExpansionWindow& /*window*/,
                      const std::function<void(PstItem&&)>& on_item,
                      const std::function<void(std::string_view reason)>& on_reject) {
  FilePtr file;
  RAPPORT_RETURN_IF_ERROR(OpenPst(path, file));
  libpff_item_t* raw = nullptr;
  if (libpff_file_get_root_folder(file.get(), &raw, nullptr) != 1 || raw == nullptr) {
    return Status::Corruption(std::string(kRejectPstCorrupt));
  }
  ItemPtr root(raw);  // freed before `file`, declared after it
  // The root folder has no meaningful name: paths start at its children ("/Top of Personal
  // Folders/Inbox").
  Walker(on_item, on_reject).Folder(root.get(), "", 0);
  return Status::Ok();
}

}  // namespace rapport::ingest
