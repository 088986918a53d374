// `rapport enrichment`: account engagement as the Office Enrichment CSV (or JSON), released under
// differential privacy (SPEC §4.5, docs/privacy.md); `rapport budget`: the budget ledger.
#include <fmt/core.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/insight_runs.h"
#include "rapport/api/admin_documents.h"
#include "rapport/api/insight_documents.h"
#include "rapport/insights/engagement.h"

namespace rapport::cli {
namespace {

std::string Epsilon(const insights::Rational& e) {
  return fmt::format("{:g}", static_cast<double>(e.num) / static_cast<double>(e.den));
}

// Months that spent alike print as one range: "2025-07 to 2026-06: epsilon 0 -> 3 of 4".
void PrintCosts(std::FILE* out, const insights::EngagementRelease& release) {
  const auto& months = release.months;
  for (size_t i = 0; i < months.size();) {
    size_t j = i + 1;
    while (j < months.size() && months[j].epsilon_before == months[i].epsilon_before &&
           months[j].epsilon_after == months[i].epsilon_after) {
      ++j;
    }
    const std::string range = j - i == 1 ? insights::MonthName(months[i].month)
                                         : insights::MonthName(months[i].month) + " to " +
                                               insights::MonthName(months[j - 1].month);
    fmt::print(out, "  {}: epsilon {:.3g} -> {:.3g} of {:g} per month (delta {:.3g} of {:g})\n",
               range, months[i].epsilon_before, months[i].epsilon_after, release.epsilon_budget,
               months[i].delta_after, release.delta_budget);
    i = j;
  }
}

// Leading periods whose rows earlier releases with the same parameters hold: taken again, free.
void PrintReused(std::FILE* out, const insights::EngagementRelease& release) {
  if (release.reused_periods == 0) return;
  fmt::print(out,
             "{} period{} from earlier releases with the same parameters: their rows again, "
             "nothing spent on them\n",
             release.reused_periods, release.reused_periods == 1 ? "" : "s");
}

// What the release was, on stderr, so that stdout stays a clean CSV.
void Summarise(const insights::EngagementRelease& release) {
  const auto& p = release.parameters;
  fmt::print(stderr,
             "released {} row{} ({}, {} to {}, data before {} in {}), epsilon {} per month read, "
             "k {}\n",
             release.rows.size(), release.rows.size() == 1 ? "" : "s",
             insights::PeriodLevelName(p.level), IsoDate(p.from), IsoDate(p.to), IsoDate(p.cutoff),
             p.time_zone, Epsilon(p.epsilon), p.k);
  PrintReused(stderr, release);
  if (release.estimated_periods > 0) {
    fmt::print(stderr,
               "listed accounts: each period estimated together with the account's other {} "
               "(less noise; see docs/privacy.md)\n",
               release.estimated_periods - 1);
  }
  if (release.repeated) {
    fmt::print(stderr,
               "the same request was released at {}: these are its rows, nothing more spent; "
               "it cost:\n",
               IsoTime(release.released_at));
  } else if (release.months.empty()) {
    fmt::print(stderr, "nothing spent\n");
  } else {
    fmt::print(stderr, "the lifetime privacy budget of the months computed, before and after:\n");
  }
  PrintCosts(stderr, release);
  if (release.rows.empty()) {
    fmt::print(stderr,
               "no row: no account reached a noisy count of {} colleagues (listed accounts) or "
               "{} (others) in any period; import the CRM's account list (rapport accounts "
               "import), ask for longer periods (--period year), or check --as-of: the data may "
               "end earlier\n",
               p.k, p.threshold);
  }
}

Result<insights::EngagementRequest> RequestOf(const InsightArgs& args) {
  insights::EngagementRequest what;
  auto level = insights::ParsePeriodLevel(args.period);
  if (!level.ok()) return level.status();
  what.level = *level;
  for (const auto& [flag, text, out] :
       {std::tuple{"--from", &args.from, &what.from}, std::tuple{"--to", &args.to, &what.to}}) {
    if (text->empty()) continue;
    auto at = ParseUtc(flag, *text);
    if (!at.ok()) return at.status();
    *out = *at;
  }
  if (!args.epsilon.empty()) {
    auto epsilon = insights::ParsePositiveDecimal(args.epsilon);
    if (!epsilon.ok()) return Status::InvalidArgument("--epsilon: " + epsilon.status().message());
    what.epsilon = *epsilon;
  }
  what.k = args.k;
  return what;
}

}  // namespace

int RunEnrichment(const std::string& db, const InsightArgs& args) {
  if (!args.delta.empty()) {
    return Usage(
        "--delta is not a request parameter: delta is the tenant's, per month of data "
        "(an admin sets privacy_delta_per_month; see docs/privacy.md)");
  }
  auto what = RequestOf(args);
  if (!what.ok()) return Usage(what.status().message());
  auto context = OpenInsight(db, args);
  if (!context) return context.code;
  if (args.dry_run) {
    auto preview =
        insights::PreviewEngagement(*context.store, *context.policy, context.request, *what);
    if (!preview.ok()) {
      if (preview.status().code() == Status::Code::kInvalidArgument) {
        return Usage(preview.status().message());
      }
      return FailInsight(preview.status());
    }
    if (args.json || args.format == "json") {
      fmt::print("{}\n", api::EngagementPreviewDocument(*preview).dump(2));
    } else if (preview->release.repeated) {
      fmt::print("the same request was released at {}: asking again costs nothing\n",
                 IsoTime(preview->release.released_at));
    } else {
      PrintReused(stdout, preview->release);
      fmt::print("{}: this release would charge epsilon {} to each month it computes:\n",
                 preview->verdict.ok() ? "allowed" : "refused",
                 Epsilon(preview->release.parameters.epsilon));
      PrintCosts(stdout, preview->release);
      if (!preview->verdict.ok()) fmt::print("{}\n", preview->verdict.message());
    }
    return preview->verdict.ok() ? 0 : 1;
  }
  insights::SystemRandom random;
  auto release =
      insights::ReleaseEngagement(*context.store, *context.policy, context.request, *what, random);
  if (!release.ok()) {
    if (release.status().code() == Status::Code::kInvalidArgument) {
      return Usage(release.status().message());
    }
    return FailInsight(release.status());
  }
  if (args.json || args.format == "json") {
    fmt::print("{}\n", api::EngagementDocument(*release).dump(2));
  } else {
    fmt::print("{}", api::EngagementCsv(*release));
  }
  Summarise(*release);
  return 0;
}

int RunBudget(const std::string& db, bool json) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto doc = api::BudgetDocument(**store);
  if (!doc.ok()) return Fail(doc.status().message());
  if (json) {
    fmt::print("{}\n", doc->dump(2));
    return 0;
  }
  const auto& d = *doc;
  fmt::print(
      "lifetime privacy budget of each month of data: epsilon {:g}, delta {:g}; a release asks "
      "for epsilon {} unless it says; a member or guest may make {} new releases a month\n",
      d["epsilon_per_month"].get<double>(), d["delta_per_month"].get<double>(),
      d["release_epsilon"].get<std::string>(), d["member_releases_per_month"].get<int>());
  if (d["months"].empty()) fmt::print("no month has spent anything yet\n");
  for (const auto& m : d["months"]) {
    fmt::print("{}: epsilon {:.3g} spent, {:.3g} left; delta {:.3g}; {} release{}\n",
               m["month"].get<std::string>(), m["epsilon_spent"].get<double>(),
               m["epsilon_left"].get<double>(), m["delta_spent"].get<double>(),
               m["releases"].get<int64_t>(), m["releases"].get<int64_t>() == 1 ? "" : "s");
  }
  for (const auto& r : d["releases"]) {
    fmt::print("#{} {} by {}: epsilon {:g} per month read, {} rows\n", r["release"].get<int64_t>(),
               r["released_at"].get<std::string>(), r["requested_by"].get<std::string>(),
               r["epsilon"].get<double>(), r["rows"].get<int64_t>());
  }
  return 0;
}

}  // namespace rapport::cli
