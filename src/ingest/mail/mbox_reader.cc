#include "ingest/mail/mbox_reader.h"

#include <cstring>

#include "ingest/mail/header_block.h"

namespace rapport::ingest {
namespace {

size_t SkipBom(std::string_view d) {
  return d.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

}  // namespace

bool LooksLikeMbox(std::string_view data) {
  return data.substr(SkipBom(data), 5) == "From ";
}

MboxReader::MboxReader(std::string_view data) : data_(data), pos_(SkipBom(data)) {}

bool MboxReader::IsSeparatorAt(size_t line_start) const {
  if (data_.compare(line_start, 5, "From ") != 0) return false;
  const void* nl = std::memchr(data_.data() + line_start, '\n', data_.size() - line_start);
  if (!nl) return false;
  size_t next = static_cast<size_t>(static_cast<const char*>(nl) - data_.data()) + 1;
  const void* nl2 = std::memchr(data_.data() + next, '\n', data_.size() - next);
  size_t next_end =
      nl2 ? static_cast<size_t>(static_cast<const char*>(nl2) - data_.data()) : data_.size();
  return LooksLikeHeaderField(data_.substr(next, next_end - next));
}

bool MboxReader::Next(std::string_view& message, size_t& offset) {
  // Skip anything before the first separator (a BOM, blank lines, a corrupt head).
  while (pos_ < data_.size() && !(data_.compare(pos_, 5, "From ") == 0)) {
    const void* nl = std::memchr(data_.data() + pos_, '\n', data_.size() - pos_);
    pos_ = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data_.data()) + 1 : data_.size();
  }
  if (pos_ >= data_.size()) return false;
  size_t start = pos_;
  size_t scan = start;
  for (;;) {
    const void* nl = std::memchr(data_.data() + scan, '\n', data_.size() - scan);
    if (!nl) {
      pos_ = data_.size();
      break;
    }
    scan = static_cast<size_t>(static_cast<const char*>(nl) - data_.data()) + 1;
    if (scan < data_.size() && data_[scan] == 'F' && IsSeparatorAt(scan)) {
      pos_ = scan;
      break;
    }
  }
  message = data_.substr(start, pos_ - start);
  offset = start;
  return true;
}

}  // namespace rapport::ingest
