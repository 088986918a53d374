// ParseICalendar (src/ingest/calendar/icalendar.h): real calendar files from ../shared/corpus, read
// by hand, and hand-written cases for recurrence, overrides, time zones and broken input.
#include "ingest/calendar/icalendar.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "test_support.h"

namespace rapport::ingest {
namespace {

namespace fs = std::filesystem;
using model::AttendeeResponse;
using model::AttendeeRole;
using model::MeetingMeta;
using model::MeetingMethod;

constexpr int64_t kDay = 86400;
constexpr int64_t k2000 = 946684800;   // 2000-01-01T00:00:00Z
constexpr int64_t k2020 = 1577836800;  // 2020-01-01T00:00:00Z
constexpr int64_t k2030 = 1893456000;  // 2030-01-01T00:00:00Z
constexpr ExpansionWindow kWindow{k2000, k2030};

const std::string kCorpus = RAPPORT_SHARED_DIR "/corpus";

// The corpus file at `relative`, or skips the test.
#define READ_CORPUS_OR_SKIP(var, relative)                                             \
  if (!fs::exists(kCorpus)) GTEST_SKIP() << "../shared/corpus not found: " << kCorpus; \
  const std::string var = rapport::testing::ReadFile(kCorpus + "/" + (relative));      \
  ASSERT_FALSE(var.empty()) << relative

// Joins lines with CRLF, as RFC 5545 writes them.
std::string Ics(std::initializer_list<std::string_view> lines) {
  std::string out;
  for (std::string_view l : lines) out.append(l).append("\r\n");
  return out;
}

// A VCALENDAR around `body` (VEVENT lines), with an optional METHOD.
std::string Calendar(const std::string& body, std::string_view method = "") {
  std::string head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//rapport//test//EN\r\n";
  if (!method.empty()) head += "METHOD:" + std::string(method) + "\r\n";
  return head + body + "END:VCALENDAR\r\n";
}

ICalendarResult ParseOk(const std::string& text, ExpansionWindow window = kWindow) {
  Result<ICalendarResult> r = ParseICalendar(text, window);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : ICalendarResult{};
}

std::vector<MeetingMeta> SortedByStart(std::vector<MeetingMeta> m) {
  std::sort(m.begin(), m.end(), [](const MeetingMeta& a, const MeetingMeta& b) {
    return a.occurrence_start < b.occurrence_start;
  });
  return m;
}

// ---- Real files ----

// Lotus Notes 6 invitation (bare CR line ends): VTIMEZONE "Eastern", RRULE:FREQ=DAILY;COUNT=5
// from 2005-04-11 09:00 EDT (13:00Z = 1113224400) to 10:00, chair and one required attendee.
TEST(ICalendarCorpus, LotusNotesDailyCountFive) {
  READ_CORPUS_OR_SKIP(text,
                      "apple_ccs-calendarserver/twistedcaldav/test/data/recurrance/Test-01A.ics");
  ICalendarResult r = ParseOk(text);
  EXPECT_TRUE(r.rejected.empty());
  std::vector<MeetingMeta> m = SortedByStart(r.meetings);
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(m[0].uid, "E88157FE01BE8A5C85256FDB006EBCC3-Lotus_Notes_Generated");
  EXPECT_EQ(m[0].method, MeetingMethod::kRequest);
  EXPECT_EQ(m[0].organizer.name, "iCal Chair/CoffeeBean");
  EXPECT_EQ(m[0].organizer.address, "iCalChair@coffeebean.com");
  for (size_t i = 0; i < m.size(); ++i) {
    EXPECT_EQ(m[i].occurrence_start, 1113224400 + static_cast<int64_t>(i) * kDay);
    EXPECT_EQ(m[i].start.utc_seconds, m[i].occurrence_start);
    EXPECT_EQ(m[i].start.offset_minutes, -240);
    EXPECT_EQ(m[i].end.utc_seconds, m[i].start.utc_seconds + 3600);
    EXPECT_FALSE(m[i].all_day);
    EXPECT_FALSE(m[i].cancelled);
  }
  ASSERT_EQ(m[0].attendees.size(), 2u);
  EXPECT_EQ(m[0].attendees[0].who.address, "iCalChair@coffeebean.com");
  EXPECT_EQ(m[0].attendees[0].role, AttendeeRole::kChair);
  EXPECT_EQ(m[0].attendees[0].response, AttendeeResponse::kAccepted);
  EXPECT_EQ(m[0].attendees[1].who.name, "iCal Participant/CoffeeBean");
  EXPECT_EQ(m[0].attendees[1].who.address, "iCalParticipant@coffeebean.com");
  EXPECT_EQ(m[0].attendees[1].role, AttendeeRole::kRequired);
  EXPECT_EQ(m[0].attendees[1].response, AttendeeResponse::kNeedsAction);
}

// The same stream written as RDATE;VALUE=PERIOD: 2005-04-18..22, 09:00-10:00 EDT.
TEST(ICalendarCorpus, LotusNotesRdatePeriods) {
  READ_CORPUS_OR_SKIP(text,
                      "apple_ccs-calendarserver/twistedcaldav/test/data/recurrance/Test-02B.ics");
  std::vector<MeetingMeta> m = SortedByStart(ParseOk(text).meetings);
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(m.front().start.utc_seconds, 1113829200);  // 2005-04-18T13:00:00Z
  EXPECT_EQ(m.back().start.utc_seconds, 1114174800);   // 2005-04-22T13:00:00Z
  EXPECT_EQ(m.back().end.utc_seconds, 1114174800 + 3600);
}

// Outlook 11 export: VTIMEZONE "Canberra, Melbourne, Sydney" (DST ends 1st Sunday of April),
// weekday stand-up 09:30-09:45 from 2009-03-10, "ORGANIZER:MAILTO:Ben.Fortuna@example.com".
TEST(ICalendarCorpus, OutlookStandupWeekdays) {
  READ_CORPUS_OR_SKIP(text, "ical4j_ical4j/src/test/resources/samples/valid/Standup.ics");
  // Window [2009-03-01Z, 2009-04-01Z): weekdays 03-10..13, 16-20, 23-27, 30-31 = 16, plus
  // Wednesday 04-01 09:30 +11:00, which is still 03-31 22:30 in UTC.
  std::vector<MeetingMeta> march = SortedByStart(ParseOk(text, {1235865600, 1238544000}).meetings);
  ASSERT_EQ(march.size(), 17u);
  EXPECT_EQ(march[0].start.utc_seconds, 1236637800);  // 2009-03-10 09:30 +11:00 = 03-09 22:30Z
  EXPECT_EQ(march[0].start.offset_minutes, 660);
  EXPECT_EQ(march[0].end.utc_seconds, 1236637800 + 15 * 60);
  EXPECT_EQ(march[0].organizer.address, "Ben.Fortuna@example.com");
  EXPECT_TRUE(march[0].organizer.name.empty());
  EXPECT_TRUE(march[0].attendees.empty());
  EXPECT_EQ(march[0].method, MeetingMethod::kPublish);
  EXPECT_EQ(march[4].start.utc_seconds, 1237156200);  // Monday 03-16 (weekend skipped)
  // After DST ends on 2009-04-05: Monday 04-06 09:30 +10:00 = 04-05 23:30Z.
  std::vector<MeetingMeta> april =
      SortedByStart(ParseOk(text, {1238544000 + 4 * kDay, 1238544000 + 5 * kDay}).meetings);
  ASSERT_EQ(april.size(), 1u);
  EXPECT_EQ(april[0].start.utc_seconds, 1238974200);
  EXPECT_EQ(april[0].start.offset_minutes, 600);
  // 2009-03-10 .. 2030-01-01 (local, the last one 2030-01-01 09:30 +11:00 is still 2029 in UTC).
  EXPECT_EQ(ParseOk(text).meetings.size(), 5431u);
}

// Evolution export with a Windows-named VTIMEZONE in the file ("Arabian Standard Time", +04:00):
// 2021-03-31 14:00-15:00 local = 10:00Z (1617184800).
TEST(ICalendarCorpus, EvolutionWindowsNamedVtimezone) {
  READ_CORPUS_OR_SKIP(text, "ical4j_ical4j/src/test/resources/samples/valid/evolution2.ics");
  ICalendarResult r = ParseOk(text);
  ASSERT_EQ(r.meetings.size(), 1u);
  const MeetingMeta& m = r.meetings[0];
  EXPECT_EQ(m.uid, "421182d9-2d9c-4659-9b7d-d2b17b4c57e0");
  EXPECT_EQ(m.start.utc_seconds, 1617184800);
  EXPECT_EQ(m.start.offset_minutes, 240);
  EXPECT_EQ(m.end.utc_seconds, 1617184800 + 3600);
  EXPECT_TRUE(m.organizer.address.empty());
  EXPECT_EQ(m.sequence, 0);
}

// libical test-data: two VCALENDARs (METHOD:REQUEST) with the same UID, SEQUENCE 1 and 0,
// "Mailto:" addresses, a CUTYPE=ROOM attendee (left out) and a NON-PARTICIPANT.
TEST(ICalendarCorpus, LibicalClassifyTwoCalendars) {
  READ_CORPUS_OR_SKIP(text, "libical_libical/test-data/classify.ics");
  ICalendarResult r = ParseOk(text);
  ASSERT_EQ(r.meetings.size(), 2u);
  const MeetingMeta& first = r.meetings[0];
  EXPECT_EQ(first.uid, "calsrv.example.com-873970198738777@example.com");
  EXPECT_EQ(first.sequence, 1);
  EXPECT_EQ(first.start.utc_seconds, 836251200);  // 1996-07-01T20:00:00Z
  EXPECT_EQ(first.end.utc_seconds, 867787200);    // 1997-07-01T20:00:00Z
  EXPECT_EQ(first.organizer.address, "A@example.com");
  ASSERT_EQ(first.attendees.size(), 5u);  // A, B, C, Hal, E; not the room
  EXPECT_EQ(first.attendees[0].who.name, "BIG A");
  EXPECT_EQ(first.attendees[0].role, AttendeeRole::kChair);
  EXPECT_EQ(first.attendees[0].response, AttendeeResponse::kAccepted);
  EXPECT_EQ(first.attendees[3].who.name, "Hal");
  EXPECT_EQ(first.attendees[3].who.address, "D@example.com");
  EXPECT_EQ(first.attendees[3].response, AttendeeResponse::kNone);
  EXPECT_EQ(first.attendees[4].who.address, "E@example.com");
  EXPECT_EQ(first.attendees[4].role, AttendeeRole::kNonParticipant);
  EXPECT_EQ(r.meetings[1].sequence, 0);
  EXPECT_EQ(r.meetings[1].start.utc_seconds, 867787200);
  EXPECT_EQ(r.meetings[1].end.utc_seconds, 867787200);
}

// Every .ics under the corpus: no crash; OK (maybe with rejections) or a reason.
TEST(ICalendarCorpus, EveryIcsFile) {
  if (!fs::exists(kCorpus)) GTEST_SKIP() << "../shared/corpus not found: " << kCorpus;
  size_t files = 0, failed = 0, meetings = 0;
  std::map<std::string, size_t> reasons;
  for (const auto& entry : fs::recursive_directory_iterator(kCorpus)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".ics") continue;
    ++files;
    Result<ICalendarResult> r =
        ParseICalendar(rapport::testing::ReadFile(entry.path().string()), kWindow);
    if (!r.ok()) {
      ++failed;
      EXPECT_FALSE(r.status().message().empty()) << entry.path();
      ++reasons["file: " + r.status().message()];
      continue;
    }
    meetings += r->meetings.size();
    for (const auto& reason : r->rejected) ++reasons["event: " + reason];
    for (const auto& m : r->meetings) {
      EXPECT_FALSE(m.uid.empty()) << entry.path();
      EXPECT_GE(m.end.utc_seconds, m.start.utc_seconds) << entry.path();
    }
  }
  std::printf("ics files: %zu, not iCalendar: %zu, meetings: %zu\n", files, failed, meetings);
  for (const auto& [reason, n] : reasons) std::printf("  %6zu %s\n", n, reason.c_str());
  EXPECT_GT(files, 1000u);
}

// ---- Recurrence ----

TEST(ICalendarRecurrence, DailyForTenYears) {
  std::string ics = Calendar(Ics({"BEGIN:VEVENT", "UID:daily", "DTSTART:20200101T090000Z",
                                  "DTEND:20200101T093000Z", "RRULE:FREQ=DAILY", "END:VEVENT"}));
  std::vector<MeetingMeta> m = SortedByStart(ParseOk(ics, {k2020, k2030}).meetings);
  ASSERT_EQ(m.size(), 3653u);  // 10 * 365 + 3 leap days (2020, 2024, 2028)
  EXPECT_EQ(m.front().start.utc_seconds, k2020 + 9 * 3600);
  EXPECT_EQ(m.back().start.utc_seconds, k2030 - kDay + 9 * 3600);
  EXPECT_EQ(m.back().end.utc_seconds, k2030 - kDay + 9 * 3600 + 1800);
}

// A rule that started in 1970 is walked from the window, not from 1970 (this completes quickly
// with 3653 occurrences; with COUNT=10^9 too, since that COUNT cannot end before 2030).
TEST(ICalendarRecurrence, OldRuleAndHugeCountAreBoundedByTheWindow) {
  for (std::string_view rule : {"RRULE:FREQ=DAILY", "RRULE:FREQ=DAILY;COUNT=1000000000"}) {
    std::string ics =
        Calendar(Ics({"BEGIN:VEVENT", "UID:old", "DTSTART:19700101T090000Z", rule, "END:VEVENT"}));
    std::vector<MeetingMeta> m = SortedByStart(ParseOk(ics, {k2020, k2030}).meetings);
    ASSERT_EQ(m.size(), 3653u) << rule;
    EXPECT_EQ(m.front().occurrence_start, k2020 + 9 * 3600) << rule;
  }
  // Every minute forever: 1440 in one day, and never more than kMaxOccurrencesPerSeries.
  std::string minutely = Calendar(Ics({"BEGIN:VEVENT", "UID:m", "DTSTART:20200101T000000Z",
                                       "RRULE:FREQ=MINUTELY;COUNT=1000000000", "END:VEVENT"}));
  EXPECT_EQ(ParseOk(minutely, {k2020, k2020 + kDay}).meetings.size(), 1440u);
  EXPECT_EQ(ParseOk(minutely, {k2020, k2030}).meetings.size(), kMaxOccurrencesPerSeries);
}

// Rules libical would scan for years without finding an occurrence (recurrence_rule.h). The
// first took 13 s before (a fuzzer found it); each now takes milliseconds, and a regression
// would time the test out.
TEST(ICalendarRecurrence, RulesThatMatchNothingEndAtTheWindow) {
  auto count = [](std::string_view rule, ExpansionWindow window) {
    std::string ics =
        Calendar(Ics({"BEGIN:VEVENT", "UID:r", "DTSTART:20200101T000000Z", rule, "END:VEVENT"}));
    return ParseOk(ics, window).meetings.size();
  };
  auto not_expanded = [](std::string_view rule) {
    std::string ics =
        Calendar(Ics({"BEGIN:VEVENT", "UID:r", "DTSTART:20200101T000000Z", rule, "END:VEVENT"}));
    return ParseOk(ics, {k2020, k2030}).rules_not_expanded;
  };
  // A rule left unexpanded is counted, so that ingest can say so; one that matches nothing in
  // the window was still expanded.
  EXPECT_EQ(not_expanded("RRULE:FREQ=HOURLY;BYMONTH=10;BYDAY=-1SU"), 1u);
  EXPECT_EQ(not_expanded("RRULE:FREQ=SECONDLY;BYDAY=MO"), 1u);
  EXPECT_EQ(not_expanded("RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"), 0u);
  EXPECT_EQ(not_expanded("RRULE:FREQ=WEEKLY;COUNT=3"), 0u);
  // RFC 5545 forbids a numbered BYDAY unless FREQ is MONTHLY or YEARLY: the rule is ignored and
  // DTSTART alone is the meeting.
  EXPECT_EQ(count("RRULE:FREQ=HOURLY;BYMONTH=10;BYDAY=-1SU", {k2020, k2030}), 1u);
  EXPECT_EQ(count("RRULE:FREQ=DAILY;BYDAY=-1SU", {k2020, k2030}), 1u);
  // No 30 February: nothing but DTSTART, found by the window's end, not libical's last year.
  EXPECT_EQ(count("RRULE:FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", {k2020, k2030}), 1u);
  EXPECT_EQ(count("RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", {k2020, k2030}), 1u);
  // Every minute of some days is not a meeting rule rapport expands.
  EXPECT_EQ(count("RRULE:FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30;COUNT=3", {k2020, k2030}), 1u);
  EXPECT_EQ(count("RRULE:FREQ=SECONDLY;BYDAY=MO", {k2020, k2030}), 1u);
  // A rule that does match still does: every hour of October 2020's Sundays (4, 11, 18, 25),
  // and DTSTART.
  constexpr int64_t k2021 = 1609459200;
  EXPECT_EQ(count("RRULE:FREQ=HOURLY;BYMONTH=10;BYDAY=SU", {k2020, k2021}), 1u + 4 * 24);
  // An UNTIL before the window's end is kept; a COUNT that ends in the window is counted.
  EXPECT_EQ(count("RRULE:FREQ=DAILY;UNTIL=20200104T000000Z", {k2020, k2030}), 4u);
  EXPECT_EQ(count("RRULE:FREQ=WEEKLY;COUNT=3", {k2020, k2030}), 3u);
}

TEST(ICalendarRecurrence, SmallCountFromBeforeTheWindow) {
  // COUNT=5 from 2019-12-30: only 2020-01-01..03 lie in the window.
  std::string ics = Calendar(Ics({"BEGIN:VEVENT", "UID:c", "DTSTART:20191230T120000Z",
                                  "RRULE:FREQ=DAILY;COUNT=5", "END:VEVENT"}));
  EXPECT_EQ(ParseOk(ics, {k2020, k2030}).meetings.size(), 3u);
}

TEST(ICalendarRecurrence, ExdateRemovesAndRdateAdds) {
  std::string ics =
      Calendar(Ics({"BEGIN:VEVENT", "UID:x", "DTSTART:20210301T100000Z", "DURATION:PT1H",
                    "RRULE:FREQ=DAILY;COUNT=5", "EXDATE:20210303T100000Z", "RDATE:20210310T100000Z",
                    "END:VEVENT"}));
  std::vector<MeetingMeta> m = SortedByStart(ParseOk(ics).meetings);
  std::vector<int64_t> starts;
  for (const auto& x : m) starts.push_back(x.start.utc_seconds);
  const int64_t mar1 = 1614592800;  // 2021-03-01T10:00:00Z
  EXPECT_EQ(starts, (std::vector<int64_t>{mar1, mar1 + kDay, mar1 + 3 * kDay, mar1 + 4 * kDay,
                                          mar1 + 9 * kDay}));
  EXPECT_EQ(m[0].end.utc_seconds, mar1 + 3600);
}

// Weekly on Mondays from 2021-03-01 10:00Z, COUNT=4. The 03-08 one moves to 03-09 15:00Z (its
// override comes before the master in the file); the 03-15 one is cancelled.
TEST(ICalendarRecurrence, OverridesMoveAndCancel) {
  std::string ics = Calendar(Ics({
      "BEGIN:VEVENT",
      "UID:weekly",
      "RECURRENCE-ID:20210308T100000Z",
      "DTSTART:20210309T150000Z",
      "DTEND:20210309T160000Z",
      "SEQUENCE:2",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:weekly",
      "DTSTART:20210301T100000Z",
      "DTEND:20210301T110000Z",
      "RRULE:FREQ=WEEKLY;COUNT=4",
      "ORGANIZER;CN=Ann:mailto:ann@example.com",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:weekly",
      "RECURRENCE-ID:20210315T100000Z",
      "DTSTART:20210315T100000Z",
      "DTEND:20210315T110000Z",
      "STATUS:CANCELLED",
      "END:VEVENT",
  }));
  std::vector<MeetingMeta> m = SortedByStart(ParseOk(ics).meetings);
  ASSERT_EQ(m.size(), 4u);
  EXPECT_EQ(m[0].occurrence_start, 1614592800);
  EXPECT_EQ(m[0].organizer.address, "ann@example.com");
  EXPECT_EQ(m[1].occurrence_start, 1615197600);   // 2021-03-08T10:00:00Z
  EXPECT_EQ(m[1].start.utc_seconds, 1615302000);  // 2021-03-09T15:00:00Z
  EXPECT_EQ(m[1].end.utc_seconds, 1615302000 + 3600);
  EXPECT_EQ(m[1].sequence, 2);
  EXPECT_FALSE(m[1].cancelled);
  EXPECT_EQ(m[2].occurrence_start, 1615802400);  // 2021-03-15T10:00:00Z
  EXPECT_TRUE(m[2].cancelled);
  EXPECT_EQ(m[3].occurrence_start, 1616407200);  // 2021-03-22T10:00:00Z
  EXPECT_FALSE(m[3].cancelled);
}

// ---- Methods and people ----

TEST(ICalendarPeople, ReplyWithOneAttendee) {
  std::string ics = Calendar(
      Ics({"BEGIN:VEVENT", "UID:r1", "DTSTART:20210715T080000Z", "DTEND:20210715T090000Z",
           "ORGANIZER:mailto:ann@example.com",
           "ATTENDEE;PARTSTAT=DECLINED;CN=\"Bob B.\":MAILTO:bob@Mail.Example.ORG", "END:VEVENT",
           // A reply to one occurrence only, without its master.
           "BEGIN:VEVENT", "UID:r2", "RECURRENCE-ID:20210716T080000Z", "DTSTART:20210716T080000Z",
           "ATTENDEE;PARTSTAT=TENTATIVE:mailto:bob@example.org", "END:VEVENT"}),
      "REPLY");
  ICalendarResult r = ParseOk(ics);
  ASSERT_EQ(r.meetings.size(), 2u);
  const MeetingMeta& m = r.meetings[0];
  EXPECT_EQ(m.method, MeetingMethod::kReply);
  EXPECT_EQ(m.start.utc_seconds, 1626336000);  // 2021-07-15T08:00:00Z
  ASSERT_EQ(m.attendees.size(), 1u);
  EXPECT_EQ(m.attendees[0].who.name, "Bob B.");
  EXPECT_EQ(m.attendees[0].who.address, "bob@mail.example.org");
  EXPECT_EQ(m.attendees[0].response, AttendeeResponse::kDeclined);
  EXPECT_EQ(r.meetings[1].occurrence_start, 1626336000 + kDay);
  ASSERT_EQ(r.meetings[1].attendees.size(), 1u);
  EXPECT_EQ(r.meetings[1].attendees[0].response, AttendeeResponse::kTentative);
}

TEST(ICalendarPeople, RoomsAndResourcesAreNotPeople) {
  std::string ics = Calendar(
      Ics({"BEGIN:VEVENT", "UID:rooms", "DTSTART:20210715T080000Z",
           "ORGANIZER;CN=Ann:mailto:ann@example.com",
           "ATTENDEE;CN=Ann;ROLE=CHAIR:mailto:ann@example.com",
           "ATTENDEE;CUTYPE=ROOM;CN=Room 1:mailto:room1@example.com",
           "ATTENDEE;CUTYPE=RESOURCE:mailto:projector@example.com",
           "ATTENDEE;CUTYPE=UNKNOWN:mailto:who@example.com",
           "ATTENDEE;CUTYPE=GROUP;ROLE=OPT-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:team@example.com",
           "ATTENDEE;CUTYPE=INDIVIDUAL;PARTSTAT=DELEGATED:mailto:carl@example.com", "END:VEVENT"}));
  ICalendarResult r = ParseOk(ics);
  ASSERT_EQ(r.meetings.size(), 1u);
  const auto& a = r.meetings[0].attendees;
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].who.address, "ann@example.com");
  EXPECT_EQ(a[0].role, AttendeeRole::kChair);
  EXPECT_EQ(a[0].response, AttendeeResponse::kAccepted);  // the organiser, no PARTSTAT
  EXPECT_EQ(a[1].who.address, "team@example.com");
  EXPECT_EQ(a[1].role, AttendeeRole::kOptional);
  EXPECT_EQ(a[2].response, AttendeeResponse::kDelegated);
}

