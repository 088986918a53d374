// `rapport me`: the caller's own insights (SPEC §4.4).
#include <fmt/core.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/insight_runs.h"
#include "rapport/insights/personal.h"

namespace rapport::cli {
namespace {

using nlohmann::ordered_json;

std::string Who(const store::PersonSummary& p) {
  return p.name.empty() ? p.address : p.name + " <" + p.address + ">";
}

ordered_json Hours(const std::optional<double>& h) {
  return h ? ordered_json(std::round(*h * 100) / 100) : ordered_json(nullptr);
}

ordered_json TiesJson(const std::vector<insights::ContactTie>& ties) {
  ordered_json out = ordered_json::array();
  for (const auto& t : ties) {
    const auto& e = t.tie.explanation;
    out.push_back({{"name", t.contact.name},
                   {"address", t.contact.address},
                   {"account", t.contact.account.empty() ? ordered_json(nullptr)
                                                         : ordered_json(t.contact.account)},
                   {"strength", std::round(t.tie.strength * 10000) / 10000},
                   {"label", insights::TieLabelName(t.tie.label)},
                   {"emails_to", e.emails_to + e.replies_to},
                   {"emails_from", e.emails_from + e.replies_from},
                   {"meetings", e.meetings},
                   {"last", e.last ? ordered_json(IsoTime(*e.last)) : ordered_json(nullptr)}});
  }
  return out;
}

ordered_json AnswerJson(const insights::PersonalAnswer& a) {
  ordered_json out{{"me", a.me.address},
                   {"as_of", IsoTime(a.as_of)},
                   {"days", a.days},
                   {"top_contacts", TiesJson(a.top_contacts)},
                   {"going_cold", TiesJson(a.going_cold)},
                   {"cold_after_days", a.cold_after_days},
                   {"awaiting_reply", ordered_json::array()},
                   {"my_median_response_hours", Hours(a.my_median_response_hours)},
                   {"others_median_response_hours", Hours(a.others_median_response_hours)},
                   {"meeting_hours_per_week", std::round(a.meeting_hours_per_week * 100) / 100},
                   {"upcoming_external_meetings", ordered_json::array()}};
  for (const auto& w : a.awaiting_reply) {
    out["awaiting_reply"].push_back(
        {{"from", w.from.address}, {"name", w.from.name}, {"received", IsoTime(w.received_at)}});
  }
  for (const auto& m : a.upcoming_external) {
    ordered_json people = ordered_json::array();
    for (const auto& p : m.external) people.push_back(p.address);
    out["upcoming_external_meetings"].push_back(
        {{"start", IsoTime(m.start)}, {"end", IsoTime(m.end)}, {"external", people}});
  }
  return out;
}

void PrintTies(const char* title, const std::vector<insights::ContactTie>& ties) {
  fmt::print("{}\n", title);
  if (ties.empty()) fmt::print("  -\n");
  for (const auto& t : ties) {
    const auto& e = t.tie.explanation;
    fmt::print("  {:<50} {:.2f} {:<8} last {}\n", Who(t.contact), t.tie.strength,
               insights::TieLabelName(t.tie.label), e.last ? IsoDate(*e.last) : "-");
  }
}

void Print(const insights::PersonalAnswer& a) {
  fmt::print("{}, as of {} (last {} days)\n\n", Who(a.me), IsoDate(a.as_of), a.days);
  PrintTies("top contacts", a.top_contacts);
  PrintTies(fmt::format("going cold (strong, quiet for {}+ days)", a.cold_after_days).c_str(),
            a.going_cold);
  fmt::print("awaiting your reply\n");
  if (a.awaiting_reply.empty()) fmt::print("  -\n");
  for (const auto& w : a.awaiting_reply) {
    fmt::print("  {}  from {}\n", IsoTime(w.received_at), Who(w.from));
  }
  auto hours = [](const std::optional<double>& h) {
    return h ? fmt::format("{:.1f} h", *h) : std::string("-");
  };
  fmt::print("your median reply time     {}\n", hours(a.my_median_response_hours));
  fmt::print("others' median reply time  {}\n", hours(a.others_median_response_hours));
  fmt::print("meeting hours per week     {:.1f}\n", a.meeting_hours_per_week);
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
    fmt::print("{}\n", AnswerJson(*answer).dump(2));
  } else {
    Print(*answer);
  }
  return 0;
}

}  // namespace rapport::cli
