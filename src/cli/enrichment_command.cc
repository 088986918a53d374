// `rapport enrichment`: account engagement as the Office Enrichment CSV (or JSON), released under
// differential privacy (SPEC §4.5, docs/privacy.md); `rapport budget`: the budget ledger.
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/insight_runs.h"
#include "rapport/api/admin_documents.h"
#include "rapport/insights/engagement.h"

namespace rapport::cli {
namespace {

std::string Epsilon(const insights::Rational& e) {
  return fmt::format("{:g}", static_cast<double>(e.num) / static_cast<double>(e.den));
}

// What the release was, on stderr, so that stdout stays a clean CSV.
void Summarise(const insights::EngagementRelease& release) {
  const auto& p = release.parameters;
  fmt::print(stderr, "released {} row{} ({}, {} to {}), epsilon {}, delta {:g}, k {}",
             release.rows.size(), release.rows.size() == 1 ? "" : "s",
             insights::PeriodLevelName(p.level), IsoDate(p.from), IsoDate(p.to), Epsilon(p.epsilon),
             p.delta, p.k);
  fmt::print(stderr, "; a row needed a noisy count of {} contributing colleagues\n", p.threshold);
  if (release.repeated) {
    fmt::print(stderr, "the same request was released at {}: these are its rows, nothing spent\n",
               IsoTime(release.released_at));
  }
  fmt::print(stderr, "privacy budget this quarter: {:g} of {:g} spent\n", release.spent,
             release.budget);
}

}  // namespace

int RunEnrichment(const std::string& db, const InsightArgs& args) {
  insights::EngagementRequest what;
  auto level = insights::ParsePeriodLevel(args.period);
  if (!level.ok()) return Usage(level.status().message());
  what.level = *level;
  for (const auto& [flag, text, out] :
       {std::tuple{"--from", &args.from, &what.from}, std::tuple{"--to", &args.to, &what.to}}) {
    if (text->empty()) continue;
    auto at = ParseUtc(flag, *text);
    if (!at.ok()) return Usage(at.status().message());
    *out = *at;
  }
  auto epsilon = insights::ParsePositiveDecimal(args.epsilon);
  if (!epsilon.ok()) {
    std::string msg = "--epsilon: ";
    msg += epsilon.status().message();
    return Usage(msg);
  }
  what.epsilon = *epsilon;
  what.delta = args.delta;
  what.k = args.k;
  auto context = OpenInsight(db, args);
  if (!context) return context.code;
  insights::SystemRandom random;
  auto release =
      insights::ReleaseEngagement(*context.store, *context.policy, context.request, what, random);
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
  auto doc = api::BudgetDocument(**store, Now());
  if (!doc.ok()) return Fail(doc.status().message());
  if (json) {
    fmt::print("{}\n", doc->dump(2));
    return 0;
  }
  fmt::print("privacy budget from {}: {:g} of {:g} spent; a member or guest may spend {:g} of it\n",
             (*doc)["quarter_start"].get<std::string>(), (*doc)["spent_this_quarter"].get<double>(),
             (*doc)["budget_per_quarter"].get<double>(),
             (*doc)["member_budget_per_quarter"].get<double>());
  for (const auto& r : (*doc)["releases"]) {
    fmt::print("#{} {} by {}: epsilon {:g}, delta {}, {} rows\n", r["release"].get<int64_t>(),
               r["released_at"].get<std::string>(), r["requested_by"].get<std::string>(),
               r["epsilon"].get<double>(), r["delta"].get<std::string>(), r["rows"].get<int64_t>());
  }
  return 0;
}

}  // namespace rapport::cli
