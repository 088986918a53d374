// The SQLite store through its interface: schema versions, tenant, de-duplication, provenance.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <thread>

#include "ingest/mail/message_parser.h"
#include "rapport/store/store.h"
#include "schema_undo.h"
#include "store/sqlite/db.h"
#include "store/sqlite/schema.h"
#include "test_support.h"

namespace rapport::store {
namespace {

using rapport::testing::TempDir;

model::MessageMeta Meta(const std::string& raw) {
  auto m = ingest::ParseMessage(raw);
  EXPECT_TRUE(m.ok()) << m.status().message();
  return *m;
}

TEST(SqliteStore, NewStoreIsMigratedToTheLatestVersionInWalMode) {
  TempDir dir;
  auto store = CreateSqliteStore(dir / "s.db");
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto db = SqliteDb::Open(dir / "s.db");
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*db->QueryInt("PRAGMA user_version"), LatestSchemaVersion());
  auto mode = db->Prepare("PRAGMA journal_mode");
  Status st;
  ASSERT_TRUE(mode->Step(st));
  EXPECT_EQ(mode->ColumnText(0), "wal");
  // Reopening an up-to-date store changes nothing.
  EXPECT_TRUE(OpenSqliteStore(dir / "s.db").ok());
}

// A store holds the organisation's metadata: readable by its owner only, whatever the umask,
// and so are the write-ahead log and its index beside it.
TEST(SqliteStore, ANewStoreIsItsOwnersOnly) {
  TempDir dir;
  const mode_t before = ::umask(022);
  auto store = CreateSqliteStore(dir / "s.db");
  ::umask(before);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE((*store)->InitTenant({"T", {"t.example"}, 0, false}).ok());
  for (const char* name : {"s.db", "s.db-wal", "s.db-shm"}) {
    struct stat info {};
    ASSERT_EQ(::stat((dir / name).c_str(), &info), 0) << name;
    EXPECT_EQ(info.st_mode & 0777, 0600u) << name;
  }
}

// An upgrade: a store of every earlier schema version, holding its tenant, opens with
// this rapport, migrated forward, after keeping the store as it was beside it (PATH.vN.bak).
TEST(SqliteStore, AStoreFromEveryEarlierVersionOpensAfterItIsKept) {
  for (int version = 1; version < LatestSchemaVersion(); ++version) {
    SCOPED_TRACE("schema version " + std::to_string(version));
    TempDir dir;
    const std::string path = dir / "s.db";
    {
      auto db = SqliteDb::Open(path);
      ASSERT_TRUE(db.ok());
      ASSERT_TRUE(MigrateSchema(*db, version).ok());
      ASSERT_TRUE(db->Exec("INSERT INTO tenant (id, name, created_at) VALUES (1, 'T', 0); "
                           "INSERT INTO tenant_domain VALUES (1, 'northwind.example')")
                      .ok());
      ASSERT_EQ(*db->QueryInt("PRAGMA user_version"), version);
    }
    auto store = OpenSqliteStore(path);
    ASSERT_TRUE(store.ok()) << store.status().message();
    auto stats = (*store)->Stats();
    ASSERT_TRUE(stats.ok()) << stats.status().message();
    auto tenant = (*store)->Tenant();
    ASSERT_TRUE(tenant.ok()) << tenant.status().message();
    EXPECT_EQ(tenant->name, "T");
    store->reset();
    auto migrated = SqliteDb::Open(path);
    EXPECT_EQ(*migrated->QueryInt("PRAGMA user_version"), LatestSchemaVersion());
    auto kept =
        SqliteDb::Open(path + ".v" + std::to_string(version) + ".bak", SqliteDb::Mode::kReadOnly);
    ASSERT_TRUE(kept.ok()) << kept.status().message();
    EXPECT_EQ(*kept->QueryInt("PRAGMA user_version"), version);
    EXPECT_EQ(*kept->QueryInt("SELECT count(*) FROM tenant"), 1);
  }
}

// After a package upgrade serve and sync start together: both open the old store at once, one
// migrates it, the other waits and finds it migrated (it must not run a migration twice).
TEST(SqliteStore, ProcessesOpeningAnOldStoreAtOnceMigrateItOnce) {
  TempDir dir;
  const std::string path = dir / "s.db";
  {
    auto db = SqliteDb::Open(path);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("PRAGMA journal_mode = WAL").ok());  // as every rapport left its store
    ASSERT_TRUE(MigrateSchema(*db, 1).ok());
    ASSERT_TRUE(db->Exec("INSERT INTO tenant (id, name, created_at) VALUES (1, 'T', 0); "
                         "INSERT INTO tenant_domain VALUES (1, 'northwind.example')")
                    .ok());
  }
  std::vector<std::thread> openers;
  std::vector<Status> opened(4);
  for (size_t i = 0; i < opened.size(); ++i) {
    openers.emplace_back([&, i] { opened[i] = OpenSqliteStore(path).status(); });
  }
  for (auto& t : openers) t.join();
  for (const Status& st : opened) EXPECT_TRUE(st.ok()) << st.message();
  auto db = SqliteDb::Open(path);
  EXPECT_EQ(*db->QueryInt("PRAGMA user_version"), LatestSchemaVersion());
  EXPECT_EQ(*db->QueryInt("SELECT count(*) FROM tenant"), 1);
}

