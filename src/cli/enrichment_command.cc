// `rapport enrichment`: account engagement as the Office Enrichment CSV (or JSON), released under
// differential privacy (SPEC §4.5, docs/privacy.md); `rapport budget`: the budget ledger.
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/insight_runs.h"
#include "rapport/insights/engagement.h"

namespace rapport::cli {
namespace {

using nlohmann::ordered_json;

constexpr const char* kColumns[] = {"AccountId",
                                    "AccountName",
                                    "AggregationLevel",
                                    "AggregationStartDate",
                                    "NoOfEmails_ToAccount",
                                    "NoOfEmails_FromAccount",
                                    "NoOfMeetings_ToAccount",
                                    "NoOfMeetings_FromAccount",
                                    "NoOfContactsInvolved_Emails",
                                    "NoOfContactsInvolved_Meetings",
                                    "NoOfAccountContactsInvolved_Emails",
                                    "NoOfAccountContactsInvolved_Meetings",
                                    "DaysSinceLastEmail",
                                    "DaysSinceLastMeeting",
                                    "AverageDuration_Of_Meetings",
                                    "AverageDuration_Of_AccountEmailReplies",
                                    "EngagementScore"};

// RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled.
std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

ordered_json JsonCell(const std::optional<int64_t>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

std::vector<ordered_json> Cells(const insights::EngagementRow& r, insights::PeriodLevel level) {
  return {r.account_id,
          r.account_name,
          std::string(insights::PeriodLevelName(level)),
          IsoDate(r.period_start),
          r.emails_to,
          r.emails_from,
          r.meetings_to,
          r.meetings_from,
          r.colleagues_emails,
          r.colleagues_meetings,
          r.contacts_emails,
          r.contacts_meetings,
          JsonCell(r.days_since_email),
          JsonCell(r.days_since_meeting),
          JsonCell(r.meeting_minutes),
          JsonCell(r.reply_minutes),
          r.engagement_score};
}

void PrintCsv(const insights::EngagementRelease& release) {
  std::string line;
  for (const char* c : kColumns) {
    if (!line.empty()) line += ',';
    line += c;
  }
  fmt::print("{}\r\n", line);
  for (const auto& r : release.rows) {
    line.clear();
    for (const auto& cell : Cells(r, release.parameters.level)) {
      if (!line.empty()) line += ',';
      if (cell.is_string()) {
        line += CsvField(cell.get<std::string>());
      } else if (!cell.is_null()) {
        line += cell.dump();
      }
    }
    fmt::print("{}\r\n", line);
  }
}

std::string Epsilon(const insights::Rational& e) {
  return fmt::format("{:g}", static_cast<double>(e.num) / static_cast<double>(e.den));
}

ordered_json ParametersJson(const insights::EngagementRelease& release) {
  const auto& p = release.parameters;
  ordered_json scales = ordered_json::object();
  for (const auto& [name, b] : p.noise_scales) scales[name] = b;
  return {{"release", release.id},
          {"repeated", release.repeated},
          {"released_at", IsoTime(release.released_at)},
          {"level", insights::PeriodLevelName(p.level)},
          {"from", IsoDate(p.from)},
          {"to", IsoDate(p.to)},
          {"epsilon", static_cast<double>(p.epsilon.num) / static_cast<double>(p.epsilon.den)},
          {"delta", p.delta},
          {"k", p.k},
          {"accounts_per_user_per_period", p.accounts_per_user},
          {"partitions_per_user", p.partitions_per_user},
          {"threshold", p.threshold},
          {"noise_scales", scales},
          {"budget_per_quarter", release.budget},
          {"spent_this_quarter", release.spent}};
}

void PrintJson(const insights::EngagementRelease& release) {
  ordered_json rows = ordered_json::array();
  for (const auto& r : release.rows) {
    ordered_json row = ordered_json::object();
    const auto cells = Cells(r, release.parameters.level);
    for (size_t i = 0; i < cells.size(); ++i) row[kColumns[i]] = cells[i];
    rows.push_back(std::move(row));
  }
  fmt::print("{}\n", ordered_json{{"privacy", ParametersJson(release)}, {"rows", rows}}.dump(2));
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
    *out = ParseUtc(*text);
    if (!*out) return Usage(std::string(flag) + " wants a UTC date like 2001-06-01");
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
    PrintJson(*release);
  } else {
    PrintCsv(*release);
  }
  Summarise(*release);
  return 0;
}

int RunBudget(const std::string& db, bool json) {
  auto store = store::OpenSqliteStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto budget = insights::PrivacyBudget(**store);
  if (!budget.ok()) return Fail(budget.status().message());
  const int64_t quarter = insights::QuarterStart(Now());
  auto releases = (*store)->ListReleases(0);
  if (!releases.ok()) return Fail(releases.status().message());
  auto spent_micro = (*store)->PrivacySpent(quarter);  // the sum the budget check uses
  if (!spent_micro.ok()) return Fail(spent_micro.status().message());
  const double spent = static_cast<double>(*spent_micro) / 1e6;
  ordered_json list = ordered_json::array();
  for (const auto& r : *releases) {
    const double epsilon = static_cast<double>(r.epsilon_micro) / 1e6;
    list.push_back({{"release", r.id},
                    {"released_at", IsoTime(r.released_at)},
                    {"requested_by", r.requested_by},
                    {"epsilon", epsilon},
                    {"delta", r.delta},
                    {"rows", r.rows},
                    {"request", r.request_key}});
  }
  const double total = static_cast<double>((*budget).num) / static_cast<double>((*budget).den);
  if (json) {
    fmt::print("{}\n", ordered_json{{"quarter_start", IsoDate(quarter)},
                                    {"budget_per_quarter", total},
                                    {"spent_this_quarter", spent},
                                    {"releases", list}}
                           .dump(2));
    return 0;
  }
  fmt::print("privacy budget from {}: {:g} of {:g} spent\n", IsoDate(quarter), spent, total);
  for (const auto& r : list) {
    fmt::print("#{} {} by {}: epsilon {:g}, delta {}, {} rows\n", r["release"].get<int64_t>(),
               r["released_at"].get<std::string>(), r["requested_by"].get<std::string>(),
               r["epsilon"].get<double>(), r["delta"].get<std::string>(), r["rows"].get<int64_t>());
  }
  return 0;
}

}  // namespace rapport::cli