TEST(ICalendarPeople, CancelMethodCancels) {
  std::string ics = Calendar(
      Ics({"BEGIN:VEVENT", "UID:c", "DTSTART:20210715T080000Z", "SEQUENCE:3", "END:VEVENT"}),
      "CANCEL");
  ICalendarResult r = ParseOk(ics);
  ASSERT_EQ(r.meetings.size(), 1u);
  EXPECT_TRUE(r.meetings[0].cancelled);
  EXPECT_EQ(r.meetings[0].method, MeetingMethod::kCancel);
  EXPECT_EQ(r.meetings[0].sequence, 3);
}

// ---- Times and zones ----

TEST(ICalendarTimes, AllDayFloatingAndDuration) {
  std::string ics = Calendar(
      Ics({"BEGIN:VEVENT", "UID:day", "DTSTART;VALUE=DATE:20210704", "END:VEVENT", "BEGIN:VEVENT",
           "UID:float", "DTSTART:20210704T100000", "DURATION:PT1H30M", "END:VEVENT"}));
  ICalendarResult r = ParseOk(ics);
  ASSERT_EQ(r.meetings.size(), 2u);
  EXPECT_TRUE(r.meetings[0].all_day);
  EXPECT_EQ(r.meetings[0].start, (model::Timestamp{1625356800, 0}));  // 2021-07-04T00:00:00Z
  EXPECT_EQ(r.meetings[0].end, (model::Timestamp{1625356800 + kDay, 0}));
  EXPECT_FALSE(r.meetings[1].all_day);
  EXPECT_EQ(r.meetings[1].start, (model::Timestamp{1625356800 + 10 * 3600, 0}));  // read as UTC
  EXPECT_EQ(r.meetings[1].end.utc_seconds, 1625356800 + 10 * 3600 + 5400);
}

