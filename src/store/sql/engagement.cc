#include "store/sql/engagement.h"

#include "store/sql/dialect.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rapport::store {
namespace {

// What the scan needs of an address. A role address (noreply, a group, a room) stands for no
// person here: neither internal nor one of an account's people.
struct Party {
  int64_t person = 0;
  int64_t account = 0;  // an external person's address at an account's domain; else 0
  // A colleague (SPEC §4.5, the privacy unit): an internal person who is a directory member,
  // every alias merged into the person; without a directory, any internal person. Internal
  // addresses outside the directory (all-staff@, a list) are nobody.
  bool internal = false;
};

// The people who are directory members (not guests), sorted, and whether there is a directory.
struct Members {
  bool has_directory = false;
  std::vector<int64_t> people;
};

Result<Members> DirectoryMembers(SqlConnection& db, int64_t tenant) {
  Members out;
  Status st = ForEachRow(
      db,
      "SELECT DISTINCT a.person_id FROM directory_user u JOIN directory_address d "
      "ON d.directory_user = u.id JOIN address a ON a.id = d.address "
      "WHERE u.tenant_id = ?1 AND u.role = 'member' ORDER BY 1",
      [&](SqlStatement& s) { out.people.push_back(s.ColumnInt(0)); }, tenant);
  if (!st.ok()) return st;
  out.has_directory = !out.people.empty();
  return out;
}

// Every address of the tenant by id, loaded once: a year's mail has millions of participants,
// and a vector look-up is far cheaper than joining address, person and account_domain per row.
class Parties {
 public:
  Status Load(SqlConnection& db, int64_t tenant) {
    auto members = DirectoryMembers(db, tenant);
    if (!members.ok()) return members.status();
    RAPPORT_RETURN_IF_ERROR(ForEachRow(
        db,
        "SELECT a.id, a.person_id, p.kind = 'internal', p.kind = 'external', a.is_role, "
        "coalesce(d.account, 0) FROM address a JOIN person p ON p.id = a.person_id "
        "LEFT JOIN account_domain d ON d.tenant_id = a.tenant_id AND d.domain = a.org_domain "
        "WHERE a.tenant_id = ?1",
        [&](SqlStatement& s) {
          const int64_t id = s.ColumnInt(0);
          if (id <= 0) return;
          if (static_cast<size_t>(id) >= by_id_.size()) by_id_.resize(static_cast<size_t>(id) + 1);
          Party& p = by_id_[static_cast<size_t>(id)];
          const bool role = s.ColumnInt(4) != 0;
          p.person = s.ColumnInt(1);
          p.internal = !role && s.ColumnInt(2) != 0;
          p.account = !role && s.ColumnInt(3) != 0 ? s.ColumnInt(5) : 0;
        },
        tenant));
    if (!members->has_directory) return Status::Ok();
    for (Party& p : by_id_) {
      p.internal = p.internal &&
                   std::binary_search(members->people.begin(), members->people.end(), p.person);
    }
    return Status::Ok();
  }

  // Unknown ids (0: no organiser) are nobody.
  const Party& operator[](int64_t id) const {
    static const Party kNobody;
    return id > 0 && static_cast<size_t>(id) < by_id_.size() ? by_id_[static_cast<size_t>(id)]
                                                             : kNobody;
  }

