// The sample organisation's meetings: per-user iCalendar exports, invitation e-mails and a
// Microsoft Graph export of the same organisation. Checked with rapport's mail parser and a JSON
// parser only, so these tests do not depend on the iCalendar or Graph readers they feed.
#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "ingest/mail/message_parser.h"
#include "sample/organisation.h"
#include "sample_test_util.h"

namespace rapport::sample {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::FilesUnder;
using testing::RawMessages;
using testing::ReadFile;
using testing::TempDir;
using testing::TreeDigest;

OrganisationSpec MeetingSpec(SampleLayout layout, uint64_t messages, uint64_t seed = 5) {
  OrganisationSpec spec;
  spec.layout = layout;
  spec.messages = messages;
  spec.seed = seed;
  spec.meetings = true;
  return spec;
}

OrganisationSummary Generate(const OrganisationSpec& spec, const std::string& dir) {
  auto result = WriteSampleOrganisation(spec, dir);
  EXPECT_TRUE(result.ok()) << result.status().message();
  return result.ok() ? result.value() : OrganisationSummary{};
}

std::vector<fs::path> FilesIn(const fs::path& dir, std::string_view extension) {
  std::vector<fs::path> files;
  for (const auto& f : FilesUnder(dir)) {
    if (f.extension() == extension) files.push_back(f);
  }
  return files;
}

// RFC 5545 §3.1: the logical lines of a folded iCalendar text (line ends LF or CRLF).
std::vector<std::string> Unfold(std::string_view text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line[0] == ' ' && !lines.empty()) {
      lines.back() += line.substr(1);
    } else {
      lines.emplace_back(line);
    }
    pos = nl + 1;
  }
  return lines;
}

// The value of every "NAME:" or "NAME;...:" logical line.
std::vector<std::string> Values(const std::vector<std::string>& lines, std::string_view name) {
  std::vector<std::string> values;
  for (const auto& l : lines) {
    if (l.starts_with(name) && l.size() > name.size() &&
        (l[name.size()] == ':' || l[name.size()] == ';')) {
      values.push_back(l.substr(l.find(':') + 1));
    }
  }
  return values;
}

