#include "rapport/insights/engagement.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <optional>

#include "ingest/identity/address_identity.h"
#include "insights/decide.h"
#include "insights/engagement_budget.h"
#include "insights/engagement_mechanism.h"
#include "insights/engagement_periods.h"
#include "insights/engagement_reuse.h"
#include "insights/engagement_rows.h"
#include "insights/engagement_smoothing.h"
#include "insights/weeks.h"
#include "rapport/insights/insight_settings.h"
#include "rapport/insights/zcdp.h"

namespace rapport::insights {
namespace {

constexpr int64_t kDay = 86400;
constexpr size_t kMaxPeriods = 520;  // ten years of weeks

double Value(Rational r) {
  return static_cast<double>(r.num) / static_cast<double>(r.den);
}

std::string Text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

int64_t FloorDay(int64_t t) {
  return t / kDay * kDay - (t % kDay < 0 ? kDay : 0);
}

int64_t UtcMonthStart(int64_t t) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{FloorDay(t) / kDay}}};
  return static_cast<int64_t>(sys_days{ymd.year() / ymd.month() / 1}.time_since_epoch().count()) *
         kDay;
}

// The most pieces one colleague has in one row: the months a period touches.
int64_t PiecesPerRow(PeriodLevel level) {
  return level == PeriodLevel::kYear ? 12 : level == PeriodLevel::kWeek ? 2 : 1;
}

Status Validate(const EngagementRequest& what, const MonthlyBudget& budget) {
  if (what.k < 2 || what.k > 1000) {
    return Status::InvalidArgument(
        "--k must be from 2 to 1000: a row of one colleague describes that colleague");
  }
  if (what.epsilon && Value(*what.epsilon) > budget.epsilon) {
    return Status::InvalidArgument("--epsilon " + Text(Value(*what.epsilon)) +
                                   " is more than a month's whole lifetime budget (" +
                                   Text(budget.epsilon) + ", privacy_epsilon_per_month)");
  }
  if (what.from && what.to && *what.from >= *what.to) {
    return Status::InvalidArgument("--from must be before --to");
  }
  return Status::Ok();
}

// The whole periods a request covers (civil seconds): --from/--to widened, or the default count
// ending with the last period complete before the cut-off. A default release never reads a
// period still under way: that would spend the lifetime budget of its months on part of their
// data, and every request on a later day would be a new release.
Result<std::vector<Period>> RequestedPeriods(const EngagementRequest& what, int64_t cutoff) {
  const int64_t last =
      PeriodStart(what.level, what.to ? *what.to - 1 : PeriodStart(what.level, cutoff) - 1);
  int64_t first = last;
  for (int i = 1; i < DefaultPeriodCount(what.level); ++i) {
    first = PeriodStart(what.level, first - 1);
  }
  std::vector<Period> periods = PeriodsCovering(
      what.level, what.from.value_or(first), what.to.value_or(NextPeriodStart(what.level, last)));
  if (periods.empty() || periods.size() > kMaxPeriods) {
    return Status::InvalidArgument("a release covers 1 to 520 periods: narrow --from/--to");
  }
  return periods;
}

// Everything that shapes a release's numbers: an identical request finds the stored release.
std::string RequestKey(const ReleaseParameters& p, const ContributionBounds& b) {
  std::string key = "engagement/2 ";
  key.append(PeriodLevelName(p.level)).append(" ").append(p.time_zone);
  for (int64_t v :
       {p.from, p.to, p.cutoff, static_cast<int64_t>(p.epsilon.num),
        static_cast<int64_t>(p.epsilon.den), static_cast<int64_t>(p.k),
        static_cast<int64_t>(b.accounts_per_month), static_cast<int64_t>(b.emails),
        static_cast<int64_t>(b.meetings), static_cast<int64_t>(b.contacts),
        static_cast<int64_t>(b.meeting_minutes), static_cast<int64_t>(b.reply_minutes)}) {
    key += ' ';
    key += std::to_string(v);
  }
  key += ' ';
  key += Text(p.delta);
  return key;
}

// A release worked out up to the mail: its parameters, key, charges and what each month would
// spend, and the verdict of every budget and cap.
struct Plan {
  InsightSettings settings;
  MonthlyBudget budget;
  ContributionBounds bounds;
  std::vector<Period> periods, months;  // months: those this release computes and charges
  ReusedPeriods reused;                 // the leading periods earlier releases hold
  ReleaseParameters p;
  std::string key, caller;
  std::vector<store::MonthCharge> charges;
  std::vector<MonthCost> costs;
  store::ReleaseLimits limits;
  Status verdict;
  std::function<int64_t(int64_t)> civil;
  std::vector<Variance> variances;  // in Measures() order
};