 private:
  std::vector<Party> by_id_;
};

void AddDistinct(std::vector<int64_t>& list, int64_t person) {
  if (std::find(list.begin(), list.end(), person) == list.end()) list.push_back(person);
}

// (account, person) pairs, sorted and distinct, so that each account's people come together.
using AccountPeople = std::vector<std::pair<int64_t, int64_t>>;

void SortDistinct(AccountPeople& pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
}

// The Message-ID a reply answers: In-Reply-To (column `col`), else the last of References (the
// next column), as ReadActivity does.
std::string ParentId(const SqlStatement& s, int col) {
  if (!s.ColumnIsNull(col)) return s.ColumnText(col);
  if (s.ColumnIsNull(col + 1)) return "";
  const std::string references = s.ColumnText(col + 1);
  const size_t end = references.find_last_not_of(' ');
  if (end == std::string::npos) return "";
  const size_t space = references.rfind(' ', end);
  const size_t begin = space == std::string::npos ? 0 : space + 1;
  return references.substr(begin, end - begin + 1);
}

uint64_t IdHash(std::string_view message_id) {
  return std::hash<std::string_view>{}(message_id);
}

// Messages in id order, each with its participants: two sequential scans merged here, since a
// join seeks the participant B-tree once per message (about twice as slow on millions of rows).
// Bulk mail never counts; role senders are dropped through Parties.
std::string MessagesSql(SqlDialect d) {
  return "SELECT id, sent_at, sender_id, message_id, in_reply_to, references_ids FROM message" +
         std::string(NotIndexed(d)) +
         " WHERE tenant_id = ?1 AND sent_at >= ?2 AND sent_at < ?3 AND is_bulk = 0 ORDER BY id";
}
// The sender is message.sender_id; role 0 rows are not needed.
constexpr const char* kRecipients =
    "SELECT message, address FROM participant WHERE message >= ?1 AND role > 0 ORDER BY message";
// For replies whose parent is not among the messages scanned (rare).
constexpr const char* kReplyTo = "SELECT in_reply_to, references_ids FROM message WHERE id = ?1";
std::string ParentSql(SqlDialect d) {
  return "SELECT m.sent_at, m.sender_id FROM " + std::string(MessageKeys(d)) +
         " k JOIN message m ON m.id = k.id" + SameMonth(d, "m", "k") +
         " WHERE k.tenant_id = ?1 AND k.message_id = ?2 "
         "UNION ALL SELECT m.sent_at, m.sender_id FROM message_alias a JOIN message m "
         "ON m.id = a.message WHERE a.tenant_id = ?1 AND a.message_id = ?2 LIMIT 1";
}

class MailScan {
 public:
  MailScan(SqlConnection& db, int64_t tenant, const Parties& parties,
           const std::function<void(const AccountMail&)>& emit)
      : db_(db), tenant_(tenant), parties_(parties), emit_(emit) {}

  Status Run(int64_t from, int64_t to) {
    auto messages = db_.Prepare(MessagesSql(db_.Dialect()));
    if (!messages.ok()) return messages.status();
    auto recipients = db_.Prepare(kRecipients);
    if (!recipients.ok()) return recipients.status();
    messages->Bind(1, tenant_).Bind(2, from).Bind(3, to);
    Status st, rst;
    bool started = false;
    int64_t next = -1;  // the message of the recipients statement's row; -1 when done
    auto step = [&] { next = recipients->Step(rst) ? recipients->ColumnInt(0) : -1; };
    while (messages->Step(st)) {
      const int64_t id = messages->ColumnInt(0);
      if (!started) {
        recipients->Bind(1, id);
        step();
        started = true;
      }
      const Party& sender = parties_[messages->ColumnInt(2)];
      if (!sender.internal && sender.account == 0) continue;
      while (next != -1 && next < id) step();
      to_.clear();
      while (next == id) {
        to_.push_back(recipients->ColumnInt(1));
        step();
      }
      RAPPORT_RETURN_IF_ERROR(rst);
      if (sender.internal) {
        FromInternal(*messages, sender);
      } else {
        FromAccount(*messages, sender);
      }
    }
    RAPPORT_RETURN_IF_ERROR(st);
    return EmitReplies();
  }

 private:
  // A message an internal person sent to an account, which a reply may answer. By a 64-bit hash
  // of its Message-ID: a false match among millions of ids is about one in ten million.
  struct Sent {
    uint64_t hash;
    int64_t sent_at;
    int64_t sender;
    bool operator<(const Sent& o) const { return hash < o.hash; }
  };
  struct Reply {
    uint64_t parent;  // hash of the parent's Message-ID
    AccountMail item;
  };

