#include "rapport/insights/engagement.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <unordered_map>

#include "ingest/address_identity.h"
#include "insights/decide.h"
#include "insights/engagement_mechanism.h"
#include "insights/engagement_periods.h"
#include "insights/engagement_rows.h"
#include "rapport/insights/insight_settings.h"

namespace rapport::insights {
namespace {

constexpr int64_t kMicro = 1'000'000;
constexpr size_t kMaxPeriods = 520;  // ten years of weeks

// ParsePositiveDecimal keeps at most 6 decimals, so den divides 10^6.
int64_t Micro(Rational r) {
  return static_cast<int64_t>(r.num) * (kMicro / static_cast<int64_t>(r.den));
}

std::string DeltaText(double delta) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", delta);
  return buf;
}

// Everything that shapes a release's numbers: an identical request finds the stored release.
std::string RequestKey(const ReleaseParameters& p, const ContributionBounds& b) {
  std::string key = "engagement/1 ";
  for (int64_t v :
       {p.from, p.to, static_cast<int64_t>(p.epsilon.num), static_cast<int64_t>(p.epsilon.den),
        static_cast<int64_t>(p.k), static_cast<int64_t>(b.accounts_per_period),
        static_cast<int64_t>(b.emails), static_cast<int64_t>(b.meetings),
        static_cast<int64_t>(b.contacts), static_cast<int64_t>(b.meeting_minutes),
        static_cast<int64_t>(b.reply_minutes)}) {
    key += std::to_string(v);
    key += ' ';
  }
  key.append(PeriodLevelName(p.level));
  key += ' ';
  key += DeltaText(p.delta);
  return key;
}

Status Validate(const EngagementRequest& what) {
  if (what.k < 2) {
    return Status::InvalidArgument("--k must be at least 2: a row of one user describes that user");
  }
  if (!(what.delta > 0 && what.delta <= 1e-3)) {
    return Status::InvalidArgument("--delta must be above 0 and at most 0.001 (default 1e-6)");
  }
  if (what.epsilon.num > 100 * what.epsilon.den) {
    return Status::InvalidArgument("--epsilon above 100 protects nobody; choose at most 100");
  }
  if (what.from && what.to && *what.from >= *what.to) {
    return Status::InvalidArgument("--from must be before --to");
  }
  return Status::Ok();
}

std::string QuarterName(int64_t t) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{t / 86400}}};
  std::string out = std::to_string(static_cast<int>(ymd.year()));
  out += "-Q";
  out += std::to_string((static_cast<unsigned>(ymd.month()) - 1) / 3 + 1);
  return out;
}

std::string Epsilon(int64_t micro) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(micro) / kMicro);
  return buf;
}

Status BudgetExhausted(int64_t now, int64_t spent, int64_t budget, int64_t cost) {
  std::string msg = "the privacy budget for ";
  msg += QuarterName(now);
  msg += " would be exceeded: spent ";
  msg += Epsilon(spent);
  msg += " of ";
  msg += Epsilon(budget);
  msg += ", this release needs ";
  msg += Epsilon(cost);
  msg +=
      " (repeat an earlier release, lower --epsilon, or have an admin raise "
      "privacy_budget_per_quarter)";
  return Status::ResourceExhausted(msg);
}

// Who a new release is charged to and what they may spend: the tenant's budget for the quarter,
// and for a member or guest their share of it (admins decide the share and are not capped).
struct Charge {
  int64_t quarter = 0;
  int64_t budget_micro = 0;
  std::string caller;  // the principal's address key: the ledger's requested_by
  consent::Role role = consent::Role::kNone;
  std::optional<int64_t> caller_budget_micro;
  std::string share;  // member_release_share, as set
};

// budget x share / 10^6 without overflow: budget may be near 10^18, share at most 10^6.
int64_t ShareOf(int64_t budget_micro, int64_t share_micro) {
  return budget_micro / kMicro * share_micro + budget_micro % kMicro * share_micro / kMicro;
}

Status ShareExhausted(const Charge& c, int64_t now, int64_t spent, int64_t cost) {
  std::string msg = "your share of the privacy budget for ";
  msg += QuarterName(now);
  msg += " would be exceeded: a ";
  msg += consent::RoleName(c.role);
  msg += " may spend ";
  msg += Epsilon(c.caller_budget_micro.value_or(0));
  msg += " of the tenant's ";
  msg += Epsilon(c.budget_micro);
  msg += " (member_release_share ";
  msg += c.share;
  msg += "), you have spent ";
  msg += Epsilon(spent);
  msg += ", this release needs ";
  msg += Epsilon(cost);
  msg +=
      " (repeat an earlier release, lower --epsilon, or ask an admin to raise "
      "member_release_share)";
  return Status::ResourceExhausted(msg);
}

