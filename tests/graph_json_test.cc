// Tests of the Microsoft Graph JSON parser (graph_json.h) and its time and recurrence helpers.
// Expected values were read by hand from the JSON text and computed by hand (days since
// 1970-01-01: 2014-01-01 = 16071, 2016-01-01 = 16801, 2017-01-01 = 17167, 2018-01-01 = 17532).
#include "ingest/graph/graph_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "ingest/graph/graph_recurrence.h"
#include "ingest/graph/graph_time.h"
#include "ingest/mail/date_time.h"
#include "ingest/mail/message_parser.h"

namespace rapport::ingest {
namespace {

namespace fs = std::filesystem;
using model::AttendeeResponse;
using model::AttendeeRole;
using namespace graph;  // NOLINT: the helpers under test

// 2000-01-01 .. 2030-01-01 UTC: wide enough for every example in the Graph docs.
constexpr ExpansionWindow kWide{946684800, 1893456000};

const fs::path kGraphDocs =
    fs::path(RAPPORT_SHARED_DIR) / "corpus" / "microsoftgraph_microsoft-graph-docs-contrib";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

#define SKIP_WITHOUT_CORPUS()                                                          \
  if (!fs::is_directory(fs::path(RAPPORT_SHARED_DIR) / "corpus")) {                    \
    GTEST_SKIP() << "../shared/corpus not found: " << RAPPORT_SHARED_DIR << "/corpus"; \
  }

GraphJsonResult ParseDoc(const std::string& relative) {
  std::string text = ReadFile(kGraphDocs / relative);
  EXPECT_FALSE(text.empty()) << relative;
  auto r = ParseGraphJson(text, kWide);
  EXPECT_TRUE(r.ok()) << relative << ": " << r.status().message();
  return r.ok() ? std::move(r).value() : GraphJsonResult{};
}

GraphJsonResult ParseOk(std::string_view text, ExpansionWindow window = kWide) {
  auto r = ParseGraphJson(text, window);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : GraphJsonResult{};
}

TEST(GraphJsonCorpus, EveryFileParsesOrIsRejectedWithAReason) {
  SKIP_WITHOUT_CORPUS();
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kGraphDocs)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    ++files;
    auto r = ParseGraphJson(ReadFile(entry.path()), kWide);
    if (!r.ok()) {
      EXPECT_FALSE(r.status().message().empty()) << entry.path();
      continue;
    }
    size_t items = r->messages.size() + r->events.size() + r->users.size() + r->removed.size();
    EXPECT_GT(items + r->rejected.size(), 0u) << entry.path();
    for (const auto& reason : r->rejected) EXPECT_FALSE(reason.empty()) << entry.path();
  }
  EXPECT_EQ(files, 15);
}

TEST(GraphJsonCorpus, MessageGetExample1) {
  SKIP_WITHOUT_CORPUS();
  auto r = ParseDoc("api-reference/v1.0/api/message-get.example1.response.json");
  ASSERT_EQ(r.messages.size(), 1u);
  const auto& m = r.messages[0].meta;
  EXPECT_EQ(r.messages[0].graph_id, "AAMkADhMGAAA=");
  // "from": Adele Vance <adelev@contoso.OnMicrosoft.com>; the domain is lower-cased.
  EXPECT_EQ(m.from.name, "Adele Vance");
  EXPECT_EQ(m.from.address, "adelev@contoso.onmicrosoft.com");
  ASSERT_EQ(m.to.size(), 1u);
  EXPECT_EQ(m.to[0].name, "Alex Wilber");
  EXPECT_EQ(m.to[0].address, "AlexW@contoso.onmicrosoft.com");
  EXPECT_TRUE(m.cc.empty());
  EXPECT_TRUE(m.bcc.empty());
  // "2018-09-09T03:15:06Z": 2018-09-09 is day 17532 + 243 + 8 = 17783; 17783 * 86400 +
  // 3 * 3600 + 15 * 60 + 6 = 1536462906.
  EXPECT_EQ(m.sent.utc_seconds, 1536462906);
  EXPECT_EQ(m.sent.offset_minutes, 0);
  EXPECT_EQ(m.message_id, "MWHPR6E1BE060@MWHPR1120.namprd22.prod.outlook.com");
  EXPECT_EQ(m.subject, "9/9/2018: concert");
}

