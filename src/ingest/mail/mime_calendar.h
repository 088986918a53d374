// Calendar invitations inside mail: the text/calendar parts of a MIME message (RFC 6047, iMIP).
//
// Contract: MayCarryCalendar() is a cheap test on the raw bytes (a case-insensitive search for
// "text/calendar"); only messages that pass it are MIME-parsed, by GMime, and only their
// text/calendar parts are decoded (transfer encoding undone) and returned. Nothing else of the
// body is kept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rapport::ingest {

bool MayCarryCalendar(std::string_view raw_message);

std::vector<std::string> ExtractCalendarParts(std::string_view raw_message);

}  // namespace rapport::ingest