Status MemberCaps(store::Store& store, consent::PolicyDecisionPoint& policy,
                  const InsightRequest& request, Plan& plan) {
  auto role = policy.RoleOf(request.caller.address);
  if (!role.ok()) return role.status();
  if (*role == consent::Role::kAdmin) return Status::Ok();
  const int cap = plan.settings.member_releases_per_month;
  plan.limits.caller_releases_per_month = cap;
  plan.limits.caller_since = UtcMonthStart(request.now);
  auto allowed = ParsePositiveDecimal(plan.settings.release_epsilon);
  if (allowed.ok() && Micro(plan.p.epsilon) > Micro(*allowed)) {
    return Status::ResourceExhausted(
        "a " + std::string(consent::RoleName(*role)) + " may ask for at most epsilon " +
        plan.settings.release_epsilon +
        " (enrichment_epsilon); an admin may ask for more, or raise it");
  }
  auto made = store.ReleasesBy(plan.caller, plan.limits.caller_since);
  if (!made.ok()) return made.status();
  if (*made >= cap) {
    return Status::ResourceExhausted(
        "you made " + std::to_string(*made) + " new release" + (*made == 1 ? "" : "s") +
        " this month, the most a " + std::string(consent::RoleName(*role)) +
        " may (member_releases_per_month " + std::to_string(cap) +
        "); asking again for a release already made is free, or ask an admin");
  }
  return Status::Ok();
}

// Each month's spending with this release's charge; the first that cannot pay, if any.
Status PriceMonths(store::Store& store, Plan& plan) {
  const int64_t rho_nano = std::llround(plan.p.rho * 1e9);  // already whole units
  const int64_t delta_atto = std::llround(plan.p.selection_delta * 1e18);
  if (plan.months.empty()) return Status::Ok();  // every period reused: nothing to charge
  auto spent = store.PrivacySpent(plan.months.front().start, plan.months.back().end);
  if (!spent.ok()) return spent.status();
  std::map<int64_t, store::MonthSpent> by_month;
  for (const auto& m : *spent) by_month[m.month] = m;
  Status verdict;
  std::optional<Period> last_short;  // the latest month that cannot pay
  for (const Period& m : plan.months) {
    store::MonthSpent before =
        by_month.count(m.start) ? by_month[m.start] : store::MonthSpent{m.start, 0, 0, 0};
    const store::MonthCharge charge{m.start, rho_nano, delta_atto};
    plan.charges.push_back(charge);
    plan.costs.push_back(CostOf(plan.budget, before, charge));
    if (before.rho_nano + rho_nano > plan.budget.rho_nano ||
        before.delta_atto + delta_atto > plan.budget.delta_atto) {
      if (verdict.ok()) verdict = MonthExhausted(plan.budget, before, Value(plan.p.epsilon));
      last_short = m;
    }
  }
  // A view that rolls on (next month's 12 months) finds its older months spent: say where the
  // periods that can still pay begin.
  if (last_short) {
    const int64_t from =
        NextPeriodStart(plan.p.level, PeriodStart(plan.p.level, last_short->end - 1));
    if (from < plan.p.cutoff) {
      verdict =
          Status::ResourceExhausted(verdict.message() + "; the periods from " + DayName(from) +
                                    " on can still pay: --from " + DayName(from));
    }
  }
  return verdict;
}

