// `rapport who-knows` and `rapport introduce` (SPEC §4.2).
#include <fmt/core.h>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/who_knows.h"
#include "rapport/api/insight_documents.h"
#include "rapport/api/rounding.h"

namespace rapport::cli {
namespace {

void PrintTable(const insights::WhoKnowsWhomAnswer& a) {
  fmt::print("who knows {} ({}), as of {} ({})\n", a.target.label,
             api::TargetKindName(a.target.kind), IsoDate(a.as_of), DataUpTo(a.data_up_to));
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
  fmt::print("{:>2}  {:<{}} {:>8}  {:<8} {:>6} {:>9} {:>8}  {:<10}  {}\n", "#", "colleague", width,
             "strength", "label", "chance", "mails o/i", "meetings", "last", "why");
  for (size_t i = 0; i < a.colleagues.size(); ++i) {
    const auto& c = a.colleagues[i];
    const auto& e = c.tie.explanation;
    std::string why;
    for (const auto& reason : insights::TieReasons(c.tie))
      why += (why.empty() ? "" : "; ") + reason;
    fmt::print("{:>2}  {:<{}} {:>8}  {:<8} {:>6} {:>9} {:>8}  {:<10}  {}\n", i + 1, names[i], width,
               api::ShownStrength(c.tie.strength), insights::TieLabelName(c.tie.label),
               c.chance ? api::ShownChance(*c.chance) : "-",
               fmt::format("{}/{}", e.emails_to + e.replies_to, e.emails_from + e.replies_from),
               e.meetings, e.last ? IsoDate(*e.last) : "-", why);
  }
  if (a.chance_horizon_days) {
    fmt::print(
        "chance: of dealing with them within {} days, learned from this organisation's "
        "mail; {}\n",
        a.chance_horizon_days, a.ranker_note);
  } else {
    fmt::print("{}\n", a.ranker_note);
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
  fmt::print("{}\n", api::WhoKnowsWhomDocument(answer).dump(2));
  return 0;
}

}  // namespace rapport::cli