  // `item_` is reused for every message: its vectors keep their memory.
  void Start(SqlStatement& m, const Party& sender, bool from_account) {
    item_.id = m.ColumnInt(0);
    item_.sent_at = m.ColumnInt(1);
    item_.account = from_account ? sender.account : 0;
    item_.from_account = from_account;
    item_.sender = sender.person;
    item_.internal.clear();
    item_.contacts.clear();
    item_.answers = 0;
    item_.reply_seconds = -1;
  }

  void FromInternal(SqlStatement& m, const Party& sender) {
    Start(m, sender, false);
    item_.internal.push_back(sender.person);
    pairs_.clear();
    for (int64_t address : to_) {
      const Party& r = parties_[address];
      if (r.internal) {
        AddDistinct(item_.internal, r.person);
      } else if (r.account != 0) {
        pairs_.emplace_back(r.account, r.person);
      }
    }
    if (pairs_.empty()) return;
    std::sort(item_.internal.begin(), item_.internal.end());
    SortDistinct(pairs_);
    sent_.push_back({IdHash(m.ColumnText(3)), item_.sent_at, sender.person});
    for (size_t i = 0; i < pairs_.size();) {
      item_.account = pairs_[i].first;
      item_.contacts.clear();
      for (; i < pairs_.size() && pairs_[i].first == item_.account; ++i) {
        item_.contacts.push_back(pairs_[i].second);
      }
      emit_(item_);
    }
  }

  void FromAccount(SqlStatement& m, const Party& sender) {
    Start(m, sender, true);
    item_.contacts.push_back(sender.person);
    for (int64_t address : to_) {
      const Party& r = parties_[address];
      if (r.internal) {
        AddDistinct(item_.internal, r.person);
      } else if (r.account == sender.account) {
        AddDistinct(item_.contacts, r.person);
      }
    }
    if (item_.internal.empty()) return;
    std::sort(item_.internal.begin(), item_.internal.end());
    std::sort(item_.contacts.begin(), item_.contacts.end());
    const std::string parent = ParentId(m, 4);
    if (parent.empty()) {
      emit_(item_);
    } else {  // its parent may come later in the scan: answered at the end
      replies_.push_back({IdHash(parent), item_});
    }
  }

  static void Answered(AccountMail& item, int64_t parent_sent_at, int64_t sender) {
    if (parent_sent_at > item.sent_at) return;
    item.answers = sender;
    item.reply_seconds = item.sent_at - parent_sent_at;
  }

  // Replies to the messages scanned, matched by sorting both (a hash table's cache misses cost
  // more); the rest, whose parents lie before the window or were not sent to an account, by
  // query.
  Status EmitReplies() {
    std::sort(sent_.begin(), sent_.end());
    std::vector<std::pair<uint64_t, size_t>> order;  // (parent hash, index in replies_)
    order.reserve(replies_.size());
    for (size_t i = 0; i < replies_.size(); ++i) order.emplace_back(replies_[i].parent, i);
    std::sort(order.begin(), order.end());
    auto sent = sent_.begin();
    for (const auto& [parent, i] : order) {
      AccountMail& item = replies_[i].item;
      while (sent != sent_.end() && sent->hash < parent) ++sent;
      if (sent != sent_.end() && sent->hash == parent) {
        Answered(item, sent->sent_at, sent->sender);
      } else {
        RAPPORT_RETURN_IF_ERROR(AnswerFromStore(item));
      }
      emit_(item);
    }
    return Status::Ok();
  }

  Status AnswerFromStore(AccountMail& item) {
    auto reply_to = db_.Prepare(kReplyTo);
    if (!reply_to.ok()) return reply_to.status();
    reply_to->Bind(1, item.id);
    Status st;
    if (!reply_to->Step(st)) return st;
    const std::string parent = ParentId(*reply_to, 0);
    auto find = db_.Prepare(ParentSql(db_.Dialect()));
    if (!find.ok()) return find.status();
    find->Bind(1, tenant_).Bind(2, parent);
    if (find->Step(st)) {
      const Party& sender = parties_[find->ColumnInt(1)];
      if (sender.internal) Answered(item, find->ColumnInt(0), sender.person);
    }
    return st;
  }

