// The insights' side of the tie index (rapport/store/tie_index.h, docs/tie-index.md): what its
// rows hold, how ties are read back from them, and how a stale index is brought up to date.
//
// Contract: for contacts that are external people (not role addresses), ReadTies gives exactly
// what CollectTies gives over an activity holding all of their mail and meetings up to `until`
// (pairs with those contacts only), whether it reads the index or, when the index is stale
// for any of them, the mail and meetings themselves. The tests check the two against each other
// on random stores.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "rapport/insights/ties.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::insights {

// The index rows of `contacts`, from an activity holding all of their mail and meetings: every
// interaction with a colleague at any time, and the facts the robot rule reads.
std::vector<store::TieRow> TieRowsOf(const store::Activity& activity,
                                     std::span<const int64_t> contacts);

// CollectTies, from the index rows of a set of contacts: the pairs with those contacts that
// have an interaction before `until`, robots (judged from mail before `until`) removed.
std::vector<TieInteractions> TiesFromRows(std::span<const store::TieRow> rows, int64_t until);

struct TieSet {
  std::vector<TieInteractions> ties;  // pairs with the contacts only, by user then contact
  bool from_index = false;
};

// kIndexFresh: the caller found the contacts Fresh in the same read snapshot, so the index is
// read without asking again.
enum class TieSource { kIndexWhenFresh, kIndexFresh, kMessages };

// The ties between colleagues and `contacts` before `until`.
Result<TieSet> ReadTies(store::Store& store, std::span<const int64_t> contacts, int64_t until,
                        TieSource source = TieSource::kIndexWhenFresh);

// The ties of `colleague` with external people before `until`: for each contact, the pair
// ReadTies gives for that contact (so the same strength Who Knows Whom shows), by contact. From
// the index alone when all of it is fresh (store::TieIndex::AllFresh); otherwise the colleague's
// own mail names the contacts, and those whose rows are not current are read from their mail.
Result<TieSet> ReadColleagueTies(store::Store& store, int64_t colleague, int64_t until);

// Brings every marked contact's rows up to date (store::TieIndex::Refresh): contacts that only
// received newer mail are extended with it, the others recomputed; says how many of each. Run
// after anything that writes mail, meetings or people (ingest, sync, purge, retention, directory
// import, people resolve).
Result<store::TieIndex::Refreshed> RefreshTieIndex(store::Store& store);

}  // namespace rapport::insights
