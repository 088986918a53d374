// Meetings and Microsoft 365 exports through the one ingest path, as a user runs it: the same
// meeting from an invitation e-mail and an .ics export is one meeting; the same message from a
// Maildir and a Graph export is one message; a Graph delta tombstone deletes what it names.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_store.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

// 2 March 2026, 15:00-16:00 UTC; Alice invites Bob (and a room, which is not a person).
constexpr const char* kEvent =
    "BEGIN:VEVENT\r\n"
    "UID:inv-1@northwind.example\r\n"
    "SEQUENCE:0\r\n"
    "DTSTAMP:20260220T090000Z\r\n"
    "DTSTART:20260302T150000Z\r\n"
    "DTEND:20260302T160000Z\r\n"
    "ORGANIZER;CN=Alice Liddell:mailto:alice@northwind.example\r\n"
    "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=%s:mailto:bob@fabrikam.example\r\n"
    "ATTENDEE;CUTYPE=ROOM;PARTSTAT=ACCEPTED:mailto:room-3a@northwind.example\r\n"
    "END:VEVENT\r\n";

std::string Event(const char* partstat) {
  char buf[1024];
  std::snprintf(buf, sizeof buf, kEvent, partstat);
  return buf;
}

std::string Invitation() {
  return "Message-ID: <invite-1@northwind.example>\r\n"
         "Date: Fri, 20 Feb 2026 09:00:00 +0000\r\n"
         "From: Alice Liddell <alice@northwind.example>\r\n"
         "To: bob@fabrikam.example\r\n"
         "Subject: Quarterly review\r\n"
         "MIME-Version: 1.0\r\n"
         "Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
         "--b1\r\nContent-Type: text/plain\r\n\r\nPlease join.\r\n"
         "--b1\r\nContent-Type: text/calendar; method=REQUEST; charset=UTF-8\r\n\r\n"
         "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\n" +
         Event("NEEDS-ACTION") + "END:VCALENDAR\r\n--b1--\r\n";
}

class MeetingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_ / "store.db";
    ASSERT_EQ(testing::InitConsented(db_, "--tenant N --domain northwind.example").exit_code, 0);
  }
  json Ingest(const std::string& path) {
    auto r = RunRapport("--db " + db_ + " ingest --json " + path);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  json Stats() {
    auto r = RunRapport("--db " + db_ + " stats --json");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(MeetingsTest, InvitationAndCalendarExportAreOneMeeting) {
  WriteFile(dir_ / "mail/cur/1", Invitation());
  json first = Ingest(dir_ / "mail");
  EXPECT_EQ(first["messages"]["stored"], 1);
  EXPECT_EQ(first["meetings"]["stored"], 1);

  // Bob's calendar export of the same meeting, where he has accepted.
  WriteFile(dir_ / "bob.ics", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" +
                                  Event("ACCEPTED") + "END:VCALENDAR\r\n");
  json second = Ingest(dir_ / "bob.ics");
  EXPECT_EQ(second["meetings"]["read"], 1);
  EXPECT_EQ(second["meetings"]["stored"], 0);
  EXPECT_EQ(second["meetings"]["duplicates"], 1);

  json st = Stats();
  EXPECT_EQ(st["meetings"], 1);
  EXPECT_DOUBLE_EQ(st["meeting_hours"].get<double>(), 1.0);
  EXPECT_EQ(st["meetings_first"], "2026-03-02T15:00:00Z");
  // Bob's acceptance (response 2) replaced "needs action"; the room is nobody.
  std::string dump = DumpStore(db_);
  EXPECT_EQ(dump.find("room-3a"), std::string::npos) << dump;
  EXPECT_EQ(IntegrityCheck(db_), "ok");
}

// A meeting's attendees are stored in one statement: an address listed twice is folded as the
// copies would be one after another (the later role; the later response unless it says less),
// and a later copy merges in by the same rule.
TEST_F(MeetingsTest, AnAttendeeListedTwiceIsOneAttendee) {
  auto calendar = [](const char* attendees) {
    return std::string(
               "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
               "BEGIN:VEVENT\r\nUID:twice-1@northwind.example\r\nSEQUENCE:0\r\n"
               "DTSTAMP:20260220T090000Z\r\nDTSTART:20260302T150000Z\r\n"
               "DTEND:20260302T160000Z\r\n"
               "ORGANIZER:mailto:alice@northwind.example\r\n") +
           attendees + "END:VEVENT\r\nEND:VCALENDAR\r\n";
  };
  WriteFile(
      dir_ / "a.ics",
      calendar("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:bob@fabrikam.example\r\n"
               "ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION:"
               "mailto:bob@fabrikam.example\r\n"
               "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:"
               "mailto:carol@fabrikam.example\r\n"
               "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=TENTATIVE:"
               "mailto:carol@fabrikam.example\r\n"));
  EXPECT_EQ(Ingest(dir_ / "a.ics")["meetings"]["stored"], 1);
  constexpr const char* kAttendees[] = {
      "SELECT a.address, x.role, x.response FROM meeting_attendee x "
      "JOIN address a ON a.id = x.address ORDER BY a.address"};
  // Bob: optional (the later role), accepted (2; "needs action" says less). Carol: tentative (3).
  EXPECT_EQ(DumpQueries(db_, kAttendees),
            "bob@fabrikam.example|1|2|\ncarol@fabrikam.example|0|3|\n--\n");

  // Another copy of the same revision, where Bob has declined: the answer replaces.
  WriteFile(
      dir_ / "b.ics",
      calendar("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED:mailto:bob@fabrikam.example\r\n"
               "ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:carol@fabrikam.example\r\n"));
  EXPECT_EQ(Ingest(dir_ / "b.ics")["meetings"]["duplicates"], 1);
  EXPECT_EQ(DumpQueries(db_, kAttendees),
            "bob@fabrikam.example|0|4|\ncarol@fabrikam.example|0|3|\n--\n");
  EXPECT_EQ(IntegrityCheck(db_), "ok");
}

// A recurrence rule rapport does not expand (RFC 5545 forbids a numbered BYDAY in an hourly
// rule; libical would scan years for it) keeps its event's first occurrence, and the summary
// says a rule was left out rather than dropping it in silence.
TEST_F(MeetingsTest, ARuleNotExpandedIsCountedAndItsEventKept) {
  WriteFile(dir_ / "r.ics",
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
            "BEGIN:VEVENT\r\nUID:rule-1@northwind.example\r\n"
            "DTSTAMP:20260220T090000Z\r\nDTSTART:20260302T150000Z\r\n"
            "DTEND:20260302T160000Z\r\nRRULE:FREQ=HOURLY;BYMONTH=10;BYDAY=-1SU\r\n"
            "ORGANIZER:mailto:alice@northwind.example\r\n"
            "ATTENDEE:mailto:bob@fabrikam.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
  json summary = Ingest(dir_ / "r.ics");
  EXPECT_EQ(summary["meetings"]["stored"], 1);
  ASSERT_EQ(summary["items_skipped"].size(), 1u) << summary.dump(2);
  EXPECT_NE(summary["items_skipped"].begin().key().find("recurrence rule not expanded"),
            std::string::npos);
  EXPECT_EQ(summary["items_skipped"].begin().value(), 1);
}

// A calendar names people the mail did not: its names count whichever came first (they were
// noted only for an address the calendar was the first to mention).
TEST_F(MeetingsTest, ACalendarNamesPeopleTheMailLeftUnnamed) {
  WriteFile(dir_ / "mail/cur/1",
            "Message-ID: <m1@northwind.example>\r\nDate: Fri, 20 Feb 2026 09:00:00 +0000\r\n"
            "From: Alice Liddell <alice@northwind.example>\r\nTo: bob@fabrikam.example\r\n"
            "Subject: Hello\r\n\r\nHi.\r\n");
  EXPECT_EQ(Ingest(dir_ / "mail")["messages"]["stored"], 1);
  WriteFile(dir_ / "bob.ics",
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
            "UID:named-1@northwind.example\r\nDTSTAMP:20260220T090000Z\r\n"
            "DTSTART:20260302T150000Z\r\nDTEND:20260302T160000Z\r\n"
            "ORGANIZER;CN=Alice Liddell:mailto:alice@northwind.example\r\n"
            "ATTENDEE;CN=Bob Builder;PARTSTAT=ACCEPTED:mailto:bob@fabrikam.example\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n");
  EXPECT_EQ(Ingest(dir_ / "bob.ics")["meetings"]["stored"], 1);
  constexpr const char* kNames[] = {
      "SELECT a.address, n.name, n.seen FROM address_name n JOIN address a ON a.id = n.address "
      "ORDER BY a.address, n.name"};
  EXPECT_EQ(DumpQueries(db_, kNames),
            "alice@northwind.example|Alice Liddell|2|\nbob@fabrikam.example|Bob Builder|1|\n--\n");
}

TEST_F(MeetingsTest, GraphCopyOfAMaildirMessageIsOneMessageAndDeltaRemovesIt) {
  WriteFile(
      dir_ / "mail/cur/1",
      "Message-ID: <m1@fabrikam.example>\nDate: Mon, 2 Mar 2026 10:00:00 +0000\n"
      "From: Bob <bob@fabrikam.example>\nTo: alice@northwind.example\nSubject: Hello\n\nHi\n");
  EXPECT_EQ(Ingest(dir_ / "mail")["messages"]["stored"], 1);

  json page = {
      {"@odata.context", "https://graph.microsoft.com/v1.0/$metadata#users('alice')/messages"},
      {"value",
       {{{"id", "AAMkAAA1"},
         {"internetMessageId", "<m1@fabrikam.example>"},
         {"subject", "Hello"},
         {"sentDateTime", "2026-03-02T10:00:00Z"},
         {"from", {{"emailAddress", {{"name", "Bob"}, {"address", "bob@fabrikam.example"}}}}},
         {"toRecipients", {{{"emailAddress", {{"address", "alice@northwind.example"}}}}}}}}}};
  WriteFile(dir_ / "graph/messages.json", page.dump());
  json g = Ingest(dir_ / "graph/messages.json");
  EXPECT_EQ(g["messages"]["read"], 1);
  EXPECT_EQ(g["messages"]["duplicates"], 1);
  EXPECT_EQ(Stats()["messages"], 1);

  json delta = {{"value",
                 {{{"@odata.type", "#microsoft.graph.message"},
                   {"id", "AAMkAAA1"},
                   {"@removed", {{"reason", "deleted"}}}},
                  {{"@odata.type", "#microsoft.graph.message"},
                   {"id", "never-stored"},
                   {"@removed", {{"reason", "deleted"}}}}}},
                {"@odata.deltaLink", "https://graph.microsoft.com/v1.0/me/messages/delta?x=1"}};
  WriteFile(dir_ / "graph/delta.json", delta.dump());
  json d = Ingest(dir_ / "graph/delta.json");
  EXPECT_EQ(d["removed"]["deleted"], 1);
  EXPECT_EQ(d["removed"]["not_stored"], 1);
  EXPECT_EQ(Stats()["messages"], 0);
  // Deleted, not hidden: the address appears nowhere in the message tables any more.
  EXPECT_EQ(DumpStore(db_).find("m1@fabrikam.example"), std::string::npos);
  EXPECT_EQ(IntegrityCheck(db_), "ok");
}

TEST_F(MeetingsTest, BrokenCalendarAndJsonAreRejectedWithReasons) {
  WriteFile(dir_ / "bad/a.ics", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n");  // unterminated
  WriteFile(dir_ / "bad/b.json", "{\"value\": [ {\"id\": ");                      // truncated
  json s = Ingest(dir_ / "bad");
  EXPECT_EQ(s["messages"]["stored"], 0);
  EXPECT_EQ(s["meetings"]["stored"], 0);
  EXPECT_EQ(IntegrityCheck(db_), "ok");
  // Each file is accounted for: read (with its events rejected) or skipped with a reason.
  uint64_t skipped = 0;
  for (const auto& [reason, n] : s["files"]["skipped"].items()) skipped += n.get<uint64_t>();
  EXPECT_EQ(s["files"]["read"].get<uint64_t>() + skipped, 2u);
}

}  // namespace
}  // namespace rapport::testing
