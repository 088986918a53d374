// Every message of the real corpus (../shared/corpus) is either stored or rejected with a reason;
// hostile and binary files never crash the run or corrupt the store. Skips without ../shared.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "ingest/mail/message_parser.h"
#include "test_support.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

json Ingest(const std::string& db, const std::string& paths, const std::string& extra = "") {
  auto r = RunRapport("--db " + db + " ingest --json " + extra + " " + paths);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.signal, 0);
  return json::parse(r.out, nullptr, false);
}

void ExpectAccountedFor(const json& s) {
  const json& m = s["messages"];
  EXPECT_EQ(m["read"].get<uint64_t>(),
            m["stored"].get<uint64_t>() + m["duplicates"].get<uint64_t>() +
                m["rejected"].get<uint64_t>() + m["dropped_by_consent"].get<uint64_t>());
  const std::set<std::string> reasons = {
      std::string(ingest::kRejectNoHeaders), std::string(ingest::kRejectNoSender),
      std::string(ingest::kRejectNoDate), std::string(ingest::kRejectHugeHeader)};
  for (const auto& [reason, n] : m["rejected_by_reason"].items()) {
    // Graph and PST items carry their format's own reasons, prefixed.
    bool known =
        reasons.count(reason) || reason.rfind("Graph: ", 0) == 0 || reason.rfind("PST: ", 0) == 0;
    EXPECT_TRUE(known) << "unexpected reason: " << reason;
    EXPECT_GT(n.get<uint64_t>(), 0u);
  }
  const json& mt = s["meetings"];
  EXPECT_EQ(mt["read"].get<uint64_t>(), mt["stored"].get<uint64_t>() +
                                            mt["duplicates"].get<uint64_t>() +
                                            mt["dropped_by_consent"].get<uint64_t>());
  uint64_t rejected = 0;
  for (const auto& [reason, n] : mt["rejected_by_reason"].items()) rejected += n.get<uint64_t>();
  EXPECT_EQ(mt["rejected"].get<uint64_t>(), rejected);
}

TEST(Corpus, EnronMailboxesDeduplicatedAcrossCopies) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  TempDir dir;
  std::string db = dir / "enron.db";
  ASSERT_EQ(testing::InitConsented(db, "--tenant Enron --domain enron.com").exit_code, 0);
  json s = Ingest(db, corpus + "/jpvance123_Amdocs_ML_Email_Analytics");
  ExpectAccountedFor(s);
  // SOURCES.md counts 33,609 messages in these mbox files (Python's mailbox.mbox).
  EXPECT_EQ(s["messages"]["read"], 33609);
  // Mailbox copies (all_documents, discussion_threads, sent...) share content, not Message-ID.
  EXPECT_GT(s["messages"]["duplicates"].get<int>(), 5000);
  EXPECT_LT(s["messages"]["rejected"].get<int>(), 50);  // year-0001 dates and the like
  EXPECT_EQ(IntegrityCheck(db), "ok");

  // The original maildir layout: 6 messages, some of them copies of the mbox ones.
  json m = Ingest(db, corpus + "/tequalsme_accumulo-starter");
  EXPECT_EQ(m["messages"]["read"], 6);
  EXPECT_GT(m["messages"]["duplicates"].get<int>(), 0);

  // Re-ingest stores nothing new, even when every file is read again.
  json again = Ingest(db, corpus + "/jpvance123_Amdocs_ML_Email_Analytics", "--rescan");
  EXPECT_EQ(again["messages"]["stored"], 0);
  EXPECT_EQ(again["messages"]["duplicates"].get<uint64_t>(),
            s["messages"]["stored"].get<uint64_t>() + s["messages"]["duplicates"].get<uint64_t>());
}

TEST(Corpus, WholeCorpusIncludingHostileFilesInOneRun) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  TempDir dir;
  std::string db = dir / "all.db";
  ASSERT_EQ(testing::InitConsented(db, "--tenant All --domain enron.com").exit_code, 0);
  json s = Ingest(db, corpus);
  ExpectAccountedFor(s);
  EXPECT_GT(s["messages"]["stored"].get<int>(), 28000);
  // Calendars, Graph exports and PSTs are read; Outlook .msg files are reported, not misread.
  EXPECT_GT(s["meetings"]["stored"].get<int>(), 1000);
  EXPECT_GT(s["removed"]["not_stored"].get<int>() + s["removed"]["deleted"].get<int>(), 0);
  const json& skipped = s["files"]["skipped"];
  EXPECT_TRUE(skipped.contains("Outlook .msg file (not read: save it as .eml or in a PST)"))
      << skipped;
  EXPECT_EQ(IntegrityCheck(db), "ok");
  // A PST item's provenance names its folder inside the file.
  EXPECT_NE(DumpStore(db).find("Outlook.pst#/Top of Personal Folders/Inbox|pst|"),
            std::string::npos);

  auto stats = RunRapport("--db " + db + " stats --json");
  ASSERT_EQ(stats.exit_code, 0);
  EXPECT_EQ(json::parse(stats.out)["messages"], s["messages"]["stored"]);
}

TEST(Corpus, AdversarialMboxFromLineIsOneMessage) {
  RAPPORT_REQUIRE_CORPUS(corpus);
  TempDir dir;
  std::string db = dir / "py.db";
  ASSERT_EQ(testing::InitConsented(db, "--tenant P --domain python.example").exit_code, 0);
  // One message whose body has an unquoted "From " line; naive parsers see two.
  json s = Ingest(db, corpus + "/python_cpython/Lib/test/test_email/data/mailbox_01.mbox");
  EXPECT_EQ(s["messages"]["read"], 1);
}

}  // namespace
}  // namespace rapport::testing