TEST(SqliteStore, RefusesAStoreFromANewerRapport) {
  TempDir dir;
  { ASSERT_TRUE(CreateSqliteStore(dir / "s.db").ok()); }
  {
    auto db = SqliteDb::Open(dir / "s.db");
    ASSERT_TRUE(db->Exec("PRAGMA user_version = 999").ok());
  }
  auto store = OpenSqliteStore(dir / "s.db");
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("upgrade rapport"), std::string::npos);
}

TEST(SqliteStore, TenantIsRequiredAndUnique) {
  TempDir dir;
  auto store = CreateSqliteStore(dir / "s.db");
  EXPECT_EQ((*store)->Tenant().status().code(), Status::Code::kFailedPrecondition);
  EXPECT_FALSE((*store)->OpenMessageWriter(10).ok());
  ASSERT_TRUE((*store)->InitTenant({"T", {"t.example"}, 30, false}).ok());
  auto t = (*store)->Tenant();
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->name, "T");
  EXPECT_EQ(t->domains, std::vector<std::string>{"t.example"});
  EXPECT_EQ(t->retention_days, 30);
  EXPECT_FALSE((*store)->InitTenant({"U", {"u.example"}, 0, false}).ok());
}

TEST(SqliteStore, DuplicatesKeepEveryCopysProvenanceAndBcc) {
  TempDir dir;
  auto store = CreateSqliteStore(dir / "s.db");
  ASSERT_TRUE((*store)->InitTenant({"T", {"t.example"}, 0, false}).ok());
  auto writer = (*store)->OpenMessageWriter(2);
  ASSERT_TRUE(writer.ok());
  std::string base =
      "Date: 1 Jan 2026 10:00:00 +0000\nFrom: a@t.example\nTo: b@mail.t.example, "
      "c@other.example\nSubject: x\n";
  auto inbox = Meta("Message-ID: <1@x>\n" + base + "\n");
  auto sent = Meta("Message-ID: <2@x>\nBcc: d@t.example\n" + base + "\n");
  auto w = writer->get();
  EXPECT_EQ(*w->Add(inbox, {"maildir", "/m/inbox/1", 0, {}}), ingest::SinkOutcome::kStored);
  EXPECT_EQ(*w->Add(inbox, {"maildir", "/m/inbox/1", 0, {}}), ingest::SinkOutcome::kDuplicate);
  EXPECT_EQ(*w->Add(sent, {"mbox", "/m/sent", 0, {}}), ingest::SinkOutcome::kDuplicate);
  ASSERT_TRUE(w->Commit().ok());

  auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->messages, 1u);
  EXPECT_EQ(stats->message_sources, 2u);
  // a, b (subdomain of t.example), d are internal; c is not.
  EXPECT_EQ(stats->people_internal, 3u);
  EXPECT_EQ(stats->people_external, 1u);
  EXPECT_EQ(*stats->first_sent, 1767261600);

  std::string dump = rapport::testing::DumpStore(dir / "s.db");
  // The sent copy's Message-ID is an alias of message 1; d, known only from that copy, is its
  // Bcc (role 3).
  EXPECT_NE(dump.find("--\n1|2@x|1|\n--"), std::string::npos) << dump;
  EXPECT_NE(dump.find("\n1|3|4|1767261600|\n"), std::string::npos) << dump;
  EXPECT_NE(dump.find("\n1|1|/m/inbox/1|maildir|NULL|NULL|0|\n2|1|/m/sent|mbox|NULL|NULL|0|\n"),
            std::string::npos)
      << dump;
  EXPECT_NE(dump.find("--\n1|2|0|\n--"), std::string::npos) << dump;  // the second copy
}