Result<Plan> MakePlan(store::Store& store, consent::PolicyDecisionPoint& policy,
                      const InsightRequest& request, const EngagementRequest& what) {
  RAPPORT_RETURN_IF_ERROR(Decide(policy, request, consent::InsightKind::kEngagement, ""));
  Plan plan;
  auto settings = LoadInsightSettings(store);
  if (!settings.ok()) return settings.status();
  plan.settings = *settings;
  auto budget = MonthlyBudgetOf(plan.settings);
  if (!budget.ok()) return budget.status();
  plan.budget = *budget;
  RAPPORT_RETURN_IF_ERROR(Validate(what, plan.budget));
  auto calendar = WeekCalendar::For(plan.settings.time_zone);
  if (!calendar.ok()) return calendar.status();
  plan.civil = [calendar = *calendar](int64_t utc) { return calendar.LocalSeconds(utc); };
  plan.bounds.accounts_per_month = plan.settings.accounts_per_user;

  ReleaseParameters& p = plan.p;
  p.level = what.level;
  p.time_zone = plan.settings.time_zone;
  // The cut-off: the start of as-of's day in the tenant's zone, so that every request made the
  // same day reads the same data and finds the same release.
  const int64_t as_of_day = FloorDay(plan.civil(request.as_of));
  auto periods = RequestedPeriods(what, as_of_day);
  if (!periods.ok()) return periods.status();
  plan.periods = std::move(*periods);
  p.from = plan.periods.front().start;
  p.to = plan.periods.back().end;
  p.cutoff = std::min(as_of_day, p.to);
  if (p.cutoff <= p.from) {
    return Status::InvalidArgument("the release's periods start on or after --as-of (" +
                                   MonthName(p.from) + "): there is no data before the cut-off " +
                                   "to release; move --from earlier or --as-of later");
  }
  auto epsilon = what.epsilon ? Result<Rational>(*what.epsilon)
                              : ParsePositiveDecimal(plan.settings.release_epsilon);
  if (!epsilon.ok()) return epsilon.status();
  p.epsilon = *epsilon;
  if (Value(p.epsilon) > plan.budget.epsilon) {
    return Status::InvalidArgument(
        "enrichment_epsilon is more than privacy_epsilon_per_month: "
        "an admin should lower it");
  }
  p.delta = plan.budget.delta;
  // The rho charged, in the ledger's units rounded down; the noise is calibrated to it (a little
  // more noise, never less), so a release asking for the month's whole epsilon fits it exactly.
  const int64_t rho_nano = static_cast<int64_t>(RhoForEpsilon(Value(p.epsilon), p.delta / 2) * 1e9);
  p.rho = static_cast<double>(rho_nano) / 1e9;
  // Partition selection spends delta in proportion to rho, so both run out together.
  const int64_t delta_atto =
      static_cast<int64_t>(static_cast<long double>(plan.budget.delta_atto) * rho_nano /
                           std::max<int64_t>(1, plan.budget.rho_nano));
  p.selection_delta = static_cast<double>(delta_atto) / 1e18;
  p.k = what.k;
  p.accounts_per_month = plan.bounds.accounts_per_month;
  p.rows_per_month = static_cast<int64_t>(p.accounts_per_month) * PiecesPerMonth(p.level);
  auto reused = ReusablePeriods(store, p, plan.periods);
  if (!reused.ok()) return reused.status();
  plan.reused = std::move(*reused);
  plan.months.clear();
  if (plan.reused.periods < plan.periods.size() &&
      plan.periods[plan.reused.periods].start < p.cutoff) {
    plan.months =
        PeriodsCovering(PeriodLevel::kMonth, plan.periods[plan.reused.periods].start, p.cutoff);
  }
  auto variances = Calibrate(plan.bounds, p.rho, p.rows_per_month);
  if (!variances.ok()) return variances.status();
  plan.variances = *variances;
  const auto measures = Measures(plan.bounds);
  for (size_t i = 0; i < measures.size(); ++i) {
    p.noise_sd.emplace_back(measures[i].name, std::sqrt(plan.variances[i].value()));
  }
  p.threshold = SelectionThreshold(p.k, plan.variances[0], p.rows_per_month, p.selection_delta);
  plan.key = RequestKey(p, plan.bounds);
  plan.caller = ingest::AddressKey(request.caller.address);
  plan.limits.rho_budget_nano = plan.budget.rho_nano;
  plan.limits.delta_budget_atto = plan.budget.delta_atto;
  auto priced = PriceMonths(store, plan);
  plan.verdict = priced;
  if (plan.verdict.ok() && !plan.months.empty()) {
    plan.verdict = MemberCaps(store, policy, request, plan);
  }
  if (!plan.verdict.ok() && plan.verdict.code() != Status::Code::kResourceExhausted) {
    return plan.verdict;
  }
  return plan;
}

// An identical request's release, as stored: nothing spent, nothing sampled.
Result<EngagementRelease> Repeated(const store::PrivacyRelease& stored) {
  auto release = ParseReleaseBody(stored.body);
  if (!release.ok()) return release.status();
  release->id = stored.id;
  release->repeated = true;
  release->released_at = stored.released_at;
  return release;
}

