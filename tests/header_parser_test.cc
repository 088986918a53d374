// Header parsing, field by field, on hand-written messages whose right answers are worked out by
// hand from RFC 5322 / RFC 2047.
#include <gtest/gtest.h>

#include "ingest/mail/address_list.h"
#include "ingest/mail/date_time.h"
#include "ingest/mail/encoded_word.h"
#include "ingest/mail/header_block.h"
#include "ingest/mail/message_id.h"
#include "ingest/mail/message_parser.h"

namespace rapport::ingest {
namespace {

using model::Mailbox;

TEST(HeaderBlock, UnfoldsAndStopsAtTheBlankLine) {
  std::string msg =
      "Subject: a long\r\n subject\r\n\tline\r\nTo: x@y.example\r\n\r\nBody: not a header\r\n";
  HeaderBlock b = SplitHeaderBlock(msg);
  ASSERT_EQ(b.fields.size(), 2u);
  EXPECT_EQ(b.fields[0].value, "a long subject\tline");
  EXPECT_EQ(b.Find("to")->value, "x@y.example");
  EXPECT_EQ(b.Find("Body"), nullptr);
  EXPECT_EQ(b.header_bytes, msg.find("Body"));
}

TEST(HeaderBlock, SkipsEnvelopeBomAndGarbageLines) {
  HeaderBlock b = SplitHeaderBlock(
      "\xEF\xBB\xBF"
      "From someone Mon Jan  1 00:00:00 2001\n"
      "From: a@b.example\nthis line is garbage\nTo: c@d.example\n");
  ASSERT_EQ(b.fields.size(), 2u);
  EXPECT_EQ(b.malformed_lines, 1u);
}

TEST(EncodedWord, DecodesQAndBInAnyIconvCharset) {
  EXPECT_EQ(DecodeHeaderText("=?ISO-8859-1?Q?Andr=E9?= Pirard"), "André Pirard");
  EXPECT_EQ(DecodeHeaderText("=?UTF-8?B?SGVsbG8gV29ybGQ=?="), "Hello World");
  EXPECT_EQ(DecodeHeaderText("=?koi8-r?B?8NLJ18XU?="), "Привет");
  EXPECT_EQ(DecodeHeaderText("=?iso-2022-jp?B?GyRCJEskWyRzGyhC?="), "にほん");
}

TEST(EncodedWord, NarrowCharsetLabelsAreReadAsTheirSupersets) {
  // "=?GB2312?" text that is really GBK (0x81 0x40 is GBK-only: U+4E02), and "ISO-8859-1" text
  // with a Windows-1252 curly quote (0x92: U+2019), as real mailers send them.
  EXPECT_EQ(DecodeHeaderText("=?GB2312?B?gUA=?="), "\xE4\xB8\x82");
  EXPECT_EQ(DecodeHeaderText("=?ISO-8859-1?Q?it=92s?="), "it\xE2\x80\x99s");
}

TEST(EncodedWord, JoinsAdjacentWordsAndTheirSplitCharacters) {
  // RFC 2047 §8: whitespace between adjacent encoded words is not displayed.
  EXPECT_EQ(DecodeHeaderText("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?="), "ab");
  EXPECT_EQ(DecodeHeaderText("=?ISO-8859-1?Q?a?= b"), "a b");
  // "é" (C3 A9) split across two words must survive.
  EXPECT_EQ(DecodeHeaderText("=?UTF-8?Q?Ren=C3?= =?UTF-8?Q?=A9e?="), "Renée");
}

TEST(EncodedWord, BadInputBecomesValidUtf8) {
  EXPECT_EQ(DecodeHeaderText("=?no-such-charset?Q?abc?="), "abc");
  EXPECT_EQ(DecodeHeaderText("caf\xE9"), "café");  // raw Windows-1252 / Latin-1
  EXPECT_EQ(DecodeHeaderText(std::string("a\0b\x01"
                                         "c",
                                         5)),
            "abc");
  EXPECT_EQ(DecodeHeaderText("=?UTF-8?B?!!!?="), "=?UTF-8?B?!!!?=");
}

TEST(AddressList, NameAddrQuotedCommentsAndGroups) {
  auto list = ParseAddressList(
      "\"Doe, Jane\" <Jane.Doe@Example.COM>, bob@b.example (Bob Builder), "
      "team: c@c.example, \"d\" <d@d.example>;, undisclosed-recipients:;");
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0], (Mailbox{"Doe, Jane", "Jane.Doe@example.com"}));
  EXPECT_EQ(list[1], (Mailbox{"Bob Builder", "bob@b.example"}));
  EXPECT_EQ(list[2], (Mailbox{"", "c@c.example"}));
  EXPECT_EQ(list[3], (Mailbox{"d", "d@d.example"}));
}

