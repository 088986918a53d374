// Activity: the stored mail and meetings some people took part in, with every participant
// resolved to the person they are now (SPEC §3). The insights read it; they never see addresses
// or rows, only people and items.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace rapport::store {

enum class PersonKind : uint8_t { kInternal, kGuest, kExternal };

// What an insight shows of a person.
struct PersonSummary {
  int64_t id = 0;
  PersonKind kind = PersonKind::kExternal;
  std::string name;        // directory name, else the name most often written, else ""
  std::string address;     // the directory's primary address, else an SMTP address
  std::string org_domain;  // registrable domain of its addresses (fabrikam.com)
  std::string account;     // the account an external person belongs to, if any
  int64_t account_id = 0;
  bool is_role = false;  // every address is a system or function address: never a relationship
  // A colleague's, from the directory (filled by SummarizePeople only); "" when it has none.
  std::string department = {}, job_title = {};
};

struct MailItem {
  int64_t id = 0;
  std::string message_id;   // as stored ("sha256:..." when the message had none)
  std::string in_reply_to;  // the parent's Message-ID (In-Reply-To, else the last References)
  // The message this one answers, as an index into Activity::mail: the In-Reply-To found among
  // the activity's messages and sent no later than this one; -1 when there is none.
  int64_t parent = -1;
  int64_t sent_at = 0;  // UTC seconds
  int32_t utc_offset_min = 0;
  bool bulk = false;  // list, bulk or auto-submitted mail, or from a role address
  int64_t sender = 0;
  std::vector<int64_t> recipients;  // To, Cc, Bcc: distinct people, never the sender
  // Read only as the parent of a message read (ActivityQuery::after_message or ::parents): it
  // counts as nothing itself. Always false otherwise.
  bool context = false;
};

struct MeetingItem {
  int64_t id = 0;
  int64_t start = 0, end = 0;  // UTC seconds
  bool cancelled = false, all_day = false;
  int64_t organizer = 0;  // 0 when the source did not say
  // People who attended: the organiser, and attendees who did not decline and were not marked
  // non-participants. Distinct.
  std::vector<int64_t> attendees;
  std::vector<int64_t> declined;  // invited, declined (shown in analytics, never counted)
};

// Whose activity, and when: [from, to) in UTC seconds.
struct ActivityQuery {
  std::vector<int64_t> people;  // person ids; ignored when everyone is set
  bool everyone = false;        // the whole store (evaluation)
  int64_t from = std::numeric_limits<int64_t>::min();
  int64_t to = std::numeric_limits<int64_t>::max();
  // When set: only mail stored after this message id (ids grow as mail is stored; 0 is all of
  // it), and no meetings; each such message's parent is read too, marked `context`, so that a
  // reply to older mail is still a reply (the tie index's refresh extends rows with what is new).
  std::optional<int64_t> after_message;
  // Each message's parent, when not among the mail read, is read too and marked `context`: a
  // window's replies to older mail keep their parents.
  bool parents = false;
};

struct Activity {
  std::vector<MailItem> mail;         // by sent_at, then id
  std::vector<MeetingItem> meetings;  // by start, then id
  // Everyone in those items, with what ranking needs: kind, is_role, org_domain, and as address
  // the lowest SMTP one (a sort key); name and account are empty. Store::SummarizePeople gives
  // what an answer shows.
  std::unordered_map<int64_t, PersonSummary> people;
};

}  // namespace rapport::store
