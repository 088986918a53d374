// `rapport who-knows` and `rapport introduce` (SPEC §4.2).
#include <fmt/core.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/who_knows.h"

namespace rapport::cli {
namespace {

using nlohmann::ordered_json;

double Rounded(double x) {
  return std::round(x * 10000) / 10000;
}

std::string TargetKindName(insights::Target::Kind kind) {
  switch (kind) {
    case insights::Target::Kind::kPerson:
      return "contact";
    case insights::Target::Kind::kAccount:
      return "account";
    case insights::Target::Kind::kDomain:
      return "domain";
  }
  return "contact";
}

ordered_json WhenJson(const std::optional<int64_t>& t) {
  return t ? ordered_json(IsoTime(*t)) : ordered_json(nullptr);
}

ordered_json ColleagueJson(const insights::KnownColleague& c) {
  const auto& e = c.tie.explanation;
  return {{"name", c.colleague.name},
          {"address", c.colleague.address},
          {"strength", Rounded(c.tie.strength)},
          {"label", insights::TieLabelName(c.tie.label)},
          {"contacts_known", c.contacts},
          {"via_account", c.via_account},
          {"explanation",
           {{"emails_to", e.emails_to + e.replies_to},
            {"emails_from", e.emails_from + e.replies_from},
            {"replies_to", e.replies_to},
            {"replies_from", e.replies_from},
            {"meetings", e.meetings},
            {"first", WhenJson(e.first)},
            {"last", WhenJson(e.last)}}}};
}

void PrintTable(const insights::WhoKnowsWhomAnswer& a) {
  fmt::print("who knows {} ({}), as of {}\n", a.target.label, TargetKindName(a.target.kind),
             IsoDate(a.as_of));
  if (a.colleagues.empty()) {
    fmt::print("no colleague has a two-way relationship with them\n");
    return;
  }
  std::vector<std::string> names;
  size_t width = 9;
  for (const auto& c : a.colleagues) {
    std::string who = c.colleague.name.empty()
                          ? c.colleague.address
                          : c.colleague.name + " <" + c.colleague.address + ">";
    if (c.via_account) who += " (knows others there)";
    width = std::max(width, DisplayWidth(who));
    names.push_back(std::move(who));
  }
  fmt::print("{:>2}  {:<{}} {:>8}  {:<8} {:>9} {:>8}  {}\n", "#", "colleague", width, "strength",
             "label", "mails o/i", "meetings", "last");
  for (size_t i = 0; i < a.colleagues.size(); ++i) {
    const auto& c = a.colleagues[i];
    const auto& e = c.tie.explanation;
    fmt::print("{:>2}  {:<{}} {:>8.2f}  {:<8} {:>9} {:>8}  {}\n", i + 1, names[i], width,
               c.tie.strength, insights::TieLabelName(c.tie.label),
               fmt::format("{}/{}", e.emails_to + e.replies_to, e.emails_from + e.replies_from),
               e.meetings, e.last ? IsoDate(*e.last) : "-");
  }
}

}  // namespace

std::optional<WhoKnowsReply> AskWhoKnows(const std::string& db, const InsightArgs& args, size_t top,
                                         int& code) {
  auto context = OpenInsight(db, args);
  code = context.code;
  if (!context) return std::nullopt;
  auto answer =
      insights::WhoKnowsWhom(*context.store, *context.policy, context.request, args.target, top);
  if (!answer.ok()) {
    code = FailInsight(answer.status());
    return std::nullopt;
  }
  WhoKnowsReply reply{std::move(*answer), "", args.as, 0};
  if (auto caller = context.store->IdentifyPerson(args.as); caller.ok()) {
    reply.caller_name = caller->display_name;
  }
  if (!args.via.empty()) {
    auto via = context.store->IdentifyPerson(args.via);
    if (!via.ok()) {
      code = Fail(via.status().message());
      return std::nullopt;
    }
    reply.via_person = via->id;
  }
  return reply;
}

int RunWhoKnows(const std::string& db, const InsightArgs& args) {
  int code = 0;
  auto reply = AskWhoKnows(db, args, args.top, code);
  if (!reply) return code;
  const auto& answer = reply->answer;
  if (!args.json) {
    PrintTable(answer);
    return 0;
  }
  ordered_json out{
      {"target", {{"kind", TargetKindName(answer.target.kind)}, {"label", answer.target.label}}},
      {"as_of", IsoTime(answer.as_of)},
      {"colleagues", ordered_json::array()}};
  for (const auto& c : answer.colleagues) out["colleagues"].push_back(ColleagueJson(c));
  fmt::print("{}\n", out.dump(2));
  return 0;
}

}  // namespace rapport::cli