TEST(AddressList, ObsoleteFormsAndEncodedNames) {
  auto list = ParseAddressList(
      "=?UTF-8?Q?Ren=C3=A9e_M=C3=BCller?= <renee@x.example>, <@relay.example:e@e.example>,"
      " Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0], (Mailbox{"Renée Müller", "renee@x.example"}));
  EXPECT_EQ(list[1].address, "e@e.example");
  EXPECT_EQ(list[2], (Mailbox{"Pete", "pete@silly.test"}));
}

TEST(AddressList, NamesWithoutAddressesAreKeptAsNames) {
  auto list = ParseAddressList("Kay Mann, \"Jeff Dasovich\" <>, x@y.example");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0], (Mailbox{"Kay Mann", ""}));
  EXPECT_EQ(list[1], (Mailbox{"Jeff Dasovich", ""}));
  EXPECT_EQ(list[2].address, "x@y.example");
}

TEST(DateTime, RfcAndObsoleteForms) {
  // 2001-05-10 12:50:00 -0700 = 19:50:00 UTC = 989524200.
  auto d = ParseDateTime("Thu, 10 May 2001 12:50:00 -0700 (PDT)");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->utc_seconds, 989524200);
  EXPECT_EQ(d->offset_minutes, -420);
  EXPECT_EQ(ParseDateTime("10 May 01 12:50 PDT")->utc_seconds, 989524200 - 0);
  EXPECT_EQ(ParseDateTime("Thursday, 10 May 2001 19:50:00 GMT")->utc_seconds, 989524200);
  EXPECT_EQ(ParseDateTime("10 May 101 19:50:00 +0000")->utc_seconds, 989524200);  // 3-digit year
  EXPECT_EQ(ParseDateTime("Fri, 23 Aug 2002 2:32:53 -0400")->offset_minutes, -240);
  EXPECT_EQ(ParseDateTime("Thu, 10 May 2001 19:50:00")->offset_minutes, 0);    // no zone
  EXPECT_EQ(ParseDateTime("Thu, 10 May 2001 19:50:00 Q")->offset_minutes, 0);  // military
}

TEST(DateTime, AbsurdDatesAreRejected) {
  EXPECT_FALSE(ParseDateTime("Sat, 24 Dec 0001 22:26:44 -0800"));  // a real Enron header
  EXPECT_FALSE(ParseDateTime("31 Feb 2001 00:00:00 +0000"));
  EXPECT_FALSE(ParseDateTime("1 Jan 2001 24:00:00 +0000"));
  EXPECT_FALSE(ParseDateTime("1 Jan 2001 00:00:00 +9999"));
  EXPECT_FALSE(ParseDateTime("Every Thursday"));
  EXPECT_FALSE(ParseDateTime(""));
  EXPECT_TRUE(ParseDateTime("29 Feb 2000 00:00:00 +0000"));
  EXPECT_FALSE(ParseDateTime("29 Feb 1900 00:00:00 +0000"));
}

TEST(MessageId, BracketsCommentsAndObsoletePhrases) {
  EXPECT_EQ(ParseMessageId(" <abc@x.example> (comment <no@no>)"), "abc@x.example");
  EXPECT_EQ(ParseMessageId("bare-id@x.example"), "bare-id@x.example");
  EXPECT_EQ(ParseMessageId("Your message of Mon, 1 Jan 2001 <orig@x.example>"), "orig@x.example");
  auto refs = ParseMessageIds("<a@x>\r\n <b@x> <c\r\n @x>");
  EXPECT_EQ(refs, (std::vector<std::string>{"a@x", "b@x", "c@x"}));
  EXPECT_TRUE(ParseMessageIds("two words").empty());
}

