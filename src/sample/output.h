// Where generated messages go: one file per message in Maildir folders, or mboxrd shards.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/status.h"

namespace rapport::sample {

// One composed message, valid for the duration of MailOutput::Write.
struct OutMessage {
  std::string_view text;           // header section, blank line, body; LF line ends
  std::string_view envelope_from;  // the address for the mbox "From " line
  std::string_view mailbox;        // Maildir folder: the local part of the user who holds it
  int64_t utc = 0;
  uint64_t number = 0;  // 1-based, unique: the Message-ID number
};

class MailOutput {
 public:
  virtual ~MailOutput() = default;
  virtual Status Write(const OutMessage& m) = 0;
  // Flushes and closes; reports the first error a buffered write or close ran into.
  virtual Status Finish() = 0;

  uint64_t files() const { return files_; }
  uint64_t bytes() const { return bytes_; }

 protected:
  uint64_t files_ = 0;
  uint64_t bytes_ = 0;
};

// Checks that `out_dir` is absent or an empty directory and creates it.
Status PrepareOutputDir(const std::string& out_dir);

// Creates out_dir/<mailbox>/{cur,new,tmp} for every mailbox up front (every user has a mailbox,
// even one that ends up empty); messages go to cur/ as already-seen mail.
Result<std::unique_ptr<MailOutput>> OpenMaildirOutput(const std::string& out_dir,
                                                      const std::vector<std::string>& mailboxes);

// Writes out_dir/mbox/part-NNNN.mbox, at most `per_file` messages each, in mboxrd form.
Result<std::unique_ptr<MailOutput>> OpenMboxOutput(const std::string& out_dir, uint64_t per_file);

}  // namespace rapport::sample
