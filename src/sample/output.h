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

// What a message says, as fields, for exports that describe the same message without parsing
// it back (the Microsoft Graph mailbox). Filled with each OutMessage; valid until the next one.
struct MessageFacts {
  uint64_t number = 0;
  uint64_t root = 0;  // Message-ID number of the thread's first message
  int64_t utc = 0;
  int64_t from = -1;  // person index; -1 for a robot sender (robot_name, robot_address)
  std::string robot_name, robot_address;
  std::vector<uint32_t> to, cc;      // person indexes
  std::string list_address;          // the To of an all-staff announcement (`to` is then empty)
  std::string subject;               // decoded
  std::vector<uint64_t> references;  // Message-ID numbers; the last is In-Reply-To
  std::string list_id;               // List-Id header value
  std::string_view precedence, auto_submitted;

  void Clear() {
    from = -1;
    robot_name.clear();
    robot_address.clear();
    to.clear();
    cc.clear();
    list_address.clear();
    subject.clear();
    references.clear();
    list_id.clear();
    precedence = auto_submitted = {};
  }
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

// Creates `dir` and its parents.
Status CreateDirectories(const std::string& dir);

// Writes `data` to a new file at `path` and closes it, reporting a full disk here.
Status WriteWholeFile(const std::string& path, std::string_view data);

// Checks that `out_dir` is absent or an empty directory and creates it.
Status PrepareOutputDir(const std::string& out_dir);

// Creates out_dir/<mailbox>/{cur,new,tmp} for every mailbox up front (every user has a mailbox,
// even one that ends up empty); messages go to cur/ as already-seen mail.
Result<std::unique_ptr<MailOutput>> OpenMaildirOutput(const std::string& out_dir,
                                                      const std::vector<std::string>& mailboxes);

// Writes out_dir/mbox/part-NNNN.mbox, at most `per_file` messages each, in mboxrd form.
Result<std::unique_ptr<MailOutput>> OpenMboxOutput(const std::string& out_dir, uint64_t per_file);

}  // namespace rapport::sample
