// The IMAP response reader (src/sync/imap): framing with literals, values, response codes, UID
// sets, and where invitations are in a BODYSTRUCTURE -- on responses as RFC 3501, RFC 7162 and
// Dovecot write them.
#include <gtest/gtest.h>

#include "sync/imap/imap_response.h"
#include "sync/imap/mime_structure.h"

namespace rapport::sync {
namespace {

ImapResponse Parse(std::string_view raw) {
  auto r = ParseImapResponse(raw);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : ImapResponse{};
}

TEST(ImapResponseLength, WaitsForTheWholeLineAndEveryLiteral) {
  EXPECT_EQ(*ImapResponseLength("* OK ready"), 0u);
  EXPECT_EQ(*ImapResponseLength("* OK ready\r\n* 1 EXISTS\r\n"), 12u);
  std::string fetch = "* 1 FETCH (UID 7 BODY[HEADER] {5}\r\nab\r\nc)\r\n";
  EXPECT_EQ(*ImapResponseLength(fetch.substr(0, 38)), 0u);  // inside the literal
  EXPECT_EQ(*ImapResponseLength(fetch.substr(0, fetch.size() - 1)), 0u);
  EXPECT_EQ(*ImapResponseLength(fetch + "r1 OK done\r\n"), fetch.size());
  // A literal whose bytes look like a literal announcement are data, not framing.
  std::string tricky = "* 2 FETCH (BODY[HEADER] {6}\r\nx {9}\n)\r\n";
  EXPECT_EQ(*ImapResponseLength(tricky), tricky.size());
  EXPECT_FALSE(ImapResponseLength("* 1 FETCH (BODY[] {999999999999}\r\n").ok());
}

TEST(ParseImapResponse, ReadsStatusResponsesAndTheirCodes) {
  ImapResponse r = Parse("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n");
  EXPECT_EQ(r.tag, "*");
  EXPECT_TRUE(r.IsStatus("OK"));
  ASSERT_EQ(r.code.size(), 2u);
  EXPECT_TRUE(r.code[0].Is("UIDVALIDITY"));
  EXPECT_EQ(r.code[1].Number(), 3857529045u);
  EXPECT_EQ(r.text, "UIDs valid");
  r = Parse("a1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n");
  EXPECT_EQ(r.tag, "a1");
  EXPECT_TRUE(r.IsStatus("NO"));
  EXPECT_EQ(r.text, "Authentication failed.");
  r = Parse("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited\r\n");
  ASSERT_EQ(r.code.size(), 2u);
  EXPECT_EQ(r.code[1].list.size(), 3u);
  r = Parse("+ \r\n");
  EXPECT_EQ(r.tag, "+");
}

TEST(ParseImapResponse, ReadsFetchWithLiteralsQuotedStringsAndNil) {
  ImapResponse r = Parse(
      "* 12 FETCH (UID 40 BODY[HEADER] {22}\r\nFrom: a@b\r\nTo: c@d\r\n\r\n X-GM-LABELS NIL "
      "Q \"a \\\"q\\\" \\\\\")\r\n");
  ASSERT_EQ(r.values.size(), 3u);
  EXPECT_EQ(r.values[0].Number(), 12u);
  EXPECT_TRUE(r.values[1].Is("FETCH"));
  const auto& items = r.values[2].list;
  ASSERT_EQ(items.size(), 8u);
  EXPECT_EQ(items[1].Number(), 40u);
  EXPECT_EQ(items[2].text, "BODY[HEADER]");
  EXPECT_EQ(items[3].text, "From: a@b\r\nTo: c@d\r\n\r\n");
  EXPECT_EQ(items[5].kind, ImapValue::Kind::kNil);
  EXPECT_EQ(items[7].text, "a \"q\" \\");
}

TEST(ParseImapResponse, ReadsListStatusVanishedAndEsearch) {
  ImapResponse r = Parse("* LIST (\\HasNoChildren \\Noselect) \".\" \"Sent Items\"\r\n");
  ASSERT_EQ(r.values.size(), 4u);
  EXPECT_TRUE(r.values[1].list[1].Is("\\NOSELECT"));
  EXPECT_EQ(r.values[3].text, "Sent Items");
  r = Parse("* STATUS INBOX (MESSAGES 231 UIDNEXT 44292 UIDVALIDITY 1 HIGHESTMODSEQ 7)\r\n");
  EXPECT_EQ(r.values[2].list[3].Number(), 44292u);
  r = Parse("* VANISHED (EARLIER) 41,43:45,90\r\n");
  EXPECT_EQ(*ParseUidSet(r.values.back().text), (std::vector<uint32_t>{41, 43, 44, 45, 90}));
  r = Parse("* ESEARCH (TAG \"r5\") UID ALL 1:3,7\r\n");
  EXPECT_TRUE(r.values[0].Is("ESEARCH"));
  EXPECT_EQ(r.values.back().text, "1:3,7");
}

TEST(ParseImapResponse, RejectsBrokenInputWithAReason) {
  for (const char* bad : {"* 1 FETCH (UID 4\r\n", "* 1 FETCH (A \"unterminated\r\n",
                          "* 1 FETCH (BODY[HEADER {3}\r\nabc)\r\n", "* 1 FETCH {9}\r\nab\r\n",
                          "\r\n", "* 1 FETCH )\r\n"}) {
    auto r = ParseImapResponse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) EXPECT_EQ(r.status().message().rfind("IMAP response: ", 0), 0u);
  }
  std::string deep = "* 1 FETCH " + std::string(500, '(') + std::string(500, ')') + "\r\n";
  EXPECT_FALSE(ParseImapResponse(deep).ok());
}

TEST(UidSets, ParseAndFormatAgree) {
  EXPECT_EQ(FormatUidSet({1, 2, 3, 5, 7, 8}), "1:3,5,7:8");
  EXPECT_EQ(*ParseUidSet("1:3,5,7:8"), (std::vector<uint32_t>{1, 2, 3, 5, 7, 8}));
  EXPECT_EQ(*ParseUidSet("9:7"), (std::vector<uint32_t>{7, 8, 9}));
  EXPECT_FALSE(ParseUidSet("1:*").ok());
  EXPECT_FALSE(ParseUidSet("0").ok());
  EXPECT_FALSE(ParseUidSet("1:4000000000", 1000).ok());
}

TEST(CalendarSections, FindsTextCalendarPartsOnly) {
  // RFC 3501 §7.4.2 shapes: multipart/alternative with a text/calendar part, nested in mixed.
  ImapResponse r = Parse(
      "* 1 FETCH (UID 9 BODYSTRUCTURE (((\"TEXT\" \"PLAIN\" (\"CHARSET\" \"utf-8\") NIL NIL "
      "\"7BIT\" 10 1 NIL NIL NIL)(\"TEXT\" \"CALENDAR\" (\"METHOD\" \"REQUEST\") NIL NIL "
      "\"BASE64\" 900 12 NIL NIL NIL) \"ALTERNATIVE\" NIL NIL NIL)(\"APPLICATION\" \"PDF\" NIL "
      "NIL NIL \"BASE64\" 4000 NIL NIL NIL) \"MIXED\" NIL NIL NIL))\r\n");
  const ImapValue& structure = r.values[2].list[3];
  auto sections = CalendarSections(structure);
  ASSERT_EQ(sections.size(), 1u);
  EXPECT_EQ(sections[0].first, "1.2.MIME");
  EXPECT_EQ(sections[0].second, "1.2");
  r = Parse("* 2 FETCH (BODYSTRUCTURE (\"text\" \"calendar\" NIL NIL NIL \"7BIT\" 5 1))\r\n");
  sections = CalendarSections(r.values[2].list[1]);
  ASSERT_EQ(sections.size(), 1u);
  EXPECT_EQ(sections[0].first, "HEADER");
  r = Parse("* 3 FETCH (BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 5 1))\r\n");
  EXPECT_TRUE(CalendarSections(r.values[2].list[1]).empty());
  EXPECT_TRUE(MayHoldInvitation("Content-Type: Multipart/Alternative;\r\n boundary=x\r\n"));
  EXPECT_FALSE(MayHoldInvitation("Content-Type: text/plain\r\n"));
}

}  // namespace
}  // namespace rapport::sync
