// ReadOutlookPst against the real PST files of ../shared/corpus (values read by hand with
// pffexport/pffinfo from pff-tools), and against damaged copies of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <set>

#include "ingest/mail/message_parser.h"
#include "ingest/pst/outlook_pst.h"
#include "ingest/pst/outlook_pst_internal.h"
#include "test_support.h"

namespace rapport::ingest {
namespace {

namespace fs = std::filesystem;
using rapport::testing::TempDir;

const std::string kCorpus = RAPPORT_SHARED_DIR "/corpus";
const std::string kAsposeData = kCorpus + "/aspose-email_Aspose.Email-for-.NET/Examples/Data";
const std::string kPstDir = kAsposeData + "/Outlook";

#define SKIP_WITHOUT_CORPUS() \
  if (!fs::is_directory(kCorpus)) GTEST_SKIP() << "../shared/corpus not found: " << kCorpus

struct ReadResult {
  Status status;
  std::vector<PstItem> items;
  std::vector<std::string> rejects;

  std::vector<const PstItem*> Mail(std::string_view folder = "") const {
    std::vector<const PstItem*> out;
    for (const auto& i : items) {
      if (!i.is_meeting && (folder.empty() || i.folder_path == folder)) out.push_back(&i);
    }
    return out;
  }
  std::vector<const PstItem*> Meetings() const {
    std::vector<const PstItem*> out;
    for (const auto& i : items) {
      if (i.is_meeting) out.push_back(&i);
    }
    return out;
  }
  const PstItem* MailBySubject(std::string_view folder, std::string_view subject) const {
    for (const PstItem* i : Mail(folder)) {
      if (i->message.subject == subject) return i;
    }
    return nullptr;
  }
};

ReadResult Read(const std::string& path) {
  ReadResult r;
  ExpansionWindow window{0, 4102444800};  // 1970 .. 2100
  r.status = ReadOutlookPst(
      path, window, [&](PstItem&& item) { r.items.push_back(std::move(item)); },
      [&](std::string_view reason) { r.rejects.emplace_back(reason); });
  return r;
}

bool IsKnownReason(std::string_view r) {
  return r == kRejectNoSender || r == kRejectNoDate || r == kRejectEventNoStart ||
         r == kRejectEventBadEnd || r == kRejectPstItemUnreadable;
}

// What every produced item must satisfy, whatever the file.
void ExpectWellFormed(const ReadResult& r) {
  for (const auto& item : r.items) {
    if (item.is_meeting) {
      ASSERT_FALSE(item.meeting.empty());
      for (const auto& m : item.meeting) {
        EXPECT_FALSE(m.uid.empty());
        EXPECT_GE(m.end.utc_seconds, m.start.utc_seconds);
      }
    } else {
      EXPECT_FALSE(item.message.from.address.empty());
    }
  }
  for (const auto& reason : r.rejects) EXPECT_TRUE(IsKnownReason(reason)) << reason;
}

TEST(OutlookPst, FileTimeToUnix) {
  EXPECT_EQ(pst::FileTimeToUnix(116444736000000000ull), 0);  // 1970-01-01T00:00:00Z
  // 2011-06-21T23:46:39.156Z (Sent Items "message 1"): sub-second ticks are dropped.
  EXPECT_EQ(pst::FileTimeToUnix(129531735991560000ull), 1308699999);
  EXPECT_EQ(pst::FileTimeToUnix(0), std::nullopt);
  EXPECT_EQ(pst::FileTimeToUnix(0x0CB34557A3DD4000ull), std::nullopt);  // 4501-01-01: "none"
}

TEST(OutlookPst, OutlookPstMailFromTransportHeaders) {
  SKIP_WITHOUT_CORPUS();
  ReadResult r = Read(kPstDir + "/Outlook.pst");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ExpectWellFormed(r);
  EXPECT_TRUE(r.rejects.empty());
  // pffexport: 8 messages in Inbox, 6 in Sent Items, 1 appointment, 1 contact (not counted).
  EXPECT_EQ(r.Mail().size(), 14u);
  EXPECT_EQ(r.Mail("/Top of Personal Folders/Inbox").size(), 8u);
  EXPECT_EQ(r.Mail("/Top of Personal Folders/Sent Items").size(), 6u);

  const PstItem* m = r.MailBySubject("/Top of Personal Folders/Inbox", "message 1");
  ASSERT_NE(m, nullptr);
  // Date: Wed, 22 Jun 2011 04:46:39 +0500 = 2011-06-21T23:46:39Z = 1308699999.
  EXPECT_EQ(m->message.sent.utc_seconds, 1308699999);
  EXPECT_EQ(m->message.sent.offset_minutes, 300);
  EXPECT_EQ(m->message.from.address, "saqib.razzaq@xp.local");
  EXPECT_EQ(m->message.from.name, "Saqib Razzaq");
  ASSERT_EQ(m->message.to.size(), 1u);
  EXPECT_EQ(m->message.to[0].address, "saqib.razzaq@xp.local");
  EXPECT_TRUE(m->message.cc.empty());
  EXPECT_EQ(m->message.message_id, "000001cc306d$76f41d20$64dc5760$@razzaq@xp.local");
}

TEST(OutlookPst, SentItemsFromMapiMatchTheReceivedCopy) {
  SKIP_WITHOUT_CORPUS();
  ReadResult r = Read(kPstDir + "/Outlook.pst");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  const PstItem* sent = r.MailBySubject("/Top of Personal Folders/Sent Items", "message 1");
  const PstItem* received = r.MailBySubject("/Top of Personal Folders/Inbox", "message 1");
  ASSERT_NE(sent, nullptr);
  ASSERT_NE(received, nullptr);
  // No transport headers in Sent Items: PR_CLIENT_SUBMIT_TIME 2011-06-21 23:46:39.156 UTC.
  EXPECT_EQ(sent->message.sent.utc_seconds, 1308699999);
  EXPECT_EQ(sent->message.sent.offset_minutes, 0);
  EXPECT_EQ(sent->message.from.address, "saqib.razzaq@xp.local");
  ASSERT_EQ(sent->message.to.size(), 1u);  // recipient table: one MAPI_TO row
  EXPECT_EQ(sent->message.to[0].address, "saqib.razzaq@xp.local");
  EXPECT_TRUE(sent->message.message_id.empty());
  // The same message seen from both ends has one fingerprint.
  EXPECT_EQ(sent->message.fingerprint, received->message.fingerprint);
}

TEST(OutlookPst, HeadersWithoutDateFallBackToMapi) {
  SKIP_WITHOUT_CORPUS();
  ReadResult r = Read(kPstDir + "/Outlook.pst");
  const PstItem* m =
      r.MailBySubject("/Top of Personal Folders/Inbox", "Microsoft Office Outlook Test Message");
  ASSERT_NE(m, nullptr);
  // Its transport headers have no Date:; PR_MESSAGE_DELIVERY_TIME 2011-06-21 23:44:21 UTC.
  EXPECT_EQ(m->message.sent.utc_seconds, 1308699861);
  EXPECT_EQ(m->message.from.address, "saqib.razzaq@xp.local");
  EXPECT_EQ(m->message.from.name, "Microsoft Office Outlook");
  EXPECT_EQ(m->message.message_id, "C7B63379-9BBD-4164-AC1C-5CF39ACAA682@XP");
}

TEST(OutlookPst, CalendarAppointment) {
  SKIP_WITHOUT_CORPUS();
  for (const char* file : {"/Outlook.pst", "/Outlook_1.pst"}) {
    ReadResult r = Read(kPstDir + file);
    ASSERT_TRUE(r.status.ok()) << r.status.message();
    auto meetings = r.Meetings();
    ASSERT_EQ(meetings.size(), 1u) << file;
    const PstItem& item = *meetings[0];
    EXPECT_EQ(item.folder_path, "/Top of Personal Folders/Calendar");
    ASSERT_EQ(item.meeting.size(), 1u);
    const model::MeetingMeta& m = item.meeting[0];
    // "Weekly meeting", Room 5: PidLidAppointmentStartWhole 2011-06-22 05:30:00 UTC =
    // 1308720600, EndWhole 06:00:00 UTC = 1308722400 (30 minutes).
    EXPECT_EQ(m.start.utc_seconds, 1308720600);
    EXPECT_EQ(m.end.utc_seconds, 1308722400);
    EXPECT_EQ(m.occurrence_start, 1308720600);
    EXPECT_EQ(m.organizer.address, "saqib.razzaq@xp.local");
    EXPECT_EQ(m.organizer.name, "Saqib Razzaq");
    EXPECT_FALSE(m.all_day);
    EXPECT_FALSE(m.cancelled);
    EXPECT_TRUE(m.attendees.empty());  // no recipient table: nobody was invited
    EXPECT_EQ(m.method, model::MeetingMethod::kPublish);
    // The hex of PidLidCleanGlobalObjectId, which starts with Outlook's class id.
    EXPECT_EQ(m.uid.rfind("040000008200E00074C5B7101A82E008", 0), 0u) << m.uid;
    EXPECT_EQ(m.uid.size(), 2u * (40 + 16)) << m.uid;  // 40-byte header + 16 bytes of data
  }
}

TEST(OutlookPst, IndicesAreStable) {
  SKIP_WITHOUT_CORPUS();
  ReadResult a = Read(kPstDir + "/Outlook.pst");
  ReadResult b = Read(kPstDir + "/Outlook.pst");
  ASSERT_EQ(a.items.size(), b.items.size());
  std::set<uint64_t> seen;
  for (size_t i = 0; i < a.items.size(); ++i) {
    EXPECT_EQ(a.items[i].index, b.items[i].index);
    EXPECT_EQ(a.items[i].message.fingerprint, b.items[i].message.fingerprint);
    EXPECT_TRUE(seen.insert(a.items[i].index).second);
  }
}

TEST(OutlookPst, PasswordProtectedPstIsRead) {
  SKIP_WITHOUT_CORPUS();
  ReadResult r = Read(kPstDir + "/passwordprotectedPST.pst");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  ExpectWellFormed(r);
  // 14 messages in Deleted Items, 4 in Inbox of which 2 have no date anywhere (no Date:, no
  // submit or delivery time).
  EXPECT_EQ(r.Mail("/Top of Personal Folders/Deleted Items").size(), 14u);
  EXPECT_EQ(r.Mail("/Top of Personal Folders/Inbox").size(), 2u);
  EXPECT_EQ(r.rejects, std::vector<std::string>(2, std::string(kRejectNoDate)));

  const PstItem* m =
      r.MailBySubject("/Top of Personal Folders/Inbox", "test mail(Aspose.Email Evaluation)");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->message.from.address, "sender@sender.com");
  EXPECT_EQ(m->message.sent.utc_seconds, 1141603200);  // Date: 6 Mar 2006 00:00:00 +0000
  ASSERT_EQ(m->message.to.size(), 1u);
  EXPECT_EQ(m->message.to[0].address, "receiver1@receiver.com");
  ASSERT_EQ(m->message.cc.size(), 1u);
  EXPECT_EQ(m->message.cc[0].address, "receiver2@receiver.com");
  ASSERT_EQ(m->message.bcc.size(), 1u);
  EXPECT_EQ(m->message.bcc[0].address, "receiver3@receiver.com");

