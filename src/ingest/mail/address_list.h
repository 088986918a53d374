// Address lists (From, To, Cc, Bcc, Sender) per RFC 5322 §3.4 with the obsolete forms of §4.4.
//
// Contract: accepts name-addr ("Name <a@b>"), bare addr-spec, groups ("team: a@b, c@d;"),
// comments, quoted strings, RFC 2047 words in names, a comment as a name ("a@b (Name)"), and
// obs-route ("<@relay:a@b>"). Never fails: what cannot be read as an address is kept as a
// name-only mailbox (empty `address`), so nothing a sender wrote is silently lost. Domains are
// lower-cased; local parts are kept as written.
#pragma once

#include <string_view>
#include <vector>

#include "rapport/model/message.h"

namespace rapport::ingest {

std::vector<model::Mailbox> ParseAddressList(std::string_view value);

}  // namespace rapport::ingest
