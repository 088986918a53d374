// The Who Knows Whom request shared by `who-knows` and `introduce`.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "cli/insight_runs.h"
#include "rapport/insights/who_knows_whom.h"

namespace rapport::cli {

struct WhoKnowsReply {
  insights::WhoKnowsWhomAnswer answer;
  std::string caller_name, caller_address;  // as the store knows the caller
  int64_t via_person = 0;                   // args.via's person, when given
};

// Opens the store and asks Who Knows Whom as args.as; on failure prints the one-line error
// (a denial as "not allowed: REASON"), sets `code` and returns nullopt.
std::optional<WhoKnowsReply> AskWhoKnows(const std::string& db, const InsightArgs& args, size_t top,
                                         int& code);

}  // namespace rapport::cli
