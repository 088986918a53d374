// Finding calendar invitations (RFC 6047, iMIP) in an IMAP message without reading its body:
// a cheap test on the header section, then the text/calendar parts named by BODYSTRUCTURE
// (RFC 3501 §7.4.2), so that only those parts are fetched.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sync/imap/imap_response.h"

namespace rapport::sync {

// True when the header's Content-Type is multipart/* or text/calendar: only then can the message
// carry an invitation.
bool MayHoldInvitation(std::string_view header);

// The text/calendar parts of a BODYSTRUCTURE, as (header section, body section) pairs to fetch:
// ("2.1.MIME", "2.1") for a part of a multipart message, ("HEADER", "TEXT") when the whole
// message is text/calendar. Parts inside attached messages (message/rfc822) are not invitations
// to this mailbox and are left out.
std::vector<std::pair<std::string, std::string>> CalendarSections(const ImapValue& structure);

}  // namespace rapport::sync