// Participant rows are kept back until the commit (to be written in the index's order): a
// message removed at its source in the same transaction must take them with it, or they would
// be written for a message that is gone, and then belong to the next one to get its id.
TEST(SqliteStore, AMessageRemovedInTheBatchThatStoredItLeavesNoParticipants) {
  TempDir dir;
  auto store = CreateSqliteStore(dir / "s.db");
  ASSERT_TRUE((*store)->InitTenant({"T", {"t.example"}, 0, false}).ok());
  auto writer = (*store)->OpenMessageWriter(100);
  ASSERT_TRUE(writer.ok());
  auto gone = Meta(
      "Message-ID: <gone@x>\nDate: 1 Jan 2026 10:00:00 +0000\nFrom: a@t.example\n"
      "To: b@other.example, c@other.example\n\n");
  auto kept = Meta(
      "Message-ID: <kept@x>\nDate: 2 Jan 2026 10:00:00 +0000\nFrom: a@t.example\n"
      "To: d@other.example\n\n");
  ingest::Provenance where{"imap", "imap://a@h/INBOX", 7, {}};
  where.live = true;
  auto w = writer->get();
  EXPECT_EQ(*w->Add(gone, where), ingest::SinkOutcome::kStored);
  auto removed = w->RemoveItem("imap://a@h/INBOX", 7);
  ASSERT_TRUE(removed.ok()) << removed.status().message();
  EXPECT_TRUE(*removed);
  where.offset = 8;
  EXPECT_EQ(*w->Add(kept, where), ingest::SinkOutcome::kStored);
  ASSERT_TRUE(w->Commit().ok());

  auto db = SqliteDb::Open(dir / "s.db");
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(*db->QueryInt("SELECT count(*) FROM message"), 1);
  EXPECT_EQ(*db->QueryInt("SELECT count(*) FROM participant WHERE message NOT IN "
                          "(SELECT id FROM message)"),
            0);
  // The message kept has its sender and its one recipient, and nobody of the one removed.
  EXPECT_EQ(*db->QueryInt("SELECT count(*) FROM participant"), 2);
}

TEST(SqliteStore, UncommittedBatchIsRolledBackWithTheWriter) {
  TempDir dir;
  auto store = CreateSqliteStore(dir / "s.db");
  ASSERT_TRUE((*store)->InitTenant({"T", {"t.example"}, 0, false}).ok());
  {
    auto writer = (*store)->OpenMessageWriter(100);
    auto m = Meta("Date: 1 Jan 2026 10:00:00 +0000\nFrom: a@t.example\n\n");
    EXPECT_EQ(*(*writer)->Add(m, {"eml", "/x", 0, {}}), ingest::SinkOutcome::kStored);
  }  // destroyed without Commit: nothing half-written
  EXPECT_EQ((*store)->Stats()->messages, 0u);
}

// Migration 20 undone: the columns get back the names PostgreSQL reserves.
constexpr const char* kUndoColumnRenames =
    "ALTER TABLE directory_address RENAME COLUMN directory_user TO user; "
    "ALTER TABLE group_member RENAME COLUMN member TO user; "
    "ALTER TABLE access_token RENAME COLUMN owner TO user; "
    "ALTER TABLE message_copy RENAME COLUMN source_offset TO offset; "
    "ALTER TABLE meeting_copy RENAME COLUMN source_offset TO offset; "
    "ALTER TABLE mailbox_item RENAME COLUMN source_offset TO offset; "
    "ALTER TABLE calendar_item RENAME COLUMN source_offset TO offset";

// Migration 17's objects, its triggers first (they belong to the tables they watch).
constexpr const char* kDropTieIndex =
    "DROP TRIGGER tie_message_out; DROP TRIGGER tie_participant_late; DROP TRIGGER "
    "tie_participant_out; DROP TRIGGER tie_message_changed; DROP TRIGGER tie_attendee_in; DROP "
    "TRIGGER tie_attendee_out; DROP TRIGGER tie_attendee_changed; DROP TRIGGER tie_meeting_in; "
    "DROP TRIGGER tie_meeting_out; DROP TRIGGER tie_meeting_changed; DROP TRIGGER "
    "tie_address_changed; DROP TRIGGER tie_address_added; DROP TRIGGER tie_address_out; DROP "
    "TRIGGER tie_person_changed; DROP TRIGGER tie_person_out; DROP TABLE tie; DROP TABLE "
    "tie_stale; DROP TABLE tie_watermark; DROP TABLE tie_pending";

// Migrations 23 and 24 undone.
constexpr const char* kUndoParticipantTimes =
    "DROP INDEX tie_colleague; DROP TRIGGER participant_sent_at; DROP INDEX participant_address; "
    "ALTER TABLE participant DROP COLUMN sent_at; "
    "CREATE INDEX participant_address ON participant (address)";

