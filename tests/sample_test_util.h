// Helpers shared by the sample generator's tests: temp dirs, file listing, tree digests.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/mail/mbox_reader.h"
#include "sample/organisation.h"

namespace rapport::sample::testing {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("rapport-sample-") + info->name() + "-" +
                       std::to_string(getpid()) + "-" + std::to_string(counter++);
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = fs::temp_directory_path() / name;
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // A path inside the temp dir that does not exist yet.
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<fs::path> FilesUnder(const fs::path& root) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// FNV-1a over every file's relative path and bytes, in path order.
inline uint64_t TreeDigest(const fs::path& root) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xFF) * 1099511628211ull;
  };
  for (const auto& f : FilesUnder(root)) {
    mix(fs::relative(f, root).generic_string());
    mix(ReadFile(f));
  }
  return h;
}

// Every message as raw bytes: Maildir files (in cur/), or mbox shards split with rapport's
// reader. Calendars and the Graph export next to the mail are not messages.
inline std::vector<std::string> RawMessages(const fs::path& root, SampleLayout layout) {
  std::vector<std::string> raw;
  for (const auto& f : FilesUnder(root)) {
    bool mail = layout == SampleLayout::kMaildir ? f.parent_path().filename() == "cur"
                                                 : f.extension() == ".mbox";
    if (!mail) continue;
    std::string data = ReadFile(f);
    if (layout == SampleLayout::kMaildir) {
      raw.push_back(std::move(data));
      continue;
    }
    ingest::MboxReader reader(data);
    std::string_view message;
    size_t offset = 0;
    while (reader.Next(message, offset)) raw.emplace_back(message);
  }
  return raw;
}

}  // namespace rapport::sample::testing