TEST(GraphJsonCorpus, MessagesWithoutDatesAreRejected) {
  SKIP_WITHOUT_CORPUS();
  // Only "sender" and "subject" were selected: no date, so the message cannot be placed in time.
  auto r = ParseDoc("api-reference/v1.0/api/user-list-messages.example1.response.json");
  EXPECT_TRUE(r.messages.empty());
  EXPECT_EQ(r.rejected, std::vector<std::string>{std::string(kRejectGraphNoDate)});
  // "sentDateTime": "datetime-value" is a placeholder: rejected, no crash.
  r = ParseDoc("api-reference/v1.0/api/message-delta.example.response.json");
  EXPECT_EQ(r.next_link,
            "https://graph.microsoft.com/v1.0/me/mailfolders/{id}/messages/delta?$skiptoken="
            "{_skipToken_}");
  EXPECT_TRUE(r.messages.empty());
  EXPECT_EQ(r.rejected.size(), 1u);
}

TEST(GraphJsonCorpus, DeltaQueryMessages) {
  SKIP_WITHOUT_CORPUS();
  auto step1 = ParseDoc("concepts/delta-query-messages.example1.step1.response.json");
  EXPECT_EQ(step1.next_link,
            "https://graph.microsoft.com/v1.0/me/mailfolders('AQMkADNkNAAAgEMAAAA')/messages/"
            "delta?$skiptoken=GwcBoTmPuoTQWfcsAbkYM");
  EXPECT_TRUE(step1.delta_link.empty());
  EXPECT_EQ(step1.rejected.size(), 2u);  // sender and subject only

  auto step3 = ParseDoc("concepts/delta-query-messages.example1.step3.response.json");
  EXPECT_TRUE(step3.next_link.empty());
  EXPECT_EQ(step3.delta_link,
            "https://graph.microsoft.com/v1.0/me/mailfolders('AQMkADNkNAAAgEMAAAA')/messages/"
            "delta?$deltatoken=GwcBoTmPuoGNlgXgF1nyUNMXY");

  auto next = ParseDoc("concepts/delta-query-messages.example1.nextround.response.json");
  ASSERT_EQ(next.removed.size(), 1u);
  EXPECT_EQ(next.removed[0].kind, GraphRemoved::Kind::kMessage);
  EXPECT_EQ(next.removed[0].graph_id,
            "AAMkADk0MGFkODE3LWE4MmYtNDRhOS0Dh_6qB-pB2Sa2pUum19a6YAAKnLuxoAAA=");
  EXPECT_EQ(next.rejected.size(), 1u);  // the updated one: "isRead": "true" (a string), no date
  EXPECT_EQ(next.delta_link, step3.delta_link);
}

TEST(GraphJsonCorpus, EventGetExample1) {
  SKIP_WITHOUT_CORPUS();
  auto r = ParseDoc("api-reference/v1.0/api/event-get.example1.response.json");
  ASSERT_EQ(r.events.size(), 1u);
  const auto& e = r.events[0].meta;
  // No iCalUId was selected: the uid is made from the Graph id.
  EXPECT_EQ(e.uid, "graph:" + r.events[0].graph_id);
  EXPECT_TRUE(r.events[0].graph_id.starts_with("AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1"));
  EXPECT_EQ(e.organizer.name, "Engineering");
  EXPECT_EQ(e.organizer.address, "engineering@m365x214355.onmicrosoft.com");
  ASSERT_EQ(e.attendees.size(), 2u);
  EXPECT_EQ(e.attendees[0].who.address, "engineering@m365x214355.onmicrosoft.com");
  EXPECT_EQ(e.attendees[1].who.name, "Irvin Sayers");
  EXPECT_EQ(e.attendees[1].who.address, "IrvinS@m365x214355.onmicrosoft.com");
  for (const auto& a : e.attendees) {
    EXPECT_EQ(a.role, AttendeeRole::kRequired);
    EXPECT_EQ(a.response, AttendeeResponse::kNone);  // "response": "none"
  }
  // "2014-11-03T17:00:00.0000000" UTC: day 16071 + 304 + 2 = 16377; 16377 * 86400 + 61200.
  EXPECT_EQ(e.start.utc_seconds, 1415034000);
  EXPECT_EQ(e.end.utc_seconds, 1415034000 + 30 * 60);
  EXPECT_EQ(e.occurrence_start, e.start.utc_seconds);
  EXPECT_FALSE(e.all_day);
  EXPECT_FALSE(e.cancelled);
}

TEST(GraphJsonCorpus, UserListEventsConvertsPacificTime) {
  SKIP_WITHOUT_CORPUS();
  auto r = ParseDoc("api-reference/v1.0/api/user-list-events.example.response.json");
  ASSERT_EQ(r.events.size(), 1u);
  const auto& e = r.events[0].meta;
  // "2017-04-21T10:00:00.0000000" "Pacific Standard Time": daylight time (UTC-7) since
  // 2017-03-12, so 17:00Z. Day 17167 + 90 + 20 = 17277; 17277 * 86400 + 17 * 3600.
  EXPECT_EQ(e.start.utc_seconds, 1492794000);
  EXPECT_EQ(e.start.offset_minutes, -7 * 60);
  EXPECT_EQ(e.end.utc_seconds, 1492794000 + 2 * 3600);  // 12:00 PDT
  EXPECT_EQ(e.organizer.address, "samanthab@a830edad905084922e17020313.onmicrosoft.com");
  ASSERT_EQ(e.attendees.size(), 2u);
  EXPECT_EQ(e.attendees[1].who.name, "Dana Swope");
}