// Exchange writes Windows zone names without a VTIMEZONE: 10:00 Pacific is 17:00Z in July
// (PDT, -7) and 18:00Z in January (PST, -8).
TEST(ICalendarTimes, WindowsZoneNames) {
  for (std::string_view tzid :
       {"Pacific Standard Time", "\"(UTC-08:00) Pacific Time (US & Canada)\"",
        "America/Los_Angeles", "/mozilla.org/20050126_1/America/Los_Angeles"}) {
    std::string id(tzid);
    std::string ics =
        Calendar(Ics({"BEGIN:VEVENT", "UID:summer", "DTSTART;TZID=" + id + ":20210715T100000",
                      "DTEND;TZID=" + id + ":20210715T110000", "END:VEVENT", "BEGIN:VEVENT",
                      "UID:winter", "DTSTART;TZID=" + id + ":20210115T100000", "END:VEVENT"}));
    ICalendarResult r = ParseOk(ics);
    ASSERT_EQ(r.meetings.size(), 2u) << tzid;
    EXPECT_EQ(r.meetings[0].start, (model::Timestamp{1626368400, -420})) << tzid;
    EXPECT_EQ(r.meetings[0].end, (model::Timestamp{1626368400 + 3600, -420})) << tzid;
    EXPECT_EQ(r.meetings[1].start, (model::Timestamp{1610733600, -480})) << tzid;
  }
  // W. Europe Standard Time = Europe/Berlin: 2021-07-15 10:00 CEST = 08:00Z.
  std::string berlin =
      Calendar(Ics({"BEGIN:VEVENT", "UID:b", "DTSTART;TZID=W. Europe Standard Time:20210715T100000",
                    "END:VEVENT"}));
  ASSERT_EQ(ParseOk(berlin).meetings.size(), 1u);
  EXPECT_EQ(ParseOk(berlin).meetings[0].start, (model::Timestamp{1626336000, 120}));
}

