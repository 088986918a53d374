// Hand-written mail and calendar items for tests that build a small store by ingesting them:
// an RFC 5322 message and an RFC 5545 event, with only the fields the insights read.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "test_support.h"

namespace rapport::testing {

inline std::string Mail(const std::string& id, const std::string& date, const std::string& from,
                        const std::string& to, const std::string& extra = "") {
  return "Message-ID: <" + id + ">\r\nDate: " + date + "\r\nFrom: " + from + "\r\nTo: " + to +
         "\r\n" + extra + "Subject: s\r\n\r\nbody\r\n";
}

// `start` and `end` as UTC date-times (20260310T100000Z); `attendees` ATTENDEE lines.
inline std::string Event(const std::string& uid, const std::string& start, const std::string& end,
                         const std::string& organizer, const std::string& attendees,
                         const std::string& status = "CONFIRMED") {
  return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:" + uid +
         "\r\nDTSTAMP:20260201T000000Z\r\nDTSTART:" + start + "\r\nDTEND:" + end +
         "\r\nSTATUS:" + status + "\r\nORGANIZER:mailto:" + organizer + "\r\n" + attendees +
         "END:VEVENT\r\nEND:VCALENDAR\r\n";
}

inline std::string Attendee(const std::string& who, const char* partstat = "ACCEPTED") {
  std::string out = "ATTENDEE;PARTSTAT=";
  out.append(partstat).append(":mailto:").append(who).append("\r\n");
  return out;
}

// A consented store of the files (name under `dir`, text): they are written, then their "mail"
// and "cal" folders ingested. The ingest's result, for its exit code and errors.
inline CommandResult IngestFiles(const TempDir& dir, const std::string& db,
                                 const std::vector<std::pair<std::string, std::string>>& files) {
  CommandResult init = InitConsented(db, "--tenant N --domain northwind.example");
  if (init.exit_code != 0) return init;
  for (const auto& [name, text] : files) WriteFile(dir / name, text);
  return RunRapport("--db " + db + " ingest " + (dir / "mail") + " " + (dir / "cal"));
}

// A consented store at `db` holding one exchange: alice@northwind.example writes to
// carol@fabrikam.example on 9 March 2026 and carol answers. The ingest's result.
inline CommandResult IngestOneExchange(const TempDir& dir, const std::string& db) {
  CommandResult init = InitConsented(db, "--tenant N --domain northwind.example");
  if (init.exit_code != 0) return init;
  WriteFile(dir / "mail/cur/1", Mail("a@northwind.example", "Mon, 9 Mar 2026 00:00:00 +0000",
                                     "alice@northwind.example", "carol@fabrikam.example"));
  WriteFile(dir / "mail/cur/2", Mail("b@fabrikam.example", "Mon, 9 Mar 2026 12:00:00 +0000",
                                     "carol@fabrikam.example", "alice@northwind.example"));
  return RunRapport("--db " + db + " ingest " + ShellQuote(dir / "mail"));
}

}  // namespace rapport::testing