std::string IsoUtc(int64_t utc) {
  std::time_t t = utc;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string StripBrackets(const std::string& id) {
  return id.size() >= 2 && id.front() == '<' ? id.substr(1, id.size() - 2) : id;
}

class MeetingLayoutTest : public ::testing::TestWithParam<SampleLayout> {};

INSTANTIATE_TEST_SUITE_P(Layouts, MeetingLayoutTest,
                         ::testing::Values(SampleLayout::kMaildir, SampleLayout::kMbox),
                         [](const auto& info) {
                           return info.param == SampleLayout::kMbox ? "Mbox" : "Maildir";
                         });

TEST_P(MeetingLayoutTest, WritesCalendarsAndGraphNextToTheMailAndCountsThem) {
  TempDir tmp;
  fs::path out = tmp.Sub("out");
  OrganisationSummary s = Generate(MeetingSpec(GetParam(), 3000), out.string());
  EXPECT_EQ(s.messages, 3000u);
  EXPECT_EQ(FilesIn(out / "calendar", ".ics").size(), s.users);
  EXPECT_EQ(s.calendar_files, s.users);
  auto graph = FilesIn(out / "graph", ".json");
  EXPECT_EQ(graph.size(), s.graph_files);
  for (const char* name :
       {"messages-page-001.json", "messages-delta.json", "events.json", "users.json"}) {
    EXPECT_TRUE(fs::exists(out / "graph" / name)) << name;
  }
  EXPECT_GT(s.meetings, 3000u / 20);
  EXPECT_LT(s.meetings, 3000u / 5);
  EXPECT_GT(s.invitation_messages, 0u);
  EXPECT_EQ(RawMessages(out, GetParam()).size(), s.messages + s.invitation_messages);
  uint64_t bytes = 0;
  auto files = FilesUnder(out);
  for (const auto& f : files) bytes += fs::file_size(f);
  EXPECT_EQ(s.files, files.size());
  EXPECT_EQ(s.bytes, bytes);
}

TEST_P(MeetingLayoutTest, SameSeedWritesIdenticalBytes) {
  TempDir tmp;
  Generate(MeetingSpec(GetParam(), 1500, 9), tmp.Sub("a"));
  Generate(MeetingSpec(GetParam(), 1500, 9), tmp.Sub("b"));
  Generate(MeetingSpec(GetParam(), 1500, 10), tmp.Sub("c"));
  EXPECT_EQ(TreeDigest(tmp.Sub("a")), TreeDigest(tmp.Sub("b")));
  EXPECT_NE(TreeDigest(tmp.Sub("a")), TreeDigest(tmp.Sub("c")));
}

// Meetings come from their own random stream: the mail is byte for byte the mail-only output,
// with the invitations added.
TEST(SampleMeetings, AddingMeetingsChangesNoMailMessage) {
  TempDir tmp;
  OrganisationSpec spec = MeetingSpec(SampleLayout::kMaildir, 1200);
  Generate(spec, tmp.Sub("with"));
  spec.meetings = false;
  OrganisationSummary plain = Generate(spec, tmp.Sub("without"));
  EXPECT_FALSE(fs::exists(fs::path(tmp.Sub("without")) / "calendar"));
  EXPECT_FALSE(fs::exists(fs::path(tmp.Sub("without")) / "graph"));
  EXPECT_EQ(plain.meetings, 0u);
  EXPECT_EQ(plain.graph_files, 0u);
  for (const auto& f : FilesUnder(tmp.Sub("without"))) {
    fs::path twin = fs::path(tmp.Sub("with")) / fs::relative(f, tmp.Sub("without"));
    ASSERT_TRUE(fs::exists(twin)) << twin;
    EXPECT_EQ(ReadFile(f), ReadFile(twin)) << twin;
  }
}

TEST(SampleMeetings, IcsFilesAreFoldedCrlfAndBalanced) {
  TempDir tmp;
  Generate(MeetingSpec(SampleLayout::kMbox, 4000), tmp.Sub("out"));
  for (const auto& f : FilesIn(fs::path(tmp.Sub("out")) / "calendar", ".ics")) {
    std::string data = ReadFile(f);
    ASSERT_TRUE(data.starts_with("BEGIN:VCALENDAR\r\n")) << f;
    size_t pos = 0;
    while (pos < data.size()) {
      size_t nl = data.find('\n', pos);
      ASSERT_NE(nl, std::string::npos) << f << ": the file does not end with CRLF";
      ASSERT_TRUE(nl > pos && data[nl - 1] == '\r') << f << ": bare LF at " << nl;
      EXPECT_LE(nl - 1 - pos, 75u) << f << ": " << data.substr(pos, nl - pos);
      pos = nl + 1;
    }
    std::vector<std::string> stack;
    std::set<std::string> zones_defined, zones_used;
    auto lines = Unfold(data);
    for (const auto& l : lines) {
      if (l.starts_with("BEGIN:")) stack.push_back(l.substr(6));
      if (l.starts_with("END:")) {
        ASSERT_FALSE(stack.empty()) << f << ": " << l;
        EXPECT_EQ(stack.back(), l.substr(4)) << f;
        stack.pop_back();
      }
      if (l.starts_with("TZID:")) zones_defined.insert(l.substr(5));
      if (size_t p = l.find(";TZID="); p != std::string::npos) {
        zones_used.insert(l.substr(p + 6, l.find(':', p) - p - 6));
      }
    }
    EXPECT_TRUE(stack.empty()) << f;
    for (const auto& z : zones_used)
      EXPECT_TRUE(zones_defined.count(z)) << f << ": no VTIMEZONE " << z;
    EXPECT_EQ(Values(lines, "VERSION"), std::vector<std::string>{"2.0"});
    EXPECT_EQ(Values(lines, "PRODID").size(), 1u);
  }
}

TEST(SampleMeetings, CalendarsShareMeetingsAndShowEveryFeature) {
  TempDir tmp;
  Generate(MeetingSpec(SampleLayout::kMaildir, 3000), tmp.Sub("out"));
  std::map<std::string, std::set<std::string>> files_by_uid;
  std::string all;
  for (const auto& f : FilesIn(fs::path(tmp.Sub("out")) / "calendar", ".ics")) {
    auto lines = Unfold(ReadFile(f));
    for (const auto& uid : Values(lines, "UID")) files_by_uid[uid].insert(f.filename().string());
    for (const auto& l : lines) all += l + "\n";
  }
  size_t shared = 0;
  for (const auto& [uid, files] : files_by_uid) shared += files.size() >= 2;
  EXPECT_GT(shared, files_by_uid.size() / 4) << "meetings should appear in several calendars";
  for (const char* feature :
       {"\nRRULE:FREQ=WEEKLY;COUNT=", "\nRRULE:FREQ=WEEKLY;UNTIL=", "\nEXDATE;TZID=",
        "\nRECURRENCE-ID;TZID=", "\nSTATUS:CANCELLED\n", "CUTYPE=ROOM;",
        "TZID=Pacific Standard Time:", "\nTZID:Pacific Standard Time\n",
        "DTSTART;VALUE=DATE:", "ROLE=OPT-PARTICIPANT", "ROLE=REQ-PARTICIPANT", "PARTSTAT=ACCEPTED",
        "PARTSTAT=DECLINED", "PARTSTAT=TENTATIVE", "PARTSTAT=NEEDS-ACTION", "\nDTSTART:"}) {
    EXPECT_NE(all.find(feature), std::string::npos) << feature;
  }
  bool iana = false;  // some TZIDs are IANA names ("Europe/Berlin"), which zones are is seeded
  for (size_t p = all.find(";TZID="); p != std::string::npos; p = all.find(";TZID=", p + 1)) {
    iana = iana || all.substr(p, all.find(':', p) - p).find('/') != std::string::npos;
  }
  EXPECT_TRUE(iana);
}

TEST_P(MeetingLayoutTest, InvitationsCarryTheirMeetingAsTextCalendar) {
  TempDir tmp;
  fs::path out = tmp.Sub("out");
  OrganisationSummary s = Generate(MeetingSpec(GetParam(), 3000), out.string());
  std::set<std::string> ics_uids;
  for (const auto& f : FilesIn(out / "calendar", ".ics")) {
    for (const auto& uid : Values(Unfold(ReadFile(f)), "UID")) ics_uids.insert(uid);
  }
  std::set<std::string> ids;
  size_t invitations = 0;
  for (const auto& raw : RawMessages(out, GetParam())) {
    auto meta = ingest::ParseMessage(raw);
    ASSERT_TRUE(meta.ok()) << meta.status().message();
    EXPECT_TRUE(ids.insert(meta->message_id).second) << "duplicate " << meta->message_id;
    size_t part = raw.find("Content-Type: text/calendar; charset=UTF-8; method=REQUEST");
    if (part == std::string::npos) continue;
    ++invitations;
    EXPECT_NE(raw.find("Content-Type: multipart/alternative;"), std::string::npos);
    EXPECT_NE(raw.find("Content-Type: text/plain;"), std::string::npos);
    auto lines = Unfold(raw.substr(part));
    EXPECT_EQ(Values(lines, "METHOD"), std::vector<std::string>{"REQUEST"});
    auto uids = Values(lines, "UID");
    ASSERT_EQ(uids.size(), 1u);
    EXPECT_TRUE(ics_uids.count(uids[0])) << uids[0];
    auto organizer = Values(lines, "ORGANIZER");
    ASSERT_EQ(organizer.size(), 1u);
    EXPECT_EQ(organizer[0], "mailto:" + meta->from.address);
    EXPECT_FALSE(meta->to.empty());
  }
  EXPECT_EQ(invitations, s.invitation_messages);
}

// Reads messages-page-001.json and follows @odata.nextLink to the last page.
std::vector<json> GraphPages(const fs::path& graph) {
  std::vector<json> pages;
  fs::path next = graph / "messages-page-001.json";
  while (true) {
    json page = json::parse(ReadFile(next));
    pages.push_back(page);
    if (!page.contains("@odata.nextLink")) break;
    std::string link = page["@odata.nextLink"];
    std::string token = link.substr(link.find("skiptoken=") + 10);
    next = graph / ("messages-" + token + ".json");
    if (!fs::exists(next)) {
      ADD_FAILURE() << link << " names no page";
      break;
    }
  }
  return pages;
}

TEST_P(MeetingLayoutTest, GraphMailboxIsTheSameMailAsTheMailFiles) {
  TempDir tmp;
  fs::path out = tmp.Sub("out");
  OrganisationSummary s = Generate(MeetingSpec(GetParam(), 6000), out.string());
  std::unordered_map<std::string, model::MessageMeta> mail;
  for (const auto& raw : RawMessages(out, GetParam())) {
    auto meta = ingest::ParseMessage(raw);
    ASSERT_TRUE(meta.ok());
    mail.emplace(meta->message_id, std::move(meta.value()));
  }
  for (const auto& f : FilesIn(out / "graph", ".json")) {
    EXPECT_TRUE(json::accept(ReadFile(f))) << f;
  }
  auto pages = GraphPages(out / "graph");
  EXPECT_EQ(pages.size(), FilesUnder(out / "graph").size() - 3) << "every page is chained";
  EXPECT_TRUE(pages.back().contains("@odata.deltaLink"));
  std::set<std::string> graph_ids;
  size_t total = 0, replies = 0;
  for (const auto& page : pages) {
    ASSERT_LE(page["value"].size(), 500u);
    for (const auto& m : page["value"]) {
      ++total;
      graph_ids.insert(m["id"].get<std::string>());
      auto it = mail.find(StripBrackets(m["internetMessageId"]));
      ASSERT_NE(it, mail.end()) << m["internetMessageId"];
      const model::MessageMeta& meta = it->second;
      EXPECT_EQ(m["from"]["emailAddress"]["address"], meta.from.address);
      EXPECT_EQ(m["sender"], m["from"]);
      EXPECT_EQ(m["sentDateTime"], IsoUtc(meta.sent.utc_seconds));
      EXPECT_EQ(m["subject"], meta.subject);
      EXPECT_EQ(m["toRecipients"].size(), meta.to.size());
      EXPECT_FALSE(m.contains("body"));
      if (!meta.in_reply_to.empty()) {
        ++replies;
        ASSERT_TRUE(m.contains("internetMessageHeaders"));
        EXPECT_EQ(m["internetMessageHeaders"][0]["name"], "In-Reply-To");
        EXPECT_EQ(StripBrackets(m["internetMessageHeaders"][0]["value"]), meta.in_reply_to);
      }
    }
  }
  EXPECT_EQ(total, s.graph_messages);
  EXPECT_GT(total, 200u);
  EXPECT_GT(replies, 0u);
  json delta = json::parse(ReadFile(out / "graph" / "messages-delta.json"));
  ASSERT_EQ(delta["value"].size(), 2u);
  for (const auto& t : delta["value"]) {
    EXPECT_EQ(t["@removed"]["reason"], "deleted");
    EXPECT_TRUE(graph_ids.count(t["id"].get<std::string>())) << t["id"];
  }
  json users = json::parse(ReadFile(out / "graph" / "users.json"));
  EXPECT_EQ(users["value"].size(), s.users);
  EXPECT_EQ(users["value"][0]["proxyAddresses"][0],
            "SMTP:" + users["value"][0]["mail"].get<std::string>());
}

TEST(SampleMeetings, GraphEventsAreTheUsersCalendar) {
  TempDir tmp;
  fs::path out = tmp.Sub("out");
  Generate(MeetingSpec(SampleLayout::kMbox, 5000), out.string());
  json events = json::parse(ReadFile(out / "graph" / "events.json"));
  std::string context = events["@odata.context"];
  std::string upn = context.substr(context.find("users('") + 7);
  upn = upn.substr(0, upn.find('\''));
  auto ics = Unfold(ReadFile(out / "calendar" / (upn.substr(0, upn.find('@')) + ".ics")));
  auto uid_list = Values(ics, "UID");
  std::set<std::string> uids(uid_list.begin(), uid_list.end());
  std::set<std::string> types, masters, zones, graph_uids;
  size_t resources = 0, top_level = 0;
  for (const auto& e : events["value"]) {
    graph_uids.insert(e["iCalUId"].get<std::string>());
    top_level += e["seriesMasterId"].is_null();
    types.insert(e["type"].get<std::string>());
    zones.insert(e["start"]["timeZone"].get<std::string>());
    if (e["type"] == "seriesMaster") {
      masters.insert(e["id"].get<std::string>());
      EXPECT_TRUE(e.contains("recurrence"));
    }
    if (!e["seriesMasterId"].is_null()) {
      EXPECT_TRUE(masters.count(e["seriesMasterId"].get<std::string>()));
    }
    for (const auto& a : e["attendees"]) resources += a["type"] == "resource";
  }
  EXPECT_EQ(graph_uids, uids) << "every meeting of the user's calendar, no other";
  EXPECT_EQ(top_level, uids.size()) << "one singleInstance or seriesMaster per UID";
  EXPECT_TRUE(types.count("singleInstance"));
  EXPECT_TRUE(types.count("seriesMaster"));
  EXPECT_TRUE(types.count("exception"));
  EXPECT_TRUE(zones.count("UTC"));
  EXPECT_GT(resources, 0u);
}

}  // namespace
}  // namespace rapport::sample
