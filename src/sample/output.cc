#include "sample/output.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "sample/text.h"

namespace rapport::sample {
namespace {

namespace fs = std::filesystem;

constexpr size_t kFlushBytes = 8u << 20;  // big writes: the mbox layout is I/O bound

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

Status IoError(std::string_view what, const std::string& path, int err) {
  return Status::IoError(std::string(what) + " " + path + ": " + std::strerror(err));
}

Status CreateDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create directory " + dir.string() + ": " + ec.message());
  return Status::Ok();
}

// Writes `data` and closes the file, so that a full disk shows up here and not later.
Status WriteAndClose(FilePtr file, std::string_view data, const std::string& path) {
  if (!data.empty() && std::fwrite(data.data(), 1, data.size(), file.get()) != data.size()) {
    return IoError("cannot write", path, errno);
  }
  if (std::fclose(file.release()) != 0) return IoError("cannot write", path, errno);
  return Status::Ok();
}

class MaildirOutput : public MailOutput {
 public:
  explicit MaildirOutput(std::string root) : root_(std::move(root)) {}

  Status Write(const OutMessage& m) override {
    // <unix-seconds>.<unique counter>.<host>:2,S is a delivered message the user has seen.
    path_.assign(root_);
    path_ += '/';
    path_ += m.mailbox;
    path_ += "/cur/";
    AppendNumber(path_, static_cast<uint64_t>(m.utc));
    path_ += '.';
    AppendNumber(path_, m.number);
    path_ += ".sample:2,S";
    FilePtr file(std::fopen(path_.c_str(), "wb"));
    if (!file) return IoError("cannot create", path_, errno);
    RAPPORT_RETURN_IF_ERROR(WriteAndClose(std::move(file), m.text, path_));
    ++files_;
    bytes_ += m.text.size();
    return Status::Ok();
  }

  Status Finish() override { return Status::Ok(); }

 private:
  std::string root_;
  std::string path_;  // reused: one allocation for a million file names
};

// mboxrd: a body line that starts with any number of '>' followed by "From " gets one more '>',
// so readers can tell it from a message separator and undo the quoting exactly.
void AppendQuoted(std::string& out, std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
    std::string_view line = text.substr(pos, end - pos);
    size_t gt = line.find_first_not_of('>');
    if (gt != std::string_view::npos && line.substr(gt, 5) == "From ") out += '>';
    out += line;
    pos = end;
  }
}

class MboxOutput : public MailOutput {
 public:
  MboxOutput(std::string dir, uint64_t per_file) : dir_(std::move(dir)), per_file_(per_file) {
    buffer_.reserve(kFlushBytes + (1u << 16));
  }

  Status Write(const OutMessage& m) override {
    if (in_file_ == per_file_) RAPPORT_RETURN_IF_ERROR(CloseFile());
    if (!file_) RAPPORT_RETURN_IF_ERROR(OpenNextFile());
    size_t before = buffer_.size();
    buffer_ += "From ";
    buffer_ += m.envelope_from;
    buffer_ += ' ';
    AppendAsctime(buffer_, m.utc);
    buffer_ += '\n';
    AppendQuoted(buffer_, m.text);
    buffer_ += '\n';  // the blank line that ends every mboxrd message
    bytes_ += buffer_.size() - before;
    ++in_file_;
    if (buffer_.size() >= kFlushBytes) return Flush();
    return Status::Ok();
  }

  Status Finish() override { return CloseFile(); }

 private:
  Status OpenNextFile() {
    path_ = dir_ + "/part-";
    AppendPadded(path_, files_, 4);
    path_ += ".mbox";
    file_.reset(std::fopen(path_.c_str(), "wb"));
    if (!file_) return IoError("cannot create", path_, errno);
    ++files_;
    in_file_ = 0;
    return Status::Ok();
  }

  Status Flush() {
    if (!buffer_.empty() &&
        std::fwrite(buffer_.data(), 1, buffer_.size(), file_.get()) != buffer_.size()) {
      return IoError("cannot write", path_, errno);
    }
    buffer_.clear();
    return Status::Ok();
  }

  Status CloseFile() {
    if (!file_) return Status::Ok();
    RAPPORT_RETURN_IF_ERROR(Flush());
    return WriteAndClose(std::move(file_), {}, path_);
  }

  std::string dir_;
  uint64_t per_file_;
  uint64_t in_file_ = 0;
  FilePtr file_;
  std::string path_;
  std::string buffer_;
};

}  // namespace

Status CreateDirectories(const std::string& dir) {
  return CreateDir(dir);
}

Status WriteWholeFile(const std::string& path, std::string_view data) {
  FilePtr file(std::fopen(path.c_str(), "wb"));
  if (!file) return IoError("cannot create", path, errno);
  return WriteAndClose(std::move(file), data, path);
}

Status PrepareOutputDir(const std::string& out_dir) {
  if (out_dir.empty()) {
    return Status::InvalidArgument("no output directory given; pass a path for the sample");
  }
  std::error_code ec;
  fs::path dir(out_dir);
  bool exists = fs::exists(dir, ec);
  if (ec) return Status::IoError("cannot inspect " + out_dir + ": " + ec.message());
  if (exists) {
    if (!fs::is_directory(dir, ec)) {
      return Status::InvalidArgument("output path " + out_dir +
                                     " exists and is not a directory; choose a new directory");
    }
    fs::directory_iterator it(dir, ec);
    if (ec) return Status::IoError("cannot read directory " + out_dir + ": " + ec.message());
    if (it != fs::directory_iterator()) {
      return Status::InvalidArgument("output directory " + out_dir +
                                     " is not empty; choose a new directory or empty this one");
    }
  }
  return CreateDir(dir);
}

Result<std::unique_ptr<MailOutput>> OpenMaildirOutput(const std::string& out_dir,
                                                      const std::vector<std::string>& mailboxes) {
  for (const std::string& box : mailboxes) {
    for (const char* sub : {"cur", "new", "tmp"}) {
      RAPPORT_RETURN_IF_ERROR(CreateDir(fs::path(out_dir) / box / sub));
    }
  }
  return std::unique_ptr<MailOutput>(std::make_unique<MaildirOutput>(out_dir));
}

Result<std::unique_ptr<MailOutput>> OpenMboxOutput(const std::string& out_dir, uint64_t per_file) {
  std::string dir = (fs::path(out_dir) / "mbox").string();
  RAPPORT_RETURN_IF_ERROR(CreateDir(dir));
  return std::unique_ptr<MailOutput>(std::make_unique<MboxOutput>(dir, per_file));
}

}  // namespace rapport::sample