TEST(MessageParser, ReadsEveryStoredField) {
  std::string msg =
      "Message-ID: <1@x.example>\n"
      "Date: Thu, 10 May 2001 12:50:00 -0700\n"
      "From: Phillip Allen <phillip.allen@enron.com>\n"
      "To: a@a.example,\n b@b.example\n"
      "Cc: c@c.example\nCc: d@d.example\n"
      "Bcc: e@e.example\n"
      "In-Reply-To: <0@x.example>\n"
      "References: <p@x.example> <0@x.example>\n"
      "Subject: =?UTF-8?Q?Caf=C3=A9?=\n"
      "List-Id: Team list <team.lists.example>\n"
      "Precedence: Bulk\n"
      "Auto-Submitted: auto-generated; by=robot\n"
      "\n"
      "From: not a header, a body line\n";
  auto m = ParseMessage(msg);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->message_id, "1@x.example");
  EXPECT_EQ(m->sent.utc_seconds, 989524200);
  EXPECT_EQ(m->from, (Mailbox{"Phillip Allen", "phillip.allen@enron.com"}));
  EXPECT_EQ(m->to.size(), 2u);
  EXPECT_EQ(m->cc.size(), 2u);  // duplicate Cc fields are merged
  EXPECT_EQ(m->bcc.at(0).address, "e@e.example");
  EXPECT_EQ(m->in_reply_to, "0@x.example");
  EXPECT_EQ(m->references, (std::vector<std::string>{"p@x.example", "0@x.example"}));
  EXPECT_EQ(m->subject, "Café");
  EXPECT_EQ(m->bulk.list_id, "team.lists.example");
  EXPECT_EQ(m->bulk.precedence, "bulk");
  EXPECT_EQ(m->bulk.auto_submitted, "auto-generated");
  EXPECT_TRUE(m->bulk.IsBulk());
}

TEST(MessageParser, SenderFallsBackToSenderField) {
  auto m = ParseMessage("Sender: s@x.example\nFrom: Only A Name\nDate: 1 Jan 2020 00:00 +0000\n\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->from.address, "s@x.example");
}

TEST(MessageParser, RejectsWithAFixedReason) {
  EXPECT_EQ(ParseMessage("").status().message(), kRejectNoHeaders);
  EXPECT_EQ(ParseMessage("\x89PNG\r\n\x1a\n").status().message(), kRejectNoHeaders);
  EXPECT_EQ(ParseMessage("To: a@b.example\nDate: 1 Jan 2020 00:00 +0000\n\n").status().message(),
            kRejectNoSender);
  EXPECT_EQ(ParseMessage("From: a@b.example\nDate: Every Thursday\n\n").status().message(),
            kRejectNoDate);
}

TEST(MessageParser, SurvivesAOneMegabyteHeaderLineAndNulBytes) {
  std::string msg =
      "From: a@b.example\nDate: 1 Jan 2020 00:00 +0000\nX-Long: " + std::string(1 << 20, 'x') +
      "\nSubject: nul\0here\n\n";
  msg[msg.size() - 8] = '\0';
  auto m = ParseMessage(msg);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->from.address, "a@b.example");
}

TEST(Fingerprint, SameMessageDifferentCopiesMatch) {
  // The Enron release gives each mailbox copy its own Message-ID; the content is the same.
  std::string a =
      "Message-ID: <1.JavaMail.evans@thyme>\nDate: 1 Jan 2001 10:00:00 -0800\n"
      "From: a@enron.com\nTo: B@Enron.com, c@enron.com\nSubject: Hi\n\n";
  std::string b =
      "Message-ID: <2.JavaMail.evans@thyme>\nDate: 1 Jan 2001 18:00:00 +0000\n"
      "From: A@enron.com\nTo: c@enron.com, b@enron.com\nBcc: z@enron.com\n"
      "Subject: Hi\n\n";
  std::string c =
      "Message-ID: <3@x>\nDate: 1 Jan 2001 10:00:00 -0800\n"
      "From: a@enron.com\nTo: b@enron.com, c@enron.com\nSubject: Re: Hi\n\n";
  EXPECT_EQ(ParseMessage(a)->fingerprint, ParseMessage(b)->fingerprint);
  EXPECT_NE(ParseMessage(a)->fingerprint, ParseMessage(c)->fingerprint);
}

}  // namespace
}  // namespace rapport::ingest