  SqlConnection& db_;
  const int64_t tenant_;
  const Parties& parties_;
  const std::function<void(const AccountMail&)>& emit_;
  AccountMail item_;
  std::vector<int64_t> to_;  // the message's recipients' addresses
  AccountPeople pairs_;
  std::vector<Sent> sent_;
  std::vector<Reply> replies_;
};

// One meeting's rows (the organiser's, then one per attendee) come together: the meeting is the
// outer loop. Read in table order: meetings are few beside mail, and a full scan costs less than
// a row look-up per meeting through meeting_start. Response 4 is declined, role 3 a
// non-participant (model::AttendeeResponse / AttendeeRole).
std::string MeetingsSql(SqlDialect d) {
  return "SELECT g.id, g.start_at, g.end_at, coalesce(g.organizer_id, 0), t.address, t.role, "
         "t.response FROM meeting g" +
         std::string(NotIndexed(d)) +
         " LEFT JOIN meeting_attendee t ON t.meeting = g.id WHERE g.tenant_id = ?1 AND "
         "g.start_at >= ?2 AND g.start_at < ?3 AND g.cancelled = 0 AND g.all_day = 0" +
         KeyOrder(d, "g.id, t.address");
}

class MeetingScan {
 public:
  MeetingScan(const Parties& parties, const std::function<void(const AccountMeeting&)>& emit)
      : parties_(parties), emit_(emit) {}

  Status Run(SqlConnection& db, int64_t tenant, int64_t from, int64_t to) {
    Status st = ForEachRow(
        db, MeetingsSql(db.Dialect()),
        [&](SqlStatement& s) {
          const int64_t id = s.ColumnInt(0);
          if (item_.id != id) {
            Flush();
            item_.id = id;
            item_.start = s.ColumnInt(1);
            item_.end = s.ColumnInt(2);
            organizer_ = &parties_[s.ColumnInt(3)];
            Attend(*organizer_);  // the organiser attends, whatever their own attendee row says
          }
          if (s.ColumnIsNull(4) || s.ColumnInt(6) == 4 || s.ColumnInt(5) == 3) return;
          Attend(parties_[s.ColumnInt(4)]);
        },
        tenant, from, to);
    if (st.ok()) Flush();
    return st;
  }

 private:
  void Attend(const Party& p) {
    if (p.internal) {
      AddDistinct(item_.internal, p.person);
    } else if (p.account != 0) {
      pairs_.emplace_back(p.account, p.person);
    }
  }

  // Emits the meeting read so far, one item per account, and starts afresh.
  void Flush() {
    if (!item_.internal.empty() && !pairs_.empty()) {
      std::sort(item_.internal.begin(), item_.internal.end());
      SortDistinct(pairs_);
      item_.organizer = organizer_->person;
      item_.by_internal = organizer_->internal;
      for (size_t i = 0; i < pairs_.size();) {
        item_.account = pairs_[i].first;
        item_.by_account = organizer_->account == item_.account;
        item_.contacts.clear();
        for (; i < pairs_.size() && pairs_[i].first == item_.account; ++i) {
          item_.contacts.push_back(pairs_[i].second);
        }
        emit_(item_);
      }
    }
    item_ = AccountMeeting{};
    pairs_.clear();
  }

  const Parties& parties_;
  const std::function<void(const AccountMeeting&)>& emit_;
  AccountMeeting item_;
  const Party* organizer_ = nullptr;
  AccountPeople pairs_;
};

}  // namespace

Status ScanAccountActivity(SqlConnection& db, int64_t tenant, int64_t from, int64_t to,
                           const std::function<void(const AccountMail&)>& mail,
                           const std::function<void(const AccountMeeting&)>& meeting) {
  Parties parties;
  RAPPORT_RETURN_IF_ERROR(parties.Load(db, tenant));
  if (mail) {
    MailScan scan(db, tenant, parties, mail);
    RAPPORT_RETURN_IF_ERROR(scan.Run(from, to));
  }
  if (meeting) {
    MeetingScan scan(parties, meeting);
    RAPPORT_RETURN_IF_ERROR(scan.Run(db, tenant, from, to));
  }
  return Status::Ok();
}

}  // namespace rapport::store