TEST(GraphJsonCorpus, DeltaQueryEvents) {
  SKIP_WITHOUT_CORPUS();
  auto step1 = ParseDoc("concepts/delta-query-events.step1.response.json");
  ASSERT_EQ(step1.events.size(), 2u);
  EXPECT_EQ(step1.next_link,
            "https://graph.microsoft.com/v1.0/me/calendarView/delta?$skiptoken=R0usmcCM996atia_s");
  // "Plan shopping list" 2016-12-09T20:30 UTC: day 16801 + 335 + 8 = 17144; * 86400 + 73800.
  EXPECT_EQ(step1.events[0].meta.start.utc_seconds, 1481315400);
  EXPECT_EQ(step1.events[0].meta.end.utc_seconds, 1481315400 + 90 * 60);  // until 22:00
  EXPECT_EQ(step1.events[0].graph_id, "AAMkADNVxRAAA=");
  EXPECT_EQ(step1.events[1].graph_id, "AAMkADVxSAAA=");
  EXPECT_EQ(step1.events[0].meta.organizer.address, "samanthab@contoso.onmicrosoft.com");
  EXPECT_TRUE(step1.events[0].meta.attendees.empty());

  auto step3 = ParseDoc("concepts/delta-query-events.step3.response.json");
  ASSERT_EQ(step3.events.size(), 1u);
  EXPECT_EQ(step3.delta_link,
            "https://graph.microsoft.com/v1.0/me/calendarView/delta?$deltatoken=R0usmcMDNGg0J1E");
  // event-delta: placeholders and no start; the kind comes from the calendarView nextLink.
  auto delta = ParseDoc("api-reference/v1.0/api/event-delta.example.response.json");
  EXPECT_TRUE(delta.events.empty());
  EXPECT_EQ(delta.rejected, std::vector<std::string>{std::string(kRejectEventNoStart)});
}

// --- Hand-written documents ---

constexpr std::string_view kMessage = R"({
  "id": "m1",
  "sentDateTime": "2018-09-09T03:15:06Z",
  "subject": "9/9/2018: concert",
  "internetMessageId": "<MWHPR6E1BE060@MWHPR1120.namprd22.prod.outlook.com>",
  "from": {"emailAddress": {"name": "Adele Vance", "address": "adelev@contoso.OnMicrosoft.com"}},
  "toRecipients": [{"emailAddress": {"name": "Alex Wilber",
                                     "address": "AlexW@contoso.OnMicrosoft.com"}}]})";

TEST(GraphJson, SingleResourceAndCollection) {
  auto single = ParseOk(kMessage);
  ASSERT_EQ(single.messages.size(), 1u);
  EXPECT_EQ(single.messages[0].graph_id, "m1");
  auto list = ParseOk(R"({"@odata.context": "x/$metadata#users('u')/messages", "value": [)" +
                      std::string(kMessage) + "," + std::string(kMessage) + "]}");
  ASSERT_EQ(list.messages.size(), 2u);
  EXPECT_EQ(list.messages[1].meta.fingerprint, single.messages[0].meta.fingerprint);
}

TEST(GraphJson, SameMessageFromMailAndGraphHasOneFingerprint) {
  auto graph = ParseOk(kMessage);
  ASSERT_EQ(graph.messages.size(), 1u);
  auto mail = ParseMessage(
      "From: Adele Vance <adelev@contoso.OnMicrosoft.com>\r\n"
      "To: Alex Wilber <AlexW@contoso.OnMicrosoft.com>\r\n"
      "Subject: 9/9/2018: concert\r\n"
      "Date: Sun, 09 Sep 2018 05:15:06 +0200\r\n"  // the same instant as 03:15:06Z
      "Message-ID: <MWHPR6E1BE060@MWHPR1120.namprd22.prod.outlook.com>\r\n\r\nbody\r\n");
  ASSERT_TRUE(mail.ok()) << mail.status().message();
  EXPECT_EQ(mail->from, graph.messages[0].meta.from);
  EXPECT_EQ(mail->to, graph.messages[0].meta.to);
  EXPECT_EQ(mail->message_id, graph.messages[0].meta.message_id);
  EXPECT_EQ(mail->fingerprint, graph.messages[0].meta.fingerprint);
}