// A Bcc seen only in a later copy of a message the tie index already covers changes that
// message's ties: the writer marks everyone in it stale (a trigger did until migration 27). The
// same copy read again adds no row and marks nobody; new mail marks nobody either.
TEST(SqliteStore, ABccAddedToAnIndexedMessageMarksItsPeopleOnce) {
  TempDir dir;
  auto store = CreateSqliteStore(dir / "s.db");
  ASSERT_TRUE((*store)->InitTenant({"T", {"t.example"}, 0, false}).ok());
  const std::string base =
      "Date: 1 Jan 2026 10:00:00 +0000\nFrom: a@t.example\nTo: b@other.example\nSubject: x\n";
  auto add = [&](const std::string& raw, const std::string& where) {
    auto writer = (*store)->OpenMessageWriter(10);
    auto outcome = (*writer)->Add(Meta(raw), {"eml", where, 0, {}});
    EXPECT_TRUE((*writer)->Commit().ok());
    return *outcome;
  };
  auto db = SqliteDb::Open(dir / "s.db");
  auto marked = [&] {
    auto people = db->QueryInt(
        "SELECT count(*) FROM tie_stale s JOIN address a ON a.person_id = s.person "
        "WHERE a.address IN ('a@t.example', 'b@other.example', 'c@t.example')");
    EXPECT_TRUE(db->Exec("DELETE FROM tie_stale; DELETE FROM tie_pending").ok());
    return *people;
  };
  EXPECT_EQ(add("Message-ID: <1@x>\n" + base + "\n", "/1"), ingest::SinkOutcome::kStored);
  ASSERT_TRUE(db->Exec("UPDATE tie_watermark SET message = (SELECT max(id) FROM message)").ok());
  marked();
  EXPECT_EQ(add("Message-ID: <2@x>\nBcc: c@t.example\n" + base + "\n", "/2"),
            ingest::SinkOutcome::kDuplicate);
  EXPECT_EQ(marked(), 3);  // a, b and the new c
  EXPECT_EQ(add("Message-ID: <2@x>\nBcc: c@t.example\n" + base + "\n", "/3"),
            ingest::SinkOutcome::kDuplicate);
  EXPECT_EQ(marked(), 0);
  EXPECT_EQ(add("Message-ID: <4@x>\nDate: 2 Jan 2026 10:00:00 +0000\nFrom: a@t.example\n"
                "To: b@other.example\n\n",
                "/4"),
            ingest::SinkOutcome::kStored);
  EXPECT_EQ(marked(), 0);
}