  const PstItem* re =
      r.MailBySubject("/Top of Personal Folders/Deleted Items", "RE: 1: Test3=>Test4");
  ASSERT_NE(re, nullptr);
  EXPECT_EQ(re->message.from.address, "asposeemail.test3@aspose.com");
  EXPECT_EQ(re->message.from.name, "asposeemail test3");
  EXPECT_EQ(re->message.sent.utc_seconds, 1483581508);  // Thu, 5 Jan 2017 01:58:28 +0000
  EXPECT_EQ(re->message.message_id, "DA36C601904DEB4A9AF4616D0666525E0EEE70F5@exchange.aspose.com");
}

TEST(OutlookPst, EmptyPstGivesNothing) {
  SKIP_WITHOUT_CORPUS();
  // Only empty folders (Inbox, Deleted Items) in both.
  for (const char* file : {"/PersonalStorage.pst", "/destination.pst"}) {
    ReadResult r = Read(kPstDir + file);
    EXPECT_TRUE(r.status.ok()) << file << ": " << r.status.message();
    EXPECT_TRUE(r.items.empty()) << file;
    EXPECT_TRUE(r.rejects.empty()) << file;
  }
}

TEST(OutlookPst, NotAPst) {
  TempDir dir;
  rapport::testing::WriteFile(dir / "notes.pst", "From: a@b.example\nSubject: not a PST\n\n");
  rapport::testing::WriteFile(dir / "empty.pst", "");
  rapport::testing::WriteFile(dir / "magic-only.pst", std::string("!BDN") + std::string(16, '\0'));
  for (const char* name : {"notes.pst", "empty.pst", "magic-only.pst"}) {
    ReadResult r = Read(dir / name);
    EXPECT_EQ(r.status.code(), Status::Code::kCorruption) << name;
    EXPECT_EQ(r.status.message(), kRejectPstCorrupt) << name;
    EXPECT_TRUE(r.items.empty());
  }
  ReadResult missing = Read(dir / "missing.pst");
  EXPECT_EQ(missing.status.code(), Status::Code::kIoError);
  EXPECT_EQ(Read(dir.path().string()).status.code(), Status::Code::kIoError);  // a directory
}

TEST(OutlookPst, MsgFilesAreNotPsts) {
  SKIP_WITHOUT_CORPUS();
  int seen = 0;
  for (const auto& e : fs::recursive_directory_iterator(kAsposeData)) {
    std::string ext = e.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    if (!e.is_regular_file() || ext != ".msg") continue;
    ++seen;
    ReadResult r = Read(e.path().string());
    EXPECT_EQ(r.status.message(), kRejectPstCorrupt) << e.path();
    EXPECT_TRUE(r.items.empty());
  }
  EXPECT_GT(seen, 10);
}

TEST(OutlookPst, EveryPstInTheCorpusIsReadOrRejected) {
  SKIP_WITHOUT_CORPUS();
  int seen = 0;
  for (const auto& e : fs::recursive_directory_iterator(kCorpus)) {
    std::string ext = e.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
    if (!e.is_regular_file() || (ext != ".pst" && ext != ".ost")) continue;
    ++seen;
    ReadResult r = Read(e.path().string());
    if (!r.status.ok()) {
      EXPECT_FALSE(r.status.message().empty()) << e.path();
      continue;
    }
    ExpectWellFormed(r);
  }
  EXPECT_GE(seen, 5);
}

// Damaged copies of a real file: each is read or refused, never a crash or a leak (run under
// ASan/LeakSanitizer), and whatever comes out is well formed.
TEST(OutlookPst, DamagedCopies) {
  SKIP_WITHOUT_CORPUS();
  const std::string original = rapport::testing::ReadFile(kPstDir + "/Outlook.pst");
  ASSERT_GT(original.size(), 1u << 20);
  TempDir dir;
  std::vector<std::pair<std::string, std::string>> variants;
  variants.emplace_back("truncated-half", original.substr(0, original.size() / 2));
  variants.emplace_back("truncated-4k", original.substr(0, 4096));
  variants.emplace_back("header-only", original.substr(0, 512));
  std::string middle = original;
  std::fill_n(middle.begin() + middle.size() / 2, 64 * 1024, '\xff');
  variants.emplace_back("middle-overwritten", middle);
  std::string zeroed = original;
  for (size_t at = 8192; at + 512 < zeroed.size(); at += 64 * 1024) {
    std::fill_n(zeroed.begin() + at, 512, '\0');
  }
  variants.emplace_back("blocks-zeroed", zeroed);
  std::mt19937 rng(20240601);
  for (int v = 0; v < 12; ++v) {
    std::string flipped = original;
    std::uniform_int_distribution<size_t> pos(512, flipped.size() - 1);
    for (int k = 0; k < 200; ++k) flipped[pos(rng)] ^= static_cast<char>(1 + rng() % 255);
    variants.emplace_back("flipped-" + std::to_string(v), flipped);
  }
  for (const auto& [name, bytes] : variants) {
    SCOPED_TRACE(name);
    rapport::testing::WriteFile(dir / (name + ".pst"), bytes);
    ReadResult r = Read(dir / (name + ".pst"));
    if (!r.status.ok()) {
      EXPECT_EQ(r.status.message(), kRejectPstCorrupt);
      continue;
    }
    ExpectWellFormed(r);
    EXPECT_LE(r.items.size(), 15u);  // never more than the original holds
  }
}

}  // namespace
}  // namespace rapport::ingest