TEST(GraphJson, InternetMessageHeaders) {
  auto r = ParseOk(R"({"@odata.type": "#microsoft.graph.message", "id": "m2",
    "receivedDateTime": "2020-01-01T00:00:00Z",
    "sender": {"emailAddress": {"address": "list-bounce@Lists.Example.org"}},
    "internetMessageHeaders": [
      {"name": "in-reply-to", "value": "<parent@example.org>"},
      {"name": "References", "value": "<root@example.org> <parent@example.org>"},
      {"name": "List-Id", "value": "Dev List <dev.Lists.Example.org>"},
      {"name": "Precedence", "value": "Bulk"},
      {"name": 7, "value": "wrong type"}]})");
  ASSERT_EQ(r.messages.size(), 1u);
  const auto& m = r.messages[0].meta;
  EXPECT_EQ(m.from.address, "list-bounce@lists.example.org");  // "sender" when "from" is absent
  EXPECT_EQ(m.sent.utc_seconds, 1577836800);                   // receivedDateTime, 2020-01-01
  EXPECT_EQ(m.in_reply_to, "parent@example.org");
  EXPECT_EQ(m.references, (std::vector<std::string>{"root@example.org", "parent@example.org"}));
  EXPECT_EQ(m.bulk.list_id, "dev.lists.example.org");
  EXPECT_EQ(m.bulk.precedence, "bulk");
  EXPECT_TRUE(m.bulk.IsBulk());
}

TEST(GraphJson, ResourceAttendeeIsLeftOutAndResponsesMap) {
  auto r = ParseOk(R"({"@odata.type": "#microsoft.graph.event", "id": "e1", "iCalUId": "U1",
    "start": {"dateTime": "2017-04-15T12:00:00.0000000", "timeZone": "Pacific Standard Time"},
    "end": {"dateTime": "2017-04-15T13:00:00.0000000", "timeZone": "Pacific Standard Time"},
    "isCancelled": true,
    "attendees": [
      {"type": "resource", "status": {"response": "accepted"},
       "emailAddress": {"name": "Room 1", "address": "room1@contoso.com"}},
      {"type": "required", "status": {"response": "organizer"},
       "emailAddress": {"address": "a@contoso.com"}},
      {"type": "optional", "status": {"response": "tentativelyAccepted"},
       "emailAddress": {"address": "b@contoso.com"}},
      {"type": "required", "status": {"response": "declined"},
       "emailAddress": {"address": "c@contoso.com"}},
      {"type": "required", "status": {"response": "notResponded"},
       "emailAddress": {"address": "d@contoso.com"}},
      {"type": "required", "status": "accepted", "emailAddress": {"address": "e@contoso.com"}}]})");
  ASSERT_EQ(r.events.size(), 1u);
  const auto& e = r.events[0].meta;
  EXPECT_EQ(e.uid, "U1");
  EXPECT_TRUE(e.cancelled);
  // 2017-04-15 12:00 PDT = 19:00Z: day 17167 + 90 + 14 = 17271; 17271 * 86400 + 19 * 3600.
  EXPECT_EQ(e.start.utc_seconds, 1492282800);
  EXPECT_EQ(e.end.utc_seconds, 1492282800 + 3600);
  ASSERT_EQ(e.attendees.size(), 5u);
  EXPECT_EQ(e.attendees[0].who.address, "a@contoso.com");
  EXPECT_EQ(e.attendees[0].response, AttendeeResponse::kAccepted);
  EXPECT_EQ(e.attendees[1].role, AttendeeRole::kOptional);
  EXPECT_EQ(e.attendees[1].response, AttendeeResponse::kTentative);
  EXPECT_EQ(e.attendees[2].response, AttendeeResponse::kDeclined);
  EXPECT_EQ(e.attendees[3].response, AttendeeResponse::kNeedsAction);
  EXPECT_EQ(e.attendees[4].response, AttendeeResponse::kNone);  // status of the wrong type
}

TEST(GraphJson, AllDayEventSpansItsDatesInUtc) {
  auto r = ParseOk(R"({"@odata.type": "#microsoft.graph.event", "id": "e2", "isAllDay": true,
    "start": {"dateTime": "2017-04-15T00:00:00.0000000", "timeZone": "Pacific Standard Time"},
    "end": {"dateTime": "2017-04-16T00:00:00.0000000", "timeZone": "Pacific Standard Time"}})");
  ASSERT_EQ(r.events.size(), 1u);
  const auto& e = r.events[0].meta;
  EXPECT_TRUE(e.all_day);
  EXPECT_EQ(e.uid, "graph:e2");
  EXPECT_EQ(e.start.utc_seconds, 17271 * 86400);  // 2017-04-15T00:00Z
  EXPECT_EQ(e.end.utc_seconds, 17272 * 86400);
}

