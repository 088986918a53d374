// Splitting mbox files: what counts as a message boundary and what does not.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/mail/mbox_reader.h"
#include "ingest/mail_source.h"

namespace rapport::ingest {
namespace {

std::vector<std::string_view> Split(std::string_view data, std::vector<size_t>* offsets = nullptr) {
  MboxReader reader(data);
  std::vector<std::string_view> out;
  std::string_view m;
  size_t off;
  while (reader.Next(m, off)) {
    out.push_back(m);
    if (offsets) offsets->push_back(off);
  }
  return out;
}

TEST(MboxReader, SplitsOnFromLinesFollowedByHeaders) {
  std::string mbox =
      "From a@x Mon Jan  1 00:00:00 2001\nFrom: a@x\n\nbody\n>From quoted\n\n"
      "From b@x Mon Jan  1 00:00:00 2001\nFrom: b@x\n\nbody\n";
  std::vector<size_t> offsets;
  auto msgs = Split(mbox, &offsets);
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(offsets[1], mbox.find("From b@x"));
  EXPECT_TRUE(msgs[0].ends_with("body\n>From quoted\n\n"));  // a quoted line is body
}

TEST(MboxReader, UnquotedFromInBodyIsNotASeparator) {
  // The CPython test mailbox: "From time to time" in a body, not followed by a header field.
  std::string mbox =
      "From MAILER-DAEMON Sun Aug  7 11:40:37 2022 extra info\nFrom: foo\n"
      "Subject: unquoted From in body\n\nHello\n\nFrom time to time\n";
  EXPECT_EQ(Split(mbox).size(), 1u);
}

TEST(MboxReader, MozillaSeparatorsBomCrlfAndNoBlankLineBefore) {
  std::string mbox =
      "\xEF\xBB\xBF"
      "From - \r\nFrom: a@x\r\n\r\nbody\r\n--boundary--\r\n"
      "From - Mon Jun  3 12:50:27 1996\r\nReturn-Path: b@x\r\n\r\nbody\r\n";
  EXPECT_EQ(Split(mbox).size(), 2u);
}

TEST(MboxReader, EmptyAndGarbage) {
  EXPECT_TRUE(Split("").empty());
  EXPECT_TRUE(Split("no separator at all\n").empty());
  EXPECT_EQ(Split("From x\n").size(), 1u);  // a lone envelope line is one (empty) message
}

TEST(DetectFileKind, TellsFormatsApart) {
  EXPECT_EQ(DetectFileKind("From a@b Mon Jan 1 00:00:00 2001\n"), FileKind::kMbox);
  EXPECT_EQ(DetectFileKind("Return-Path: <a@b>\n"), FileKind::kMessage);
  EXPECT_EQ(DetectFileKind("BEGIN:VCALENDAR\r\n"), FileKind::kICalendar);
  EXPECT_EQ(DetectFileKind("{\"value\": []}"), FileKind::kJson);
  EXPECT_EQ(DetectFileKind("!BDN\x01\x02"), FileKind::kPst);
  EXPECT_EQ(DetectFileKind("\xD0\xCF\x11\xE0\xA1\xB1"), FileKind::kOutlookMsg);
  EXPECT_EQ(DetectFileKind(""), FileKind::kEmpty);
  EXPECT_EQ(DetectFileKind("name,domains\r\n\"Fabrikam\",\"fabrikam.com\"\r\n"),
            FileKind::kAccountList);  // the sample's directory/accounts.csv
  EXPECT_EQ(DetectFileKind("\x7f"
                           "ELF\x02\x01"),
            FileKind::kUnknown);
}

TEST(StableMaildirLocation, DropsFlagsOnly) {
  EXPECT_EQ(StableMaildirLocation("/m/cur/123.abc:2,RS"), "/m/cur/123.abc");
  EXPECT_EQ(StableMaildirLocation("/m/new/123.abc"), "/m/new/123.abc");
  EXPECT_EQ(StableMaildirLocation("/a:2,b/cur/1."), "/a:2,b/cur/1.");
}

}  // namespace
}  // namespace rapport::ingest
