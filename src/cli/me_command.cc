// `rapport me`: the caller's own insights (SPEC §4.4).
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/insight_runs.h"
#include "rapport/api/insight_documents.h"
#include "rapport/api/rounding.h"
#include "rapport/insights/personal.h"

namespace rapport::cli {
namespace {

std::string Who(const store::PersonSummary& p) {
  return p.name.empty() ? p.address : p.name + " <" + p.address + ">";
}

void PrintTies(const char* title, const std::vector<insights::ContactTie>& ties) {
  fmt::print("{}\n", title);
  if (ties.empty()) fmt::print("  -\n");
  for (const auto& t : ties) {
    const auto& e = t.tie.explanation;
    fmt::print("  {:<50} {} {:<8} last {}\n", Who(t.contact), api::ShownStrength(t.tie.strength),
               insights::TieLabelName(t.tie.label), e.last ? IsoDate(*e.last) : "-");
  }
}

void Print(const insights::PersonalAnswer& a) {
  fmt::print("{}, as of {} (last {} days; {})\n\n", Who(a.me), IsoDate(a.as_of), a.days,
             DataUpTo(a.data_up_to));
  PrintTies("top contacts", a.top_contacts);
  PrintTies(fmt::format("going cold (strong, quiet for {}+ days)", a.cold_after_days).c_str(),
            a.going_cold);
  if (a.awaiting_reply_total > a.awaiting_reply.size()) {
    fmt::print("awaiting your reply: {}, the newest {} here\n", a.awaiting_reply_total,
               a.awaiting_reply.size());
  } else {
    fmt::print("awaiting your reply\n");
  }
  if (a.awaiting_reply.empty()) fmt::print("  -\n");
  for (const auto& w : a.awaiting_reply) {
    fmt::print("  {}  from {}\n", IsoTime(w.received_at), Who(w.from));
  }
  auto hours = [](const std::optional<double>& h) {
    return h ? api::ShownHours(*h) + " h" : std::string("-");
  };
  fmt::print("your median reply time     {}\n", hours(a.my_median_response_hours));
  fmt::print("others' median reply time  {}\n", hours(a.others_median_response_hours));
  fmt::print("meeting hours per week     {}\n", api::ShownHours(a.meeting_hours_per_week));
  fmt::print("upcoming external meetings (14 days)\n");
  if (a.upcoming_external.empty()) fmt::print("  -\n");
  for (const auto& m : a.upcoming_external) {
    std::vector<std::string> names;
    for (const auto& p : m.external) names.push_back(Who(p));
    fmt::print("  {}  {}\n", IsoTime(m.start), Joined(names));
  }
}

}  // namespace

int RunMe(const std::string& db, const InsightArgs& args) {
  auto context = OpenInsight(db, args);
  if (!context) return context.code;
  auto answer =
      insights::PersonalInsights(*context.store, *context.policy, context.request, args.days);
  if (!answer.ok()) return FailInsight(answer.status());
  if (args.json) {
    fmt::print("{}\n", api::PersonalDocument(*answer).dump(2));
  } else {
    Print(*answer);
  }
  return 0;
}

}  // namespace rapport::cli