std::string WeeklyMaster(std::string_view range) {
  return R"({"@odata.type": "#microsoft.graph.event", "id": "S", "iCalUId": "SERIES",
    "type": "seriesMaster",
    "start": {"dateTime": "2017-09-04T12:00:00.0000000", "timeZone": "Pacific Standard Time"},
    "end": {"dateTime": "2017-09-04T13:00:00.0000000", "timeZone": "Pacific Standard Time"},
    "recurrence": {"pattern": {"type": "weekly", "interval": 1,
                               "daysOfWeek": ["monday", "wednesday"], "firstDayOfWeek": "sunday"},
                   "range": )" +
         std::string(range) + "}}";
}

TEST(GraphJson, WeeklySeriesExpandsWithinTheWindow) {
  // October 2017 (UTC): 2017-10-01 is a Sunday (day 273 of a year that began on a Sunday), so
  // Mondays 2, 9, 16, 23, 30 and Wednesdays 4, 11, 18, 25: 9 occurrences at 12:00 PDT = 19:00Z.
  const int64_t oct1 = (17167 + 273) * 86400LL, nov1 = oct1 + 31 * 86400LL;
  auto r = ParseOk(WeeklyMaster(R"({"type": "endDate", "startDate": "2017-09-04",
                                    "endDate": "2017-12-31"})"),
                   {oct1, nov1});
  ASSERT_EQ(r.events.size(), 9u);
  EXPECT_EQ(r.events[0].meta.start.utc_seconds, oct1 + 86400 + 19 * 3600);      // Mon Oct 2
  EXPECT_EQ(r.events[1].meta.start.utc_seconds, oct1 + 3 * 86400 + 19 * 3600);  // Wed Oct 4
  for (const auto& e : r.events) {
    EXPECT_EQ(e.meta.uid, "SERIES");
    EXPECT_EQ(e.meta.occurrence_start, e.meta.start.utc_seconds);
    EXPECT_EQ(e.meta.end.utc_seconds - e.meta.start.utc_seconds, 3600);
  }
  // After 2017-11-05 Pacific time is UTC-8: Monday Nov 6 12:00 PST = 20:00Z.
  auto nov = ParseOk(WeeklyMaster(R"({"type": "noEnd", "startDate": "2017-09-04"})"),
                     {nov1 + 5 * 86400LL, nov1 + 6 * 86400LL});
  ASSERT_EQ(nov.events.size(), 1u);
  EXPECT_EQ(nov.events[0].meta.start.utc_seconds, nov1 + 5 * 86400 + 20 * 3600);
  EXPECT_EQ(nov.events[0].meta.start.offset_minutes, -8 * 60);
  // Numbered: 5 dates from Mon Sep 4: Sep 4, 6, 11, 13, 18; none in October.
  auto numbered = ParseOk(WeeklyMaster(R"({"type": "numbered", "startDate": "2017-09-04",
                                          "numberOfOccurrences": 5})"));
  EXPECT_EQ(numbered.events.size(), 5u);
  EXPECT_TRUE(ParseOk(WeeklyMaster(R"({"type": "numbered", "startDate": "2017-09-04",
                                       "numberOfOccurrences": 5})"),
                      {oct1, nov1})
                  .events.empty());
}

TEST(GraphJson, ExceptionReplacesItsOccurrence) {
  std::string master = WeeklyMaster(R"({"type": "numbered", "startDate": "2017-09-04",
                                        "numberOfOccurrences": 3})");
  // Wed Sep 6 19:00Z (day 17167 + 248) moved to 20:00Z, with its own iCalUId.
  const int64_t sep6 = (17167 + 248) * 86400LL + 19 * 3600;
  std::string exception = R"({"@odata.type": "#microsoft.graph.event", "id": "X",
    "iCalUId": "OWN", "type": "exception", "seriesMasterId": "S",
    "originalStart": "2017-09-06T19:00:00Z",
    "start": {"dateTime": "2017-09-06T20:00:00.0000000", "timeZone": "UTC"},
    "end": {"dateTime": "2017-09-06T21:00:00.0000000", "timeZone": "UTC"}})";
  auto r = ParseOk("{\"value\": [" + master + "," + exception + "]}");
  ASSERT_EQ(r.events.size(), 3u);
  int moved = 0;
  for (const auto& e : r.events) {
    EXPECT_EQ(e.meta.uid, "SERIES");
    if (e.meta.occurrence_start == sep6) {
      ++moved;
      EXPECT_EQ(e.graph_id, "X");
      EXPECT_EQ(e.meta.start.utc_seconds, sep6 + 3600);
    }
  }
  EXPECT_EQ(moved, 1);
}

