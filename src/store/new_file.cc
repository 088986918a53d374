#include "store/new_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

namespace rapport::store {

bool FileExists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

std::string PartialPath(const std::string& path) {
  static std::atomic<int> count{0};
  const std::string partial =
      path + ".partial-" + std::to_string(::getpid()) + "-" + std::to_string(count++);
  ::unlink(partial.c_str());  // what an interrupted write of a process with this id left
  return partial;
}

Status PublishNew(const std::string& partial, const std::string& path, const std::string& exists) {
  Status st = Status::Ok();
  if (::link(partial.c_str(), path.c_str()) != 0) {
    st = errno == EEXIST ? Status::FailedPrecondition(exists)
                         : Status::IoError("cannot name " + path + ": " + std::strerror(errno) +
                                           " (check the folder's permissions)");
  }
  ::unlink(partial.c_str());
  return st;
}

}  // namespace rapport::store
