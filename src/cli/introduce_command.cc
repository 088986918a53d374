// `rapport introduce`: an RFC 5322 message asking a colleague who knows a contact for an
// introduction (SPEC §4.2). The caller sends it; rapport never does.
#include <fmt/core.h>

#include <fstream>

#include "cli/commands.h"
#include "cli/format.h"
#include "cli/insight_runs.h"
#include "cli/who_knows.h"
#include "rapport/api/introduction.h"

namespace rapport::cli {

int RunIntroduce(const std::string& db, const InsightArgs& args) {
  int code = 0;
  auto known = AskWhoKnows(db, args, 1000, code);
  if (!known) return code;
  const insights::KnownColleague* via = nullptr;
  for (const auto& c : known->answer.colleagues) {
    if (c.colleague.id == known->via_person) via = &c;
  }
  if (!via) {
    return Fail(args.via + " has no two-way relationship with " + known->answer.target.label +
                " (run rapport who-knows to see who has)");
  }
  const std::string text = api::IntroductionDraft(known->caller_name, known->caller_address, *via,
                                                  known->answer.target, Now());
  if (args.out.empty()) {
    fmt::print("{}", text);
    return 0;
  }
  std::ofstream out(args.out, std::ios::binary);
  out << text;
  if (!out.flush()) return Fail("cannot write " + args.out + " (check the folder exists)");
  fmt::print("wrote {} (to {}): send it from your mail program\n", args.out,
             via->colleague.address);
  return 0;
}

}  // namespace rapport::cli
