// Suggestions: what the search box offers as someone types -- accounts, their domains, and the
// external people the caller may see -- each with the text that asks for it.
//
// Contract: accounts whose name holds the text (ignoring case, spaces and punctuation; names that
// start with it first), then people, then domains that start with it ("aol" offers "@aol.com").
// People are external (never a role address) and have a name with a word starting with the text
// or an address starting with it; they are offered only when the policy decision point allows
// the caller identifiable data about people -- one decision per search, audited like any other
// -- and never anyone who opted out or may not appear. At most `limit` in all; none for text
// without a letter or digit.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/consent/policy.h"
#include "rapport/insights/who_knows_whom.h"
#include "rapport/store/store.h"

namespace rapport::insights {

struct Suggestion {
  std::string kind;    // account, person or domain
  std::string label;   // what the box shows
  std::string target;  // what to ask Who Knows Whom or relationship analytics for
  std::string detail;  // how many people an account has; a person's account or domain; ...
};

Result<std::vector<Suggestion>> Suggest(store::Store& store, consent::PolicyDecisionPoint& policy,
                                        const InsightRequest& request, std::string_view text,
                                        size_t limit);

}  // namespace rapport::insights
