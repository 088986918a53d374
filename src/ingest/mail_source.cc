#include "ingest/mail_source.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "ingest/mail/header_block.h"
#include "ingest/mail/mbox_reader.h"

namespace rapport::ingest {
namespace fs = std::filesystem;
namespace {

bool SkippedDirectory(const fs::path& dir) {
  std::string name = dir.filename().string();
  if (name == ".notmuch" || name == ".git") return true;
  // Maildir's tmp holds deliveries still being written; they appear in new/ when complete.
  return name == "tmp" && fs::exists(dir.parent_path() / "cur");
}

Status Walk(const fs::path& dir, std::vector<ListedFile>& out) {
  std::error_code ec;
  std::vector<fs::directory_entry> entries;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(*it);
  }
  if (ec) return Status::IoError("cannot read directory " + dir.string() + ": " + ec.message());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path() < b.path(); });
  for (const auto& e : entries) {
    if (e.is_directory(ec) && !e.is_symlink(ec)) {
      if (!SkippedDirectory(e.path())) RAPPORT_RETURN_IF_ERROR(Walk(e.path(), out));
    } else if (e.is_regular_file(ec)) {
      out.push_back({{e.path().string(), StableMaildirLocation(e.path().string()), 0, 0}, true});
    }
  }
  return Status::Ok();
}

}  // namespace

FileKind DetectFileKind(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  size_t i = 0;
  while (i < head.size() && (head[i] == '\r' || head[i] == '\n' || head[i] == ' ')) ++i;
  std::string_view s = head.substr(i);
  if (head.empty()) return FileKind::kEmpty;
  if (head.substr(0, 4) == "!BDN") return FileKind::kPst;
  if (head.substr(0, 4) == "\xD0\xCF\x11\xE0") return FileKind::kOutlookMsg;
  if (LooksLikeMbox(head)) return FileKind::kMbox;
  if (StartsWithIgnoreCase(s, "BEGIN:VCALENDAR")) return FileKind::kICalendar;
  if (!s.empty() && (s[0] == '{' || s[0] == '[')) return FileKind::kJson;
  size_t eol = head.find('\n');
  std::string_view first = head.substr(0, eol);
  if (LooksLikeHeaderField(first)) return FileKind::kMessage;
  if (StartsWithIgnoreCase(s, "name,domain")) return FileKind::kAccountList;
  return s.empty() ? FileKind::kEmpty : FileKind::kUnknown;
}

std::string_view FileKindName(FileKind kind) {
  switch (kind) {
    case FileKind::kMbox:
      return "mbox";
    case FileKind::kMessage:
      return "message";
    case FileKind::kICalendar:
      return "iCalendar";
    case FileKind::kJson:
      return "Graph JSON";
    case FileKind::kPst:
      return "Outlook PST";
    case FileKind::kOutlookMsg:
      return "Outlook .msg file (not read: save it as .eml or in a PST)";
    case FileKind::kAccountList:
      return "account list (import it with rapport accounts import)";
    case FileKind::kEmpty:
      return "empty file";
    case FileKind::kUnknown:
      return "not a mail, calendar, Graph or Outlook file";
  }
  return "not a mail, calendar, Graph or Outlook file";
}

Result<std::vector<ListedFile>> ListMailFiles(const std::vector<std::string>& paths) {
  std::vector<ListedFile> out;
  for (const auto& p : paths) {
    std::error_code ec;
    fs::path abs = fs::absolute(p, ec);
    auto st = fs::status(abs, ec);
    if (ec || !fs::exists(st)) {
      return Status::NotFound("no such file or directory: " + p + " (check the path)");
    }
    if (fs::is_directory(st)) {
      RAPPORT_RETURN_IF_ERROR(Walk(abs.lexically_normal(), out));
    } else {
      std::string path = abs.lexically_normal().string();
      out.push_back({{path, path, 0, 0}, false});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.file.path < b.file.path; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const auto& a, const auto& b) { return a.file.path == b.file.path; }),
            out.end());
  for (auto& f : out) {
    struct stat st {};
    if (::stat(f.file.path.c_str(), &st) == 0) {
      f.file.size = st.st_size;
      f.file.mtime_ns =
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    }
  }
  return out;
}

Result<MappedFile> MappedFile::Open(const std::string& path, bool sequential) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return Status::IoError("cannot stat " + path + ": " + std::strerror(errno));
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return MappedFile(nullptr, 0);
  }
  void* addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int err = errno;
  ::close(fd);
  if (addr == MAP_FAILED) return Status::IoError("cannot map " + path + ": " + std::strerror(err));
  if (sequential) ::madvise(addr, size, MADV_SEQUENTIAL);
  return MappedFile(addr, size);
}

MappedFile::MappedFile(MappedFile&& other) noexcept : addr_(other.addr_), size_(other.size_) {
  other.addr_ = nullptr;
  other.size_ = 0;
}

MappedFile::~MappedFile() {
  if (addr_) ::munmap(addr_, size_);
}

Status ReadHead(const std::string& path, size_t max, std::string& buffer) {
  buffer.resize(max);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  size_t got = 0;
  while (got < max) {
    ssize_t n = ::read(fd, buffer.data() + got, max - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Status::IoError("cannot read " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  buffer.resize(got);
  return Status::Ok();
}

bool HasHeaderEnd(std::string_view head) {
  return head.find("\n\n") != std::string_view::npos ||
         head.find("\n\r\n") != std::string_view::npos;
}

std::string StableMaildirLocation(std::string_view path) {
  size_t slash = path.rfind('/');
  size_t colon = path.find(":2,", slash == std::string_view::npos ? 0 : slash);
  return std::string(colon == std::string_view::npos ? path : path.substr(0, colon));
}

}  // namespace rapport::ingest
