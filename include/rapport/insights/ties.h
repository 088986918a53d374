// Ties: the interactions between each internal user and each external person, read from stored
// activity (SPEC §4.1), ready for ComputeTieStrength.
//
// Contract: an e-mail is an interaction between its sender and each recipient, one internal and
// the other external; a meeting is one between every internal and every external attendee who
// both attended (not cancelled, not all-day, neither declined). Bulk mail, role addresses,
// guests, and anyone whose every message in the activity is bulk (a newsletter) make no tie. A
// message replying (In-Reply-To, else the last References) to a message the other side sent,
// and for the contact's replies one the colleague sent to the contact, is a reply. The result does
// not depend on the order the activity lists its items in.
#pragma once

#include <cstdint>
#include <map>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "rapport/insights/tie_strength.h"
#include "rapport/store/activity.h"

namespace rapport::insights {

struct TieInteractions {
  int64_t user = 0;                       // internal person
  int64_t contact = 0;                    // external person
  std::vector<Interaction> interactions;  // by time
};

// Every (user, contact) pair in the activity with an interaction before `until`, sorted by user
// then contact.
std::vector<TieInteractions> CollectTies(const store::Activity& activity, int64_t until);

// Every pair's interactions before `until`, unsorted, robots not removed: what CollectTies
// starts from (and the tie index stores).
using PairMap = std::map<std::pair<int64_t, int64_t>, std::vector<Interaction>>;
PairMap PairInteractions(const store::Activity& activity, int64_t until);

// The order of a pair's interactions: by time, then kind, then size.
void SortInteractions(std::vector<Interaction>& list);

// Whether `person` is in the activity as a person (not only role addresses) of that kind.
bool IsPersonOf(const store::Activity& activity, int64_t person, store::PersonKind kind);

// Senders whose every message in the activity is bulk: newsletters and robots.
std::unordered_set<int64_t> BulkOnlySenders(const store::Activity& activity);

// The same over the messages given one at a time (a part of an activity).
class BulkOnlyTally {
 public:
  void Add(const store::MailItem& m);
  std::unordered_set<int64_t> Senders() const;

 private:
  std::unordered_map<int64_t, bool> only_bulk_;
};

}  // namespace rapport::insights
