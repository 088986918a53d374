// The sample organisation as Microsoft Graph v1.0 would return it: one user's mailbox as a paged
// message collection, that user's events, the directory, and a delta page with tombstones.
//
// The mailbox is the same mail as the mail files (same internetMessageId, sender, recipients,
// sentDateTime, subject), without bodies. It is collected while the mail is written, one page
// (500 messages) in memory at a time, and stops at kMaxGraphMessages. Graph ids are "AAMk" and
// a counter in hex: deterministic, like everything else in the sample.
#pragma once

#include <cstdint>
#include <string>

#include "rapport/status.h"
#include "sample/meetings.h"
#include "sample/organisation.h"
#include "sample/output.h"
#include "sample/population.h"

namespace rapport::sample {

inline constexpr uint64_t kMaxGraphMessages = 50'000;
inline constexpr uint64_t kGraphPageSize = 500;

// The user who writes the most: the mailbox the Graph export shows.
uint32_t BusiestUser(const Population& pop);

class GraphExport {
 public:
  // Writes under out_dir/graph (created by Open).
  GraphExport(const OrganisationSpec& spec, const Population& pop, const std::string& out_dir);

  Status Open();
  // Adds the message to the mailbox when the user sent or received it; pages fill as they go.
  Status Add(const MessageFacts& facts);
  // Writes the last message page, messages-delta.json, events.json and users.json.
  Status Finish(const MeetingPlan& plan);

  uint64_t files() const { return files_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t messages() const { return messages_; }

 private:
  bool Involves(const MessageFacts& f) const;
  Status WritePage(bool last);
  Status WriteCollection(const std::string& name, const std::string& context,
                         const std::string& items, const std::string& link_name,
                         const std::string& link);
  std::string Base() const;

  const OrganisationSpec& spec_;
  const Population& pop_;
  std::string dir_;
  uint32_t user_;
  std::string upn_;
  std::string page_;  // the current page's items, one JSON object a line
  uint64_t in_page_ = 0, pages_ = 0;
  uint64_t messages_ = 0;
  uint64_t files_ = 0, bytes_ = 0;
};

}  // namespace rapport::sample
