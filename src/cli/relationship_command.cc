// `rapport relationship`: relationship analytics for a contact or an account (SPEC §4.3).
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/insight_runs.h"
#include "rapport/api/insight_documents.h"
#include "rapport/api/rounding.h"
#include "rapport/insights/relationship.h"

namespace rapport::cli {
namespace {

std::string Hours(const std::optional<double>& h) {
  return h ? api::ShownHours(*h) + " h" : "-";
}

void Print(const insights::RelationshipAnswer& a) {
  fmt::print("relationship with {}, {} days to {} ({})\n\n", a.target.label, a.days,
             IsoDate(a.as_of), DataUpTo(a.data_up_to));
  fmt::print("{:<20} {:>9} {:>9}\n", "", "by us", "by them");
  fmt::print("{:<20} {:>9} {:>9}\n", "e-mails sent", a.by_us.emails_sent, a.by_them.emails_sent);
  fmt::print("{:<20} {:>9} {:>9}\n", "e-mails received", a.by_us.emails_received,
             a.by_them.emails_received);
  fmt::print("{:<20} {:>9} {:>9}\n", "replies", a.by_us.replies, a.by_them.replies);
  fmt::print("{:<20} {:>9} {:>9}\n", "meetings organised", a.by_us.meetings_organised,
             a.by_them.meetings_organised);
  fmt::print("{:<20} {:>9} {:>9}\n", "hours spent", api::ShownHours(a.by_us.hours_spent),
             api::ShownHours(a.by_them.hours_spent));
  fmt::print("{:<20} {:>9} {:>9}\n\n", "median response", Hours(a.by_us.median_response_hours),
             Hours(a.by_them.median_response_hours));
  fmt::print("meetings together   {}\n", a.meetings);
  fmt::print("last interaction    {}\n", a.last_interaction ? IsoDate(*a.last_interaction) : "-");
  fmt::print("next interaction    {}\n", a.next_interaction ? IsoTime(*a.next_interaction) : "-");
  std::vector<std::string> names;
  for (const auto& c : a.most_contacted) {
    names.push_back(fmt::format("{} ({})",
                                c.colleague.name.empty() ? c.colleague.address : c.colleague.name,
                                c.interactions));
  }
  fmt::print("most contacted      {}\n\n", names.empty() ? "-" : Joined(names));
  fmt::print("health {} ({}), trend {} (from {})\n", a.health.score, a.health.grade, a.trend,
             a.previous_score);
  fmt::print("  {:<15} {:>5} {:>6} {:>6}\n", "factor", "value", "weight", "points");
  for (const auto& f : a.health.factors) {
    fmt::print("  {:<15} {:>5.2f} {:>6.0f} {:>6}  {}\n", f.name, api::Rounded(f.value, 1000),
               f.weight, f.points, f.detail);
  }
  if (a.health.adjustment != 0) {
    fmt::print("  {:<15} {:>5} {:>6} {:>6}  {}\n", "adjustment", "", "", a.health.adjustment,
               a.health.adjustment_reason);
  }
  fmt::print("  {:<15} {:>5} {:>6} {:>6}\n", "score", "", "", a.health.score);
  fmt::print("\nweek of       by us  by them  meetings\n");
  for (const auto& w : a.timeline) {
    fmt::print("{}  {:>6}  {:>7}  {:>8}\n", IsoDate(w.week_start), w.emails_by_us, w.emails_by_them,
               w.meetings);
  }
}

}  // namespace

int RunRelationship(const std::string& db, const InsightArgs& args) {
  auto context = OpenInsight(db, args);
  if (!context) return context.code;
  auto answer = insights::AnalyseRelationship(*context.store, *context.policy, context.request,
                                              args.target, args.days);
  if (!answer.ok()) return FailInsight(answer.status());
  if (args.json) {
    fmt::print("{}\n", api::RelationshipDocument(*answer).dump(2));
  } else {
    Print(*answer);
  }
  return 0;
}

}  // namespace rapport::cli