TEST(GraphJson, UsersAndTombstones) {
  auto r = ParseOk(R"({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
    "value": [
      {"id": "u1", "displayName": "Adele Vance", "mail": "AdeleV@Contoso.COM",
       "userPrincipalName": "AdeleV@contoso.onmicrosoft.com",
       "proxyAddresses": ["SMTP:AdeleV@contoso.com", "smtp:adele@Contoso.net",
                          "X500:/o=ExchangeLabs/cn=Recipients", "SIP:adelev@contoso.com",
                          "smtp:ADELEV@contoso.com", 42]},
      {"id": "u2", "@removed": {"reason": "changed"}},
      {"@removed": {"reason": "deleted"}}]})");
  ASSERT_EQ(r.users.size(), 1u);
  EXPECT_EQ(r.users[0].mail, "AdeleV@contoso.com");
  EXPECT_EQ(r.users[0].user_principal_name, "AdeleV@contoso.onmicrosoft.com");
  EXPECT_EQ(r.users[0].aliases, std::vector<std::string>{"adele@contoso.net"});
  ASSERT_EQ(r.removed.size(), 1u);
  EXPECT_EQ(r.removed[0].kind, GraphRemoved::Kind::kUser);
  EXPECT_EQ(r.removed[0].graph_id, "u2");
  EXPECT_EQ(r.rejected, std::vector<std::string>{std::string(kRejectGraphTombstoneNoId)});
}

// Users and groups alone are a directory export, which an ingest skips as a whole file
// (kSkipDirectoryExport); next to mail they are counted and the mail is read.
TEST(GraphJson, UsersAndGroupsAloneAreADirectoryExport) {
  auto groups = ParseOk(R"({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#groups",
    "value": [{"id": "g1", "displayName": "Sales", "groupTypes": [], "members": []},
              {"@odata.type": "#microsoft.graph.group", "id": "g2"},
              {"id": "g3", "securityEnabled": true}]})");
  EXPECT_EQ(groups.groups, 3u);
  EXPECT_TRUE(groups.rejected.empty());
  EXPECT_TRUE(HoldsOnlyDirectory(groups));
  // Recognised by their fields too, without a context.
  auto untyped = ParseOk(R"([{"id": "g1", "mailEnabled": true}, {"id": "u1", "userPrincipalName":
    "a@contoso.com"}, {"displayName": "no id"}])");
  EXPECT_EQ(untyped.groups, 1u);
  EXPECT_EQ(untyped.users.size(), 1u);
  EXPECT_FALSE(HoldsOnlyDirectory(untyped)) << "an item of no known kind is not the directory";
  auto users = ParseOk(R"({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
    "value": [{"id": "u1", "mail": "a@contoso.com"}, {"displayName": "no address"},
              {"id": "u2", "@removed": {"reason": "deleted"}}]})");
  EXPECT_TRUE(HoldsOnlyDirectory(users));
  std::string mixed = R"({"value": [{"id": "u1", "userPrincipalName": "a@contoso.com"},
    {"@odata.type": "#microsoft.graph.message", "id": "m1", "sentDateTime": "2024-01-01T00:00:00Z",
     "from": {"emailAddress": {"address": "a@contoso.com"}}}]})";
  auto with_mail = ParseOk(mixed);
  EXPECT_EQ(with_mail.messages.size(), 1u);
  EXPECT_FALSE(HoldsOnlyDirectory(with_mail));
  EXPECT_FALSE(HoldsOnlyDirectory(ParseOk(R"({"value": []})")));
}

TEST(GraphJson, BadInputIsRejectedNotCrashed) {
  std::string truncated(kMessage.substr(0, kMessage.size() / 2));
  EXPECT_EQ(ParseGraphJson(truncated, kWide).status().message(), kRejectInvalidJson);
  EXPECT_EQ(ParseGraphJson("{\"subject\": \"caf\xe9\"}", kWide).status().message(),
            kRejectInvalidJson);  // invalid UTF-8 in a string
  EXPECT_FALSE(ParseGraphJson("", kWide).ok());
  EXPECT_FALSE(ParseGraphJson("\"just a string\"", kWide).ok());
  EXPECT_FALSE(ParseGraphJson(R"({"error": {"code": "InvalidAuthenticationToken"}})", kWide).ok());
  std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_EQ(ParseGraphJson(deep, kWide).status().message(), kRejectJsonTooDeep);
  std::string deep_objects;
  for (int i = 0; i < 10000; ++i) deep_objects += "{\"a\":";
  EXPECT_EQ(ParseGraphJson(deep_objects, kWide).status().message(), kRejectJsonTooDeep);
  // Brackets inside strings do not count as nesting.
  EXPECT_TRUE(ParseGraphJson("{\"subject\": \"" + std::string(100, '[') + "\"}", kWide).ok());

  auto empty = ParseOk("{}");
  EXPECT_EQ(empty.rejected, std::vector<std::string>{std::string(kRejectGraphUnknownType)});
  EXPECT_TRUE(ParseOk(R"({"value": []})").rejected.empty());
}