TEST(ICalendarTimes, UnknownZoneRejectsTheEvent) {
  std::string ics = Calendar(
      Ics({"BEGIN:VEVENT", "UID:mars", "DTSTART;TZID=Mars/Olympus_Mons:20210715T100000",
           "END:VEVENT", "BEGIN:VEVENT", "UID:earth", "DTSTART:20210715T100000Z", "END:VEVENT"}));
  ICalendarResult r = ParseOk(ics);
  ASSERT_EQ(r.meetings.size(), 1u);
  EXPECT_EQ(r.meetings[0].uid, "earth");
  EXPECT_EQ(r.rejected, (std::vector<std::string>{std::string(kRejectEventUnknownZone)}));
}

// ---- Broken input ----

TEST(ICalendarBroken, BadEventsAreRejectedOthersKept) {
  std::string ics = Calendar(
      Ics({"BEGIN:VEVENT", "UID:good", "DTSTART:20210715T100000Z", "END:VEVENT", "BEGIN:VEVENT",
           "UID:nostart", "DTSTART:not-a-date", "END:VEVENT", "BEGIN:VEVENT",
           "DTSTART:20210715T100000Z", "END:VEVENT", "BEGIN:VEVENT", "UID:backwards",
           "DTSTART:20210715T100000Z", "DTEND:20210715T090000Z", "END:VEVENT"}));
  ICalendarResult r = ParseOk(ics);
  ASSERT_EQ(r.meetings.size(), 1u);
  EXPECT_EQ(r.meetings[0].uid, "good");
  EXPECT_EQ(r.rejected, (std::vector<std::string>{std::string(kRejectEventNoStart),
                                                  std::string(kRejectEventNoUid),
                                                  std::string(kRejectEventBadEnd)}));
}

TEST(ICalendarBroken, UnterminatedCalendarKeepsCompleteEvents) {
  std::string ics =
      Ics({"BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:a", "DTSTART:20210715T100000Z",
           "END:VEVENT", "BEGIN:VEVENT", "UID:b", "DTSTART:2021"});
  Result<ICalendarResult> r = ParseICalendar(ics, kWindow);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_GE(r->meetings.size(), 1u);
  EXPECT_EQ(r->meetings[0].uid, "a");
}

TEST(ICalendarBroken, GarbageIsNotICalendar) {
  for (std::string garbage :
       {std::string("hello world\n"), std::string(), std::string("\0\xff\xfe", 3),
        std::string("BEGIN:VEVENT\nUID:x\nEND:VEVENT\n"),
        std::string("BEGIN:VCARD\nFN:x\nEND:VCARD\n")}) {
    Result<ICalendarResult> r = ParseICalendar(garbage, kWindow);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message(), kRejectNotICalendar);
  }
}

}  // namespace
}  // namespace rapport::ingest
