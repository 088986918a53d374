// Bounded contributions (docs/privacy.md, "Bounds"): every colleague's part in each row of
// account engagement is cut into pieces, one per calendar month of data, and each piece is
// clamped before it is summed, so that removing one colleague's data in one month changes each
// total by at most a known amount, in at most a known number of rows. Internal to src/insights.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "insights/engagement_periods.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::insights {

// Per colleague, calendar month of data and row, unless said otherwise. A row is one account in
// one period; a piece is a colleague's part of a row from one month (a week across two months
// has two pieces per colleague).
struct ContributionBounds {
  int accounts_per_month = 7;  // a colleague counts for their busiest accounts of each month only
  // E-mails and meetings each way, per piece on average: a colleague-month's pieces share the L2
  // bound emails x sqrt(rows a colleague-month reaches), so one busy piece may carry more
  // (SharedCap in the .cc, docs/privacy.md "Bounds and weights").
  int emails = 4;
  int meetings = 4;
  int contacts = 5;           // the account's people per piece, for e-mail and for meetings
  int meeting_minutes = 240;  // a piece's mean meeting length
  int reply_minutes = 4320;   // a piece's mean wait for the account's replies (3 days)
};

// The most one piece may carry of a count whose colleague-month shares the L2 bound
// bound x sqrt(rows_per_month): floor(bound x sqrt(rows_per_month)).
int64_t PieceMaximum(int64_t bound, int64_t rows_per_month);

constexpr int kMeetingUnit = 5;  // minutes
constexpr int kReplyUnit = 60;   // minutes

// One row's true totals of the bounded contributions: what noise is added to.
struct RowTotals {
  int64_t account = 0;
  size_t period = 0;       // index into the periods read
  int64_t colleagues = 0;  // distinct colleagues with a piece: the count rows are selected on
  int64_t email_colleagues = 0, meeting_colleagues = 0;  // distinct, by e-mail / by meetings
  int64_t emails_to = 0, emails_from = 0;                // bounded piece counts, summed
  int64_t meetings_to = 0, meetings_from = 0;
  int64_t contacts_emails = 0, contacts_meetings = 0;  // the union of pieces' clamped sets
  // Pieces with meetings / with replies, and their clamped means in units of kMeetingUnit /
  // kReplyUnit minutes: coarse units keep the noise of a 3-day bound within the sampler's range
  // at small epsilons.
  int64_t meeting_pieces = 0, meeting_units = 0;
  int64_t reply_pieces = 0, reply_units = 0;
};

// Whether an internal person may be counted (not opted out, not in an excluded group).
using MayCount = std::function<Result<bool>(int64_t person)>;

// Reads the account activity of `periods` (contiguous, in order) before `cutoff` and returns the
// totals of every row at least one countable colleague contributed to, by period, then account.
// Periods, months and the cut-off are civil seconds of the tenant's time zone; `months` are the
// calendar months the periods touch, in order; `civil` maps a UTC instant to civil seconds.
// `rows_per_month`: the most rows one colleague-month reaches (accounts per month x pieces per
// month), which the noise is calibrated to; each colleague-month's counts are bounded to
// bound x sqrt(rows_per_month) in L2.
Result<std::vector<RowTotals>> BoundedTotals(store::Store& store,
                                             const std::vector<Period>& periods,
                                             const std::vector<Period>& months, int64_t cutoff,
                                             const std::function<int64_t(int64_t)>& civil,
                                             const ContributionBounds& bounds,
                                             int64_t rows_per_month, const MayCount& countable);

}  // namespace rapport::insights