// The noisy rows. Accounts on the imported list are public: each gets a row in every period
// read, shown when its estimated colleague count reaches k; the whole periods' values are
// estimated together, after the reused periods' where kept (TowardsTheTrend: post-processing of
// public outputs); this release's measurements and how many periods were estimated together go
// into `release`. Other accounts are selected: a row needs k true colleagues and a noisy count
// of at least the threshold, and keeps its own measurements (a domain's rows in other periods
// are not public).
Result<std::vector<EngagementRow>> NoisyRows(store::Store& store, const Plan& plan,
                                             const std::vector<Period>& periods,
                                             const std::vector<RowTotals>& totals,
                                             RandomSource& random, EngagementRelease& release) {
  auto accounts = store.ListAccounts();
  if (!accounts.ok()) return accounts.status();
  std::map<std::pair<size_t, int64_t>, const RowTotals*> by_row;
  for (const RowTotals& t : totals) by_row[{t.period, t.account}] = &t;
  size_t read = 0, whole = 0;  // periods begun before the cut-off; those ended by it
  while (read < periods.size() && periods[read].start < plan.p.cutoff) ++read;
  while (whole < read && periods[whole].end <= plan.p.cutoff) ++whole;
  std::vector<EngagementRow> rows;
  auto add = [&](const RowTotals& t, const store::Account& account,
                 const std::vector<int64_t>& noisy, bool listed) {
    if (listed ? noisy[0] < plan.p.k : t.colleagues < plan.p.k || noisy[0] < plan.p.threshold) {
      return;
    }
    EngagementRow row =
        RowFrom(t, noisy, plan.bounds, PiecesPerRow(plan.p.level), periods[t.period].start);
    row.account_name = account.name;
    row.listed = listed;
    rows.push_back(std::move(row));
  };
  for (const store::Account& account : *accounts) {
    const bool listed = account.origin == "import";
    std::vector<RowTotals> own;  // a listed account's row in every period read
    for (size_t period = 0; period < read; ++period) {
      auto it = by_row.find({period, account.id});
      if (it != by_row.end()) {
        own.push_back(*it->second);
      } else if (listed) {
        own.emplace_back();
        own.back().account = account.id;
        own.back().period = period;
      }
    }
    std::vector<std::vector<int64_t>> noisy;
    for (const RowTotals& t : own) noisy.push_back(Noisy(t, plan.variances, random));
    if (listed) {
      std::vector<std::vector<int64_t>> series =
          KeptMeasures(plan.reused, account.id, plan.variances.size());
      const size_t lead = series.size();
      for (size_t t = 0; t < whole; ++t) {
        release.measured[account.id][periods[t].start] = noisy[t];
        series.push_back(noisy[t]);
      }
      if (series.size() >= kFewestPeriodsToSmooth) {
        release.estimated_periods =
            std::max(release.estimated_periods, static_cast<int64_t>(series.size()));
      }
      series = TowardsTheTrend(series, plan.variances);
      std::copy(series.begin() + static_cast<ptrdiff_t>(lead), series.end(), noisy.begin());
    }
    for (size_t i = 0; i < own.size(); ++i) add(own[i], account, noisy[i], listed);
  }
  return rows;
}

// The earlier releases' rows and the new ones as one release: ordered, and the columns derived
// from several periods (days since, score) worked out anew over all of them.
std::vector<EngagementRow> Assemble(const Plan& plan, std::vector<EngagementRow> computed) {
  std::vector<EngagementRow> rows = plan.reused.rows;
  rows.insert(rows.end(), std::make_move_iterator(computed.begin()),
              std::make_move_iterator(computed.end()));
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.period_start != b.period_start ? a.period_start < b.period_start
                                            : a.account_name < b.account_name;
  });
  PostProcess(rows, plan.periods, plan.p.cutoff);
  return rows;
}

EngagementRelease Shell(const Plan& plan) {
  EngagementRelease r;
  r.parameters = plan.p;
  r.reused_periods = static_cast<int64_t>(plan.reused.periods);
  r.months = plan.costs;
  r.epsilon_budget = plan.budget.epsilon;
  r.delta_budget = plan.budget.delta;
  return r;
}

}  // namespace

std::string_view PeriodLevelName(PeriodLevel level) {
  switch (level) {
    case PeriodLevel::kWeek:
      return "Week";
    case PeriodLevel::kMonth:
      return "Month";
    case PeriodLevel::kYear:
      return "Year";
  }
  return "";
}

