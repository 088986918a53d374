// The mail a sample organisation exchanges, composed one message at a time in date order.
//
// Person-to-person mail picks a user (by how much they write), one of the user's ties (Zipf) and
// either starts a thread or answers the most recent message on that tie, so reply chains stay
// between the same people and In-Reply-To/References always name an earlier message. About 5%
// is bulk: newsletters, noreply notifications, all-staff announcements and out-of-office replies.
// Only a two-message window per tie is remembered, so memory does not grow with the output.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sample/organisation.h"
#include "sample/output.h"
#include "sample/population.h"
#include "sample/random.h"

namespace rapport::sample {

// Writes "Name: a, b, c" for the people's mailboxes, folded before one that would pass 78
// columns; nothing when there is nobody. Shared by mail and invitation e-mails.
void AppendAddressHeader(std::string& out, std::string_view name, const Population& pop,
                         const std::vector<uint32_t>& people);

class Traffic {
 public:
  Traffic(const OrganisationSpec& spec, const Population& pop);

  // Composes the next message; the view stays valid until the next call.
  OutMessage Next();

  // The fields of the message Next() returned last.
  const MessageFacts& facts() const { return facts_; }

  // The Maildir folder name of every user, in user order.
  const std::vector<std::string>& mailboxes() const { return mailboxes_; }

 private:
  struct ThreadEntry {
    uint64_t number = 0;  // Message-ID number; 0 marks an empty slot
    uint64_t root = 0;    // first message of the thread
    uint64_t parent = 0;  // the message this one answered; 0 for a thread's first message
    int64_t utc = 0;
    uint32_t subject = 0;  // see SubjectText
    uint8_t depth = 0;
    bool from_user = false;  // sent by the tie's user (else by the other side)
    bool answered = false;   // people answer a message once (and so do out-of-office robots)
  };
  using TieWindow = std::array<ThreadEntry, 2>;  // [0] is the newest

  // A message being put together; person indexes refer to Population::people.
  struct Draft {
    uint32_t from = 0;
    std::vector<uint32_t> to, cc;
    int64_t utc = 0;
    uint32_t mailbox_user = 0;
    ThreadEntry* parent = nullptr;
    uint32_t subject = 0;
    bool auto_reply = false;
  };

  int64_t DayFor(uint64_t index) const;
  int64_t TimeOn(int64_t day, int offset_minutes);
  void ComposePerson(int64_t day);
  ThreadEntry* PickParent(TieWindow& window, int64_t day);
  void Remember(TieWindow& window, const Draft& d, bool from_user);
  void AddCompanions(Draft& d, uint32_t user, uint32_t other);
  uint32_t Companion(uint32_t user, uint32_t other);
  uint32_t NewSubject(uint32_t other);
  std::string SubjectText(uint32_t subject) const;
  void ComposeNewsletter(int64_t day);
  void ComposeNotification(int64_t day);
  void ComposeAnnouncement(int64_t day);

  void BeginHeaders(int64_t utc, int offset_minutes);
  void AddressHeader(std::string_view name, const std::vector<uint32_t>& people);
  void RawHeader(std::string_view name, std::string_view value);
  void ReferenceHeaders(const ThreadEntry& parent);
  void AppendMessageId(uint64_t number);
  void WritePersonMessage(const Draft& d);
  void WriteBody(const Draft& d);
  void FinishText(int64_t utc, uint32_t mailbox_user, std::string_view envelope_from);
  void NoteRobot(std::string_view name, std::string_view address, uint32_t user);

  const OrganisationSpec& spec_;
  const Population& pop_;
  Rng rng_;
  int64_t first_day_ = 0;
  int64_t end_utc_ = 0;
  WeightedIndex day_weights_;
  WeightedIndex hour_weights_;
  std::vector<TieWindow> windows_;
  std::vector<std::string> mailboxes_;
  std::string org_name_;  // "Northwind", from the internal domain
  uint64_t number_ = 0;   // the current message's number
  std::string text_;      // the current message, reused
  OutMessage out_;
  MessageFacts facts_;
  std::string envelope_;
};

}  // namespace rapport::sample