Result<Charge> ChargeFor(consent::PolicyDecisionPoint& policy, const InsightRequest& request,
                         const InsightSettings& settings, Rational budget) {
  Charge c;
  c.quarter = QuarterStart(request.now);
  c.budget_micro = Micro(budget);
  c.caller = ingest::AddressKey(request.caller.address);
  auto role = policy.RoleOf(request.caller.address);
  if (!role.ok()) return role.status();
  c.role = *role;
  c.share = settings.member_release_share;
  if (c.role != consent::Role::kAdmin) {
    // LoadInsightSettings keeps only a share that parses.
    c.caller_budget_micro = ShareOf(c.budget_micro, ParseShareMicro(c.share).value_or(0));
  }
  return c;
}

// The epsilon spent this quarter when a new release costing `cost` fits both the tenant's budget
// and the caller's share; else ResourceExhausted saying which, what was spent, and who decides.
Result<int64_t> CheckBudget(store::Store& store, const Charge& c, int64_t now, int64_t cost) {
  auto spent = store.PrivacySpent(c.quarter);
  if (!spent.ok()) return spent.status();
  if (*spent + cost > c.budget_micro) return BudgetExhausted(now, *spent, c.budget_micro, cost);
  if (c.caller_budget_micro) {
    auto by_caller = store.PrivacySpentBy(c.quarter, c.caller);
    if (!by_caller.ok()) return by_caller.status();
    if (*by_caller + cost > *c.caller_budget_micro) {
      return ShareExhausted(c, now, *by_caller, cost);
    }
  }
  return spent;
}

// The noisy rows: selected on the noisy contributor count, then each measurement with noise.
Result<std::vector<EngagementRow>> NoisyRows(store::Store& store,
                                             const std::vector<RowTotals>& totals,
                                             const std::vector<Period>& periods,
                                             const ContributionBounds& bounds,
                                             const std::vector<NoiseScale>& scales,
                                             const ReleaseParameters& p, RandomSource& random) {
  auto accounts = store.ListAccounts();
  if (!accounts.ok()) return accounts.status();
  std::unordered_map<int64_t, std::string> names;
  for (const auto& a : *accounts) names[a.id] = a.name;
  std::vector<EngagementRow> rows;
  for (const RowTotals& t : totals) {
    const int64_t selection = t.users + SampleDiscreteLaplace(random, scales[0].num, scales[0].den);
    if (t.users < p.k || selection < p.threshold) continue;
    EngagementRow row = RowFrom(t, Noisy(t, scales, random), bounds, periods[t.period].start);
    row.account_name = names[t.account];
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.period_start != b.period_start ? a.period_start < b.period_start
                                            : a.account_name < b.account_name;
  });
  PostProcess(rows, periods, p.as_of);
  return rows;
}

// An identical request's release, as stored: nothing spent, nothing sampled.
Result<EngagementRelease> Repeated(const store::PrivacyRelease& stored, int64_t budget_micro,
                                   int64_t spent) {
  auto release = ParseReleaseBody(stored.body);
  if (!release.ok()) return release.status();
  release->id = stored.id;
  release->repeated = true;
  release->released_at = stored.released_at;
  release->budget = static_cast<double>(budget_micro) / kMicro;
  release->spent = static_cast<double>(spent) / kMicro;
  return release;
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

int64_t QuarterStart(int64_t t) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days{(t >= 0 ? t : t - 86399) / 86400}}};
  const unsigned first = (static_cast<unsigned>(ymd.month()) - 1) / 3 * 3 + 1;
  return static_cast<int64_t>(sys_days{ymd.year() / month{first} / 1}.time_since_epoch().count()) *
         86400;
}

Result<Rational> PrivacyBudget(store::Store& store) {
  auto settings = LoadInsightSettings(store);
  if (!settings.ok()) return settings.status();
  return ParsePositiveDecimal(settings->privacy_budget);
}

Result<int64_t> MemberBudgetMicro(store::Store& store) {
  auto settings = LoadInsightSettings(store);
  if (!settings.ok()) return settings.status();
  auto budget = ParsePositiveDecimal(settings->privacy_budget);
  if (!budget.ok()) return budget.status();
  return ShareOf(Micro(*budget), ParseShareMicro(settings->member_release_share).value_or(0));
}