TEST(GraphJson, WrongTypesAreAbsent) {
  auto r = ParseOk(R"({"value": [
    {"@odata.type": "#microsoft.graph.message", "from": "someone", "sentDateTime": 5},
    {"@odata.type": "#microsoft.graph.message", "isRead": "true", "subject": ["x"],
     "from": {"emailAddress": {"address": "a@b.example", "name": 3}},
     "toRecipients": {"emailAddress": {}}, "sentDateTime": "2017-01-01T00:00:00Z",
     "internetMessageHeaders": "none"},
    {"@odata.type": "#microsoft.graph.event", "id": "e", "start": "now"},
    {"@odata.type": "#microsoft.graph.event", "id": "e", "isAllDay": "true",
     "start": {"dateTime": "2017-01-01T09:00:00", "timeZone": "Mars Standard Time"}},
    {"@odata.type": "#microsoft.graph.event", "id": "e",
     "start": {"dateTime": "2017-01-01T09:00:00", "timeZone": "UTC"},
     "end": {"dateTime": "2017-01-01T08:00:00", "timeZone": "UTC"}},
    {"@odata.type": "#microsoft.graph.event", "id": "e", "type": "seriesMaster",
     "start": {"dateTime": "2017-01-01T09:00:00", "timeZone": "UTC"},
     "recurrence": {"pattern": {"type": "hourly"}, "range": {}}},
    {"@odata.type": "#microsoft.graph.contact", "id": "c"}, 17]})");
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].meta.sent.utc_seconds, 17167 * 86400LL);
  EXPECT_TRUE(r.messages[0].meta.to.empty());
  EXPECT_EQ(r.rejected,
            (std::vector<std::string>{
                std::string(kRejectNoSender), std::string(kRejectEventNoStart),
                std::string(kRejectEventUnknownZone), std::string(kRejectEventBadEnd),
                std::string(kRejectGraphBadRecurrence), std::string(kRejectGraphUnknownType),
                std::string(kRejectGraphNotObject)}));
}

TEST(GraphTime, ZonesAndDates) {
  for (std::string_view name :
       {"Pacific Standard Time", "Eastern Standard Time", "W. Europe Standard Time",
        "GMT Standard Time", "India Standard Time", "China Standard Time", "Tokyo Standard Time",
        "AUS Eastern Standard Time", "FLE Standard Time", "Greenland Standard Time",
        "Myanmar Standard Time", "UTC", "tzone://Microsoft/Utc", "Europe/Berlin",
        "America/Argentina/Buenos_Aires"}) {
    EXPECT_TRUE(ResolveGraphZone(name).has_value()) << name;
  }
  for (std::string_view bad : {"", "Mars Standard Time", "../../etc/passwd", "/etc/passwd"}) {
    EXPECT_FALSE(ResolveGraphZone(bad).has_value()) << bad;
  }
  // India: +05:30 all year. 2017-01-01T09:00 IST = 03:30Z.
  auto india = LocalToUtc(*ResolveGraphZone("India Standard Time"), 17167 * 86400LL + 9 * 3600);
  ASSERT_TRUE(india.has_value());
  EXPECT_EQ(india->utc_seconds, 17167 * 86400LL + 3 * 3600 + 1800);
  EXPECT_EQ(india->offset_minutes, 330);
  // Far-future instants take today's rules (through a year of the same calendar): July 3053 is
  // daylight time in Los Angeles, and the round trip is exact.
  auto la = *ResolveGraphZone("Pacific Standard Time");
  auto future = LocalToUtc(la, ParseIsoDateTime("3053-07-01T12:00:00")->local_seconds);
  ASSERT_TRUE(future.has_value());
  EXPECT_EQ(future->offset_minutes, -7 * 60);
  EXPECT_EQ(UtcToLocal(la, future->utc_seconds), future->utc_seconds - 7 * 3600);
  EXPECT_FALSE(ParseIsoDateTime("datetime-value").has_value());
  EXPECT_FALSE(ParseIsoDateTime("2017-02-29T00:00:00").has_value());
  EXPECT_FALSE(ParseIsoDateTime("0001-01-01T00:00:00Z").has_value());
  auto offset = ParseGraphUtc("2017-01-01T01:00:00+01:00");
  ASSERT_TRUE(offset.has_value());
  EXPECT_EQ(offset->utc_seconds, 17167 * 86400LL);
}

