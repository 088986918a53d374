// An introduction request (SPEC §4.2): an RFC 5322 message from the caller asking a colleague
// who knows a contact to introduce them -- what `rapport introduce` writes and
// GET /v1/introduction returns. The caller sends it from their own mail program; rapport never
// sends anything.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rapport/insights/who_knows_whom.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::api {

// The message (CRLF line ends, UTF-8 body, a display name RFC 2047-encoded when not ASCII):
// from the caller (`from_name`, `from`) to `via`, about `target`, dated `now`.
std::string IntroductionDraft(const std::string& from_name, const std::string& from,
                              const insights::KnownColleague& via, const insights::Target& target,
                              int64_t now);

// The colleague of `answer` whom `via` (an address or a name) names; NotFound when `via` has no
// two-way relationship with the target (or names nobody).
Result<const insights::KnownColleague*> IntroducerOf(store::Store& store,
                                                     const insights::WhoKnowsWhomAnswer& answer,
                                                     std::string_view via);

}  // namespace rapport::api