namespace {

// The whole periods a request covers: --from/--to widened, or the default count ending with the
// period that holds as-of.
Result<std::vector<Period>> RequestedPeriods(const EngagementRequest& what, int64_t as_of) {
  const int64_t last = PeriodStart(what.level, what.to ? *what.to - 1 : as_of);
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

// Each measurement's noise scale, and the selection threshold, into `p`.
Result<std::vector<NoiseScale>> Calibrate(ReleaseParameters& p, const ContributionBounds& bounds) {
  std::vector<NoiseScale> scales;
  for (const auto& m : Measurements(bounds)) {
    const Rational share{p.epsilon.num * m.share.num, p.epsilon.den * m.share.den};
    auto scale = ScaleFor(m.sensitivity, p.partitions_per_user, share);
    if (!scale.ok()) return scale.status();
    scales.push_back(*scale);
    p.noise_scales.emplace_back(m.name, scale->value());
  }
  p.threshold = SelectionThreshold(p.k, scales[0], p.partitions_per_user, p.delta);
  return scales;
}

}  // namespace

Result<EngagementRelease> ReleaseEngagement(store::Store& store,
                                            consent::PolicyDecisionPoint& policy,
                                            const InsightRequest& request,
                                            const EngagementRequest& what, RandomSource& random) {
  RAPPORT_RETURN_IF_ERROR(Decide(policy, request, consent::InsightKind::kEngagement, ""));
  RAPPORT_RETURN_IF_ERROR(Validate(what));
  auto settings = LoadInsightSettings(store);
  if (!settings.ok()) return settings.status();
  auto budget = ParsePositiveDecimal(settings->privacy_budget);
  if (!budget.ok()) return budget.status();
  ContributionBounds bounds;
  bounds.accounts_per_period = settings->accounts_per_user;
  auto periods = RequestedPeriods(what, request.as_of);
  if (!periods.ok()) return periods.status();

  ReleaseParameters p;
  p.level = what.level;
  p.from = periods->front().start;
  p.to = periods->back().end;
  p.as_of = std::min(request.as_of, p.to);
  p.epsilon = what.epsilon;
  p.delta = what.delta;
  p.k = what.k;
  p.accounts_per_user = bounds.accounts_per_period;
  p.partitions_per_user = static_cast<int64_t>(periods->size()) * bounds.accounts_per_period;
  const std::string key = RequestKey(p, bounds);
  auto charge_or = ChargeFor(policy, request, *settings, *budget);
  if (!charge_or.ok()) return charge_or.status();
  const Charge& charge = *charge_or;

  // An identical request's release (free, whoever asks), else a refusal before any work when the
  // tenant's budget or the caller's share is short.
  auto stored = store.FindRelease(key);
  if (!stored.ok()) return stored.status();
  if (*stored) {
    auto spent = store.PrivacySpent(charge.quarter);
    if (!spent.ok()) return spent.status();
    return Repeated(**stored, charge.budget_micro, *spent);
  }
  const int64_t cost = Micro(what.epsilon);
  auto spent = CheckBudget(store, charge, request.now, cost);
  if (!spent.ok()) return spent.status();

  auto scales = Calibrate(p, bounds);
  if (!scales.ok()) return scales.status();
  auto totals = BoundedTotals(store, *periods, p.as_of, bounds, [&](int64_t person) {
    return policy.MayAppear(consent::InsightKind::kEngagement, person);
  });
  if (!totals.ok()) return totals.status();
  EngagementRelease release;
  release.parameters = p;
  auto rows = NoisyRows(store, *totals, *periods, bounds, *scales, p, random);
  if (!rows.ok()) return rows.status();
  release.rows = std::move(*rows);
  release.released_at = request.now;

  // Charged and stored before anyone sees it; the store re-checks the budget atomically.
  store::PrivacyRelease record{0,
                               key,
                               charge.caller,
                               request.now,
                               cost,
                               DeltaText(p.delta),
                               static_cast<int64_t>(release.rows.size()),
                               ReleaseBody(release)};
  auto saved = store.AppendRelease(
      record, {charge.quarter, charge.budget_micro, charge.caller_budget_micro});
  if (!saved.ok()) {
    if (saved.status().code() != Status::Code::kResourceExhausted) return saved.status();
    // Someone else's release got in first: say which limit it left short.
    auto now_spent = CheckBudget(store, charge, request.now, cost);
    return now_spent.ok() ? saved.status() : now_spent.status();
  }
  if (saved->body != record.body) {
    // Someone made the identical release first: theirs is the one, ours is dropped unseen.
    return Repeated(*saved, charge.budget_micro, *spent);
  }
  release.id = saved->id;
  release.budget = static_cast<double>(charge.budget_micro) / kMicro;
  release.spent = static_cast<double>(*spent + cost) / kMicro;
  return release;
}

}  // namespace rapport::insights