// Migration 26 rebuilds `message` with its content key led by time: every message, participant
// and trigger survives, and the rebuilt keys still recognise a copy, with a Message-ID or without.
TEST(SqliteStore, MessagesKeyedByTimeAreKeptAndStillRecognisedAfterTheUpgrade) {
  TempDir dir;
  const std::string with_id =
      "Message-ID: <1@t.example>\nDate: 1 Jan 2026 10:00:00 +0000\nFrom: a@t.example\n"
      "To: b@fabrikam.com\n\n";
  const std::string without_id =
      "Date: 2 Jan 2026 10:00:00 +0000\nFrom: b@fabrikam.com\nTo: a@t.example\n\n";
  {
    auto store = CreateSqliteStore(dir / "s.db");
    ASSERT_TRUE((*store)->InitTenant({"T", {"t.example"}, 0, false}).ok());
    auto writer = (*store)->OpenMessageWriter(10);
    ASSERT_TRUE((*writer)->Add(Meta(with_id), {"eml", "/1", 0, {}}).ok());
    ASSERT_TRUE((*writer)->Add(Meta(without_id), {"eml", "/2", 0, {}}).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  {
    auto db = SqliteDb::Open(dir / "s.db");
    ASSERT_TRUE(db->Exec(rapport::testing::kUndoWriterMarksLateParticipants).ok());
    ASSERT_TRUE(db->Exec(rapport::testing::kUndoMessageKeyedByTime).ok());
    ASSERT_TRUE(db->Exec("PRAGMA user_version = 25").ok());
  }
  auto store = OpenSqliteStore(dir / "s.db");
  ASSERT_TRUE(store.ok()) << store.status().message();
  EXPECT_EQ((*store)->Stats()->messages, 2u);
  {
    auto db = SqliteDb::Open(dir / "s.db", SqliteDb::Mode::kReadOnly);
    EXPECT_EQ(*db->QueryInt("SELECT count(*) FROM participant"), 4);
    EXPECT_EQ(*db->QueryInt("SELECT count(*) FROM sqlite_master WHERE name IN "
                            "('message_sent', 'message_message_id', 'message_content', "
                            "'tie_message_out', 'tie_message_changed', 'participant_sent_at')"),
              5);
  }
  auto writer = (*store)->OpenMessageWriter(10);
  EXPECT_EQ(*(*writer)->Add(Meta(with_id), {"eml", "/1b", 0, {}}), ingest::SinkOutcome::kDuplicate);
  EXPECT_EQ(*(*writer)->Add(Meta(without_id), {"eml", "/2b", 0, {}}),
            ingest::SinkOutcome::kDuplicate);
  // The same headers an hour later are another message.
  std::string later = without_id;
  later.replace(later.find("10:00"), 5, "11:00");
  EXPECT_EQ(*(*writer)->Add(Meta(later), {"eml", "/3", 0, {}}), ingest::SinkOutcome::kStored);
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_EQ((*store)->Stats()->messages, 3u);
}

TEST(SqliteStore, AStoreFromBeforeAccountsGetsThemWhenOpened) {
  TempDir dir;
  {
    auto store = CreateSqliteStore(dir / "s.db");
    ASSERT_TRUE((*store)->InitTenant({"T", {"t.example"}, 0, false}).ok());
    auto writer = (*store)->OpenMessageWriter(10);
    auto m = Meta(
        "Date: 1 Jan 2026 10:00:00 +0000\nFrom: a@t.example\n"
        "To: bob@mail.fabrikam.com, dan@gmail.com\n\n");
    ASSERT_TRUE((*writer)->Add(m, {"eml", "/x", 0, {}}).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }
  {  // Take the store back to schema version 2, as an older rapport left it.
    auto db = SqliteDb::Open(dir / "s.db");
    for (const char* sql : {rapport::testing::kUndoWriterMarksLateParticipants,
                            rapport::testing::kUndoMessageKeyedByTime,
                            kUndoParticipantTimes,
                            kUndoColumnRenames,
                            kDropTieIndex,
                            "DROP INDEX message_sent",
                            "DROP INDEX calendar_item_meeting",
                            "DROP TABLE calendar_item",
                            "DROP INDEX mailbox_item_message",
                            "DROP TABLE mailbox_item",
                            "DROP TABLE sync_cursor",
                            "DROP TABLE sync_source",
                            "DROP TABLE privacy_charge",
                            "DROP TABLE access_token",
                            "DROP INDEX privacy_release_released",
                            "DROP TABLE privacy_release",
                            "DROP INDEX account_domain_account",
                            "DROP INDEX address_tenant_person",
                            "DROP INDEX meeting_organizer",
                            "DROP TABLE optout",
                            "DROP TABLE tenant_setting",
                            "DROP TABLE ledger_entry",
                            "DROP TABLE tenant_admin",
                            "DROP TABLE group_member",
                            "DROP TABLE directory_group",
                            "DROP TABLE directory_address",
                            "DROP TABLE directory_user",
                            "DROP TABLE address_link",
                            "DROP TABLE address_name",
                            "DROP INDEX address_person",
                            "ALTER TABLE tenant DROP COLUMN fold_plus_addresses",
                            "DROP TABLE account_domain",
                            "DROP TABLE account",
                            "DROP INDEX address_org_domain",
                            "ALTER TABLE address DROP COLUMN is_role",
                            "ALTER TABLE address DROP COLUMN org_domain",
                            "PRAGMA user_version = 2"}) {
      ASSERT_TRUE(db->Exec(sql).ok()) << sql;
    }
  }
  auto store = OpenSqliteStore(dir / "s.db");
  ASSERT_TRUE(store.ok()) << store.status().message();
  auto accounts = (*store)->ListAccounts();
  ASSERT_TRUE(accounts.ok());
  ASSERT_EQ(accounts->size(), 1u);  // fabrikam.com; gmail.com never forms one
  EXPECT_EQ((*accounts)[0].name, "fabrikam.com");
  EXPECT_EQ((*accounts)[0].people, 1u);
  // Migration 23 gave each stored participant its message's time: a window finds the mail.
  store::ActivityQuery window;
  window.people = {1};
  window.from = 1767261600 - 60;
  window.to = 1767261600 + 60;
  auto activity = (*store)->ReadActivity(window);
  ASSERT_TRUE(activity.ok());
  EXPECT_EQ(activity->mail.size(), 1u);
  window.to = 1767261600;
  EXPECT_TRUE((*store)->ReadActivity(window)->mail.empty());
}

}  // namespace
}  // namespace rapport::store
