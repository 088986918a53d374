// MboxReader: splits an mbox file (mboxo, mboxrd, Mozilla "From - ") into messages.
//
// Contract: a message starts at a line beginning "From " that is the first line of the file (after
// an optional byte-order mark) or whose next line is a header field. Content-Length headers are
// ignored (they are wrong as often as not). Quoted ">From " body lines are not separators, and
// neither is an unquoted "From " body line followed by text that is not a header. LF and CRLF.
#pragma once

#include <cstddef>
#include <string_view>

namespace rapport::ingest {

class MboxReader {
 public:
  explicit MboxReader(std::string_view data);

  // The next message, including its "From " line; `offset` is its byte offset in the file.
  // Returns false when there are no more messages.
  bool Next(std::string_view& message, size_t& offset);

 private:
  bool IsSeparatorAt(size_t line_start) const;
  std::string_view data_;
  size_t pos_ = 0;
};

// True when `data` starts like an mbox file.
bool LooksLikeMbox(std::string_view data);

}  // namespace rapport::ingest