Result<PeriodLevel> ParsePeriodLevel(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "week") return PeriodLevel::kWeek;
  if (lower == "month") return PeriodLevel::kMonth;
  if (lower == "year") return PeriodLevel::kYear;
  std::string msg = SingleQuoted(text);
  msg += " is not a period: use week, month or year";
  return Status::InvalidArgument(msg);
}

Result<EngagementPreview> PreviewEngagement(store::Store& store,
                                            consent::PolicyDecisionPoint& policy,
                                            const InsightRequest& request,
                                            const EngagementRequest& what) {
  auto plan = MakePlan(store, policy, request, what);
  if (!plan.ok()) return plan.status();
  auto stored = store.FindRelease(plan->key);
  if (!stored.ok()) return stored.status();
  EngagementPreview out;
  if (*stored) {
    auto release = Repeated(**stored);
    if (!release.ok()) return release.status();
    release->rows.clear();
    out.release = std::move(*release);
    return out;
  }
  out.release = Shell(*plan);
  out.verdict = plan->verdict;
  return out;
}

Result<EngagementRelease> ReleaseEngagement(store::Store& store,
                                            consent::PolicyDecisionPoint& policy,
                                            const InsightRequest& request,
                                            const EngagementRequest& what, RandomSource& random) {
  auto plan = MakePlan(store, policy, request, what);
  if (!plan.ok()) return plan.status();
  // An identical request's release (free, whoever asks), else a refusal before any work.
  auto stored = store.FindRelease(plan->key);
  if (!stored.ok()) return stored.status();
  if (*stored) return Repeated(**stored);
  if (!plan->verdict.ok()) return plan->verdict;

  EngagementRelease release = Shell(*plan);
  release.measured = plan->reused.measured;
  std::vector<EngagementRow> computed;
  if (!plan->months.empty()) {  // the periods after the reused ones, up to the cut-off
    const std::vector<Period> periods(
        plan->periods.begin() + static_cast<ptrdiff_t>(plan->reused.periods), plan->periods.end());
    auto totals =
        BoundedTotals(store, periods, plan->months, plan->p.cutoff, plan->civil, plan->bounds,
                      plan->p.rows_per_month, [&](int64_t person) {
                        return policy.MayAppear(consent::InsightKind::kEngagement, person);
                      });
    if (!totals.ok()) return totals.status();
    auto rows = NoisyRows(store, *plan, periods, *totals, random, release);
    if (!rows.ok()) return rows.status();
    computed = std::move(*rows);
  }
  release.rows = Assemble(*plan, std::move(computed));
  release.released_at = request.now;

  // Charged and stored before anyone sees it; the store re-checks every month atomically.
  store::PrivacyRelease record;
  record.request_key = plan->key;
  record.requested_by = plan->caller;
  record.released_at = request.now;
  record.epsilon_micro = Micro(plan->p.epsilon);
  record.delta = Text(plan->p.delta);
  record.rows = static_cast<int64_t>(release.rows.size());
  record.body = ReleaseBody(release);
  record.charges = plan->charges;
  auto saved = store.AppendRelease(record, plan->limits);
  if (!saved.ok()) {
    if (saved.status().code() != Status::Code::kResourceExhausted) return saved.status();
    // Someone else's release got in first: say which limit it left short.
    auto again = MakePlan(store, policy, request, what);
    if (!again.ok()) return again.status();
    return again->verdict.ok() ? saved.status() : again->verdict;
  }
  if (saved->body != record.body) return Repeated(*saved);  // the identical request won the race
  release.id = saved->id;
  return release;
}

Result<BudgetState> LoadBudget(store::Store& store) {
  auto settings = LoadInsightSettings(store);
  if (!settings.ok()) return settings.status();
  auto budget = MonthlyBudgetOf(*settings);
  if (!budget.ok()) return budget.status();
  BudgetState out;
  out.epsilon_budget = budget->epsilon;
  out.delta_budget = budget->delta;
  out.rho_budget = budget->rho;
  out.release_epsilon = settings->release_epsilon;
  out.member_releases_per_month = settings->member_releases_per_month;
  auto spent =
      store.PrivacySpent(std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
  if (!spent.ok()) return spent.status();
  for (const auto& m : *spent) {
    out.months.push_back(CostOf(*budget, m, {m.month, 0, 0}));
    out.months.back().releases = m.releases;
  }
  return out;
}

}  // namespace rapport::insights