std::vector<int64_t> Dates(std::string_view recurrence, int64_t from, int64_t last) {
  auto r = ParseGraphRecurrence(nlohmann::json::parse(recurrence));
  EXPECT_TRUE(r.has_value()) << recurrence;
  return r ? ExpandGraphRecurrence(*r, from, last, kMaxOccurrencesPerSeries)
           : std::vector<int64_t>{};
}

TEST(GraphRecurrence, Patterns) {
  const int64_t y2017 = 17167, y2018 = 17532, y2020 = 18262;
  // Second Tuesday: Jan 2017 begins on a Sunday (Tuesdays 3, 10), Feb on a Wednesday (7, 14).
  auto tuesdays = Dates(R"({"pattern": {"type": "relativeMonthly", "interval": 1,
      "daysOfWeek": ["tuesday"], "index": "second"},
      "range": {"type": "noEnd", "startDate": "2017-01-01"}})",
                        y2017, y2018 - 1);
  ASSERT_EQ(tuesdays.size(), 12u);
  EXPECT_EQ(tuesdays[0], y2017 + 9);
  EXPECT_EQ(tuesdays[1], y2017 + 31 + 13);
  // The 31st falls on the last day of shorter months: 2017-02-28.
  auto thirty_first = Dates(R"({"pattern": {"type": "absoluteMonthly", "interval": 1,
      "dayOfMonth": 31}, "range": {"type": "endDate", "startDate": "2017-01-31",
      "endDate": "2017-03-01"}})",
                            y2017, y2018);
  EXPECT_EQ(thirty_first, (std::vector<int64_t>{y2017 + 30, y2017 + 31 + 27}));
  // February 29th, yearly: 2017..2020 give Feb 28 three times, then Feb 29 2020.
  auto leap = Dates(R"({"pattern": {"type": "absoluteYearly", "interval": 1, "month": 2,
      "dayOfMonth": 29}, "range": {"type": "numbered", "startDate": "2017-01-01",
      "numberOfOccurrences": 4}})",
                    y2017, y2020 + 365);
  ASSERT_EQ(leap.size(), 4u);
  EXPECT_EQ(leap[3], y2020 + 31 + 28);
  // Last weekday of the month, every other month, from 2017-01: Jan 31 (Tue), Mar 31 (Fri).
  auto last = Dates(R"({"pattern": {"type": "relativeMonthly", "interval": 2, "index": "last",
      "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"]},
      "range": {"type": "noEnd", "startDate": "2017-01-01"}})",
                    y2017, y2017 + 100);
  EXPECT_EQ(last, (std::vector<int64_t>{y2017 + 30, y2017 + 89}));
}

TEST(GraphRecurrence, SkipsAheadAndCountsWhatItSkipped) {
  // Daily, 1000 dates from 2000-01-01 (day 10957): the last is day 11956, 2002-09-26.
  auto tail = Dates(R"({"pattern": {"type": "daily", "interval": 1},
      "range": {"type": "numbered", "startDate": "2000-01-01", "numberOfOccurrences": 1000}})",
                    11950, 12000);
  ASSERT_EQ(tail.size(), 7u);
  EXPECT_EQ(tail.back(), 11956);
  // Weekly on three days, numbered 3000 (1000 weeks from Sun 2017-01-01): the 3000th date is
  // the Friday of week 999, day 17167 + 999 * 7 + 5.
  auto weekly = Dates(R"({"pattern": {"type": "weekly", "interval": 1,
      "daysOfWeek": ["monday", "wednesday", "friday"]},
      "range": {"type": "numbered", "startDate": "2017-01-01", "numberOfOccurrences": 3000}})",
                      17167 + 990 * 7, 17167 + 2000 * 7);
  ASSERT_FALSE(weekly.empty());
  EXPECT_EQ(weekly.back(), 17167 + 999 * 7 + 5);
  EXPECT_EQ(weekly.size(), 30u);  // weeks 990..999
  // An endless daily series from 1900 asked for December 9999: 31 dates, at once.
  const int64_t dec9999 = DaysFromCivil(9999, 12, 1);
  auto far = Dates(R"({"pattern": {"type": "daily", "interval": 1},
      "range": {"type": "numbered", "startDate": "1900-01-01", "numberOfOccurrences": 1000000000}})",
                   dec9999, dec9999 + 1000);
  EXPECT_EQ(far.size(), 31u);
}

}  // namespace
}  // namespace rapport::ingest
