// RelationshipAnalytics: how the organisation's relationship with a contact or an account stands
// over a window, split "by us" and "by them", with a health score (SPEC §4.3).
//
// Contract: the policy decision point decides first (kind relationship, the contact as subject);
// a denial is PermissionDenied with its reason. Interactions are as in ties.h: e-mail between a
// colleague and one of the target's people (bulk mail and newsletters excluded) and meetings both
// sides attended (not cancelled, not all-day, not declined). Time spent: 5 minutes to write an
// e-mail and 2.5 to read it, for each reader; a meeting's length for each of our attendees and
// once for theirs. A reply's response time runs from the message it answers (In-Reply-To, else
// the last References). Weekly buckets start on Monday 00:00 in the tenant's time zone. People
// excluded from identifiable insights -- colleagues, or an account's contacts -- are absent:
// never shown, never counted (SPEC §1).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rapport/consent/policy.h"
#include "rapport/insights/health_score.h"
#include "rapport/insights/target.h"
#include "rapport/insights/who_knows_whom.h"
#include "rapport/store/store.h"

namespace rapport::insights {

struct SideKpis {
  int emails_sent = 0;
  int emails_received = 0;
  int replies = 0;             // of emails_sent, answers to the other side's mail
  int meetings_organised = 0;  // meetings both sides attended, organised by this side
  double hours_spent = 0;
  std::optional<double> median_response_hours;  // how fast this side answers
};

struct WeekActivity {
  int64_t week_start =
      0;  // Monday 00:00 in the tenant's zone, as civil seconds (IsoDate prints it)
  int emails_by_us = 0, emails_by_them = 0, meetings = 0;
};

struct ContactedColleague {
  store::PersonSummary colleague;
  int interactions = 0;  // e-mails to or from the target's people, and meetings with them
};

struct RelationshipAnswer {
  Target target;
  int64_t as_of = 0;
  int days = 60;
  SideKpis by_us, by_them;
  int meetings = 0;                                // both sides attended, in the window
  std::optional<int64_t> last_interaction;         // at or before as_of, in any window
  std::optional<int64_t> next_interaction;         // the next meeting after as_of
  std::vector<ContactedColleague> most_contacted;  // top 3
  std::vector<WeekActivity> timeline;              // every week of the window, oldest first
  HealthScore health;
  int previous_score = 0;             // the same score over the window before
  std::string trend;                  // up, down or steady (5 points either way)
  std::optional<int64_t> data_up_to;  // the request's
};

Result<RelationshipAnswer> AnalyseRelationship(store::Store& store,
                                               consent::PolicyDecisionPoint& policy,
                                               const InsightRequest& request,
                                               std::string_view target, int days = 60);

}  // namespace rapport::insights
