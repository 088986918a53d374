// TieIndex: each external contact's interactions with colleagues, stored so that Who Knows Whom
// reads one contiguous range per contact instead of every message the contact took part in
// (docs/tie-index.md). The store keeps what the rows depend on marked: any write that could
// change a contact's rows (mail or meetings in which the contact took part added, changed or
// deleted; anyone's kind, role flag or addresses changed) marks the contact, or the person
// whose change reaches every contact they dealt with, stale -- by triggers, so that no write
// path can forget. Readers use rows only when the contacts they need are fresh, and otherwise
// read the messages (the same answer, slower); Refresh recomputes what is stale.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <unordered_map>
#include <vector>

#include "rapport/status.h"
#include "rapport/store/activity.h"

namespace rapport::store {

// What a row records. 0-4 are interactions (insights::InteractionKind, in its order); the rest
// are the facts the "robot" rule needs (insights/ties.h): a time and no participants.
enum class TieFact : uint8_t {
  kEmailToContact = 0,
  kEmailFromContact = 1,
  kReplyToContact = 2,
  kReplyFromContact = 3,
  kMeeting = 4,
  kColleagueFirstBulk = 5,   // the colleague's first bulk mail to the contact
  kContactFirstBulk = 6,     // colleague 0: the contact's first bulk mail to anyone
  kContactFirstPersonal = 7  // colleague 0: the contact's first mail that is not bulk
};

struct TieRow {
  int64_t contact = 0;    // an external person
  int64_t colleague = 0;  // an internal person; 0 for the contact's own facts
  int64_t at = 0;         // UTC seconds
  TieFact fact = TieFact::kEmailToContact;
  int participants = 0;  // everyone in the item (interactions only)
  int count = 1;         // identical interactions (same time, kind and size)
};

class TieIndex {
 public:
  virtual ~TieIndex() = default;

  // Whether the rows of every one of `contacts` are current (nothing pending for them or for
  // anyone whose change reaches every contact).
  virtual Result<bool> Fresh(std::span<const int64_t> contacts) = 0;

  // Whether every row is current: nothing is marked or pending for anyone, and no mail is
  // stored that the index has not seen. What a colleague's rows say about who their contacts
  // are can be trusted only then: a contact marked stale may be about to gain them.
  virtual Result<bool> AllFresh() = 0;

  // Those of `contacts` whose rows may not be current (marked, pending, or in mail the index has
  // not seen yet), by id; all of them while a mark that reaches everyone a person dealt with is
  // pending.
  virtual Result<std::vector<int64_t>> StaleAmong(std::span<const int64_t> contacts) = 0;

  // A token that changes in every transaction that writes rows (a refresh's chunk). Within one
  // read snapshot, rows of fresh contacts read under the same token are the same rows: what is
  // derived from them may be kept while the token and their freshness hold.
  virtual Result<int64_t> Version() = 0;

  // Every contact with rows, by id: the whole history is Read(Contacts()).
  virtual Result<std::vector<int64_t>> Contacts() = 0;

  // The rows of `contacts`, facts included, at any time; by contact, colleague, time.
  virtual Result<std::vector<TieRow>> Read(std::span<const int64_t> contacts) = 0;

  // The rows of `colleague` with every contact, and each of those contacts' own facts
  // (colleague 0): the colleague's ties, exactly as Read of those contacts gives them.
  virtual Result<std::vector<TieRow>> ReadColleague(int64_t colleague) = 0;

  // What ranking needs of these people (kind, role flag, organisation domain, the lowest SMTP
  // address as a sort key), as in Activity::people.
  virtual Result<std::unordered_map<int64_t, PersonSummary>> Basics(
      std::span<const int64_t> people) = 0;

  // Brings every marked contact up to date, `chunk` marked people per write transaction, and
  // says how. A contact marked only because mail was stored since the last refresh is extended:
  // `extend` is given such contacts, the id above which their mail is new and a time no such
  // mail was sent before (the earliest of any new mail's: mail arrives mostly in time order, so
  // reading from it spares each contact's older history), and returns the rows that mail adds
  // (interactions add to `count`; a fact keeps the earliest time). Any other mark means a
  // recomputation: `compute` is given the external people marked and returns all their rows. Stored
  // mail that answers new mail (a parent that arrived after its reply) marks its people for
  // recomputation, since what it counts as changes. Both read through the same store inside the
  // chunk's transaction, so that a write racing the refresh cannot be lost.
  using ComputeRows = std::function<Result<std::vector<TieRow>>(std::span<const int64_t>)>;
  using ExtendRows = std::function<Result<std::vector<TieRow>>(std::span<const int64_t> contacts,
                                                               int64_t since, int64_t sent_from)>;
  struct Refreshed {
    int64_t recomputed = 0;  // contacts whose rows were computed from all their mail
    int64_t extended = 0;    // contacts whose rows had their new mail added
  };
  virtual Result<Refreshed> Refresh(const ComputeRows& compute, const ExtendRows& extend,
                                    size_t chunk = 512) = 0;
};

}  // namespace rapport::store
