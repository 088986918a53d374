// PersonalInsights: what the caller's own mail and calendar say about their relationships
// (SPEC §4.4) -- only ever about the caller.
//
// Contract: the policy decision point decides first (kind personal, the caller as subject, so
// nobody else's request is allowed); a denial is PermissionDenied with its reason. People
// excluded from personal insights (opted out of everything, or in a group the grant excludes)
// never appear in any list. Ties are those of ties.h and tie_strength.h. Mail awaits a reply when
// someone the caller has written to before (so never a newsletter or a robot) wrote to the
// caller in the window, not in bulk, and the caller has neither answered it (In-Reply-To) nor
// written to them since. Upcoming meetings: the next 14 days.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "rapport/consent/policy.h"
#include "rapport/insights/tie_strength.h"
#include "rapport/insights/who_knows_whom.h"
#include "rapport/store/store.h"

namespace rapport::insights {

struct ContactTie {
  store::PersonSummary contact;
  TieStrength tie;
};

struct AwaitingReply {
  store::PersonSummary from;
  int64_t received_at = 0;
};

struct UpcomingMeeting {
  int64_t start = 0, end = 0;
  std::vector<store::PersonSummary> external;  // the external people invited
};

struct PersonalAnswer {
  store::PersonSummary me;
  int64_t as_of = 0;
  int days = 28;
  std::vector<ContactTie> top_contacts;  // strongest five
  std::vector<ContactTie> going_cold;    // strong ties quiet for cold_after_days
  int cold_after_days = 30;
  std::vector<AwaitingReply> awaiting_reply;           // newest first, at most 20
  std::optional<double> my_median_response_hours;      // how fast the caller answers
  std::optional<double> others_median_response_hours;  // how fast others answer the caller
  double meeting_hours_per_week = 0;
  std::vector<UpcomingMeeting> upcoming_external;
  std::optional<int64_t> data_up_to;  // the request's
  size_t awaiting_reply_total = 0;    // all of them; awaiting_reply holds the newest 20
};

Result<PersonalAnswer> PersonalInsights(store::Store& store, consent::PolicyDecisionPoint& policy,
                                        const InsightRequest& request, int days = 28);

}  // namespace rapport::insights
