// WhoKnowsWhom: which colleagues know an external contact, an account or a domain, strongest tie
// first (SPEC §4.2).
//
// Contract: the caller's request goes through the policy decision point (kind who-knows-whom,
// the contact as subject) before anything is read; a denial comes back as PermissionDenied with
// the policy's reason. Colleagues excluded from identifiable insights never appear, and neither
// do an account's excluded contacts in the counts. A colleague's tie to an account is their tie
// to all its people together (one set of interactions); only two-way ties are listed. For a
// contact, when fewer than `top` colleagues know them, colleagues who know others at the
// contact's organisation follow (via_account).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/consent/policy.h"
#include "rapport/insights/target.h"
#include "rapport/insights/tie_strength.h"
#include "rapport/store/store.h"

namespace rapport::insights {

struct KnownColleague {
  store::PersonSummary colleague;
  TieStrength tie;
  int contacts = 0;  // how many of the target's people the colleague has interacted with
  // Knows other people at the contact's organisation, not the contact: listed after everyone
  // who knows the contact, when fewer than `top` do.
  bool via_account = false;
  // For a contact, with a trained ranker (wkw_ranker.h): the chance that the colleague deals
  // with the contact within the ranker's horizon (90 days), as the ranker learned it.
  std::optional<double> chance = {};
};

struct WhoKnowsWhomAnswer {
  Target target;
  int64_t as_of = 0;
  std::vector<KnownColleague> colleagues;  // strongest first, at most `top`
  std::optional<int64_t> data_up_to = {};  // the request's
  std::string ranked_by = "formula";       // or "learned" (wkw_ranker.h)
  std::string ranker_note = {};            // why, and what the chance means or why there is none
  int chance_horizon_days = 0;             // the chance's horizon; 0 when no chance is shown
};

struct InsightRequest {
  consent::Principal caller;
  int64_t as_of = 0;  // UTC seconds: nothing later is evidence
  int64_t now = 0;    // when the request is made (the audit's time)
  // The latest activity in the store at or before now (data_extent.h); shown with every answer.
  std::optional<int64_t> data_up_to = {};
};

Result<WhoKnowsWhomAnswer> WhoKnowsWhom(store::Store& store, consent::PolicyDecisionPoint& policy,
                                        const InsightRequest& request, std::string_view target,
                                        size_t top = 5);

// The strongest-first order of every list of ties: the raw score, then the person's address, so
// that the order never depends on the order mail was ingested in. Among two-way ties this is the
// order of strength (a monotone map of raw); the evaluation also ranks one-way ties by raw score,
// which the lists leave out.
bool StrongerTie(const TieStrength& a, const store::PersonSummary& a_person, const TieStrength& b,
                 const store::PersonSummary& b_person);

}  // namespace rapport::insights
