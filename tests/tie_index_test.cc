// The tie index against its oracle: on random stores built by random ingests, late parents,
// Bcc copies, meeting updates, purges, retention and directory imports in random order, the ties
// read from the index equal the ties read from the mail itself, for every person and every
// organisation, at several cut-offs -- after each step, refreshed or not (a step whose write
// forgot to mark a contact stale shows up as a difference).
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <random>
#include <sstream>

#include "rapport/insights/tie_index.h"
#include "rapport/store/store.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport {
namespace {

using testing::TempDir;

constexpr int64_t kStart = 1'700'000'000;  // 2023-11-14
constexpr int64_t kDay = 86400;

const std::vector<std::string> kAddresses = {
    "ann@northwind.example",  "ben@northwind.example",   "cat@northwind.example",
    "news@northwind.example", "carol@fabrikam.example",  "dave@fabrikam.example",
    "erin@fabrikam.example",  "info@fabrikam.example",   "frank@contoso.example",
    "gina@contoso.example",   "noreply@contoso.example", "hal@gmail.com"};

std::string Text(store::Store& store, const insights::TieSet& set) {
  std::vector<int64_t> users;
  for (const auto& t : set.ties) users.push_back(t.user);
  auto people = store.Ties().Basics(users);
  EXPECT_TRUE(people.ok());
  std::ostringstream out;
  for (const auto& t : set.ties) {
    const auto& p = people->at(t.user);
    out << t.user << "(" << p.address << "," << static_cast<int>(p.kind) << ") - " << t.contact
        << ":";
    for (const auto& i : t.interactions) {
      out << " " << static_cast<int>(i.kind) << "@" << (i.at - kStart) << "/" << i.participants;
    }
    out << "\n";
  }
  return out.str();
}

class RandomStore {
 public:
  RandomStore(uint64_t seed, const testing::TempDir& dir) : rng_(seed) {
    store_ = testing::CreateTestStore(testing::NewTestStore(dir));
    store::TenantConfig config;
    config.name = "Northwind";
    config.domains = {"northwind.example"};
    EXPECT_TRUE(store_->InitTenant(config).ok());
    for (int i = 0; i < 60; ++i) mail_.push_back(RandomMessage(i));
  }

  store::Store& store() { return *store_; }
  int64_t extended = 0, recomputed = 0;  // contacts, over every refresh step

  // Calendars before any mail: meetings indexed while no message is, then mail of the same
  // people extends their rows from message 0 (which once counted the meetings again).
  std::string CalendarsFirst() {
    std::string done;
    for (int i = 0; i < 3; ++i) done += Meeting() + "\n";
    done += Refresh();
    return done;
  }

  // One random write, as the commands make them.
  std::string Step() {
    const int op = Pick(100);
    if (op < 40) return Ingest();
    if (op < 48) return BccCopy();
    if (op < 56) return Meeting();
    if (op < 62) return PurgeAddress();
    if (op < 66) return Retention();
    if (op < 74) return Directory();
    return Refresh();
  }

  std::string Refresh() {
    auto refreshed = insights::RefreshTieIndex(*store_);
    EXPECT_TRUE(refreshed.ok()) << refreshed.status().message();
    if (refreshed.ok()) {
      extended += refreshed->extended;
      recomputed += refreshed->recomputed;
    }
    return "refresh";
  }

  // Every person the addresses name now, and every organisation's people.
  std::vector<std::vector<int64_t>> ContactSets() {
    std::vector<std::vector<int64_t>> sets;
    for (const auto& address : kAddresses) {
      auto person = store_->FindPerson(address);
      if (person.ok()) sets.push_back({person->id});
    }
    for (const char* domain : {"fabrikam.example", "contoso.example"}) {
      auto people = store_->PeopleAtDomains({domain});
      EXPECT_TRUE(people.ok());
      if (people.ok() && !people->empty()) sets.push_back(*people);
    }
    return sets;
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  const std::string& AnyAddress() { return kAddresses[static_cast<size_t>(Pick(12))]; }

  model::MessageMeta RandomMessage(int i) {
    model::MessageMeta m;
    m.message_id = "m" + std::to_string(i) + "@test";
    m.sent = {kStart + Pick(400) * kDay + Pick(3) * 3600, 0};
    m.from = {"", AnyAddress()};
    for (int n = 1 + Pick(3); n > 0; --n) {
      const std::string& to = AnyAddress();
      if (to != m.from.address) (Pick(3) == 0 ? m.cc : m.to).push_back({"", to});
    }
    if (m.to.empty() && m.cc.empty())
      m.to.push_back({"", kAddresses[0] == m.from.address ? kAddresses[4] : kAddresses[0]});
    if (Pick(100) < 40) m.in_reply_to = "m" + std::to_string(Pick(60)) + "@test";
    if (Pick(100) < 12) m.bulk.precedence = "bulk";
    m.fingerprint[0] = static_cast<uint8_t>(i);
    m.fingerprint[1] = 0x5a;
    return m;
  }

  std::string Ingest() {
    auto writer = store_->OpenMessageWriter(3);
    EXPECT_TRUE(writer.ok());
    std::string what = "ingest";
    for (int n = 1 + Pick(6); n > 0; --n) {
      const size_t i = static_cast<size_t>(Pick(static_cast<int>(mail_.size())));
      EXPECT_TRUE((*writer)->Add(mail_[i], {"eml", "/mail/" + std::to_string(i), 0, {}}).ok());
      stored_.push_back(i);
      what += " m" + std::to_string(i);
    }
    EXPECT_TRUE((*writer)->Commit().ok());
    writer->reset();
    EXPECT_TRUE(store_->ResolvePeople().ok());
    return what;
  }

  // The sender's copy of a stored message, with a Bcc the recipients' copies did not show.
  std::string BccCopy() {
    if (stored_.empty()) return "no bcc";
    const size_t i = stored_[static_cast<size_t>(Pick(static_cast<int>(stored_.size())))];
    model::MessageMeta copy = mail_[i];
    const std::string& bcc = AnyAddress();
    if (bcc == copy.from.address) return "no bcc";
    copy.bcc.push_back({"", bcc});
    auto writer = store_->OpenMessageWriter(3);
    EXPECT_TRUE(writer.ok());
    EXPECT_TRUE((*writer)->Add(copy, {"eml", "/sent/" + std::to_string(i), 0, {}}).ok());
    EXPECT_TRUE((*writer)->Commit().ok());
    writer->reset();
    EXPECT_TRUE(store_->ResolvePeople().ok());
    return "bcc " + bcc + " on m" + std::to_string(i);
  }

  // A meeting, or a later version of one (higher SEQUENCE: new attendees, or cancelled).
  std::string Meeting() {
    model::MeetingMeta g;
    const int which = Pick(6);
    g.uid = "meeting-" + std::to_string(which);
    g.occurrence_start = kStart + which * 30 * kDay;
    g.start = {g.occurrence_start + Pick(2) * 3600, 0};
    g.end = {g.start.utc_seconds + 3600, 0};
    g.sequence = ++sequence_;
    g.cancelled = Pick(100) < 15;
    g.all_day = Pick(100) < 10;
    g.method = model::MeetingMethod::kRequest;
    g.organizer = {"", AnyAddress()};
    for (int n = 1 + Pick(4); n > 0; --n) {
      model::Attendee a;
      a.who = {"", AnyAddress()};
      if (a.who.address == g.organizer.address) continue;
      a.response =
          Pick(100) < 20 ? model::AttendeeResponse::kDeclined : model::AttendeeResponse::kAccepted;
      g.attendees.push_back(a);
    }
    auto writer = store_->OpenMessageWriter(3);
    EXPECT_TRUE(writer.ok());
    auto added =
        (*writer)->AddMeeting(g, {"ics", "/cal/" + g.uid, static_cast<uint64_t>(sequence_), {}});
    EXPECT_TRUE(added.ok()) << added.status().message();
    EXPECT_TRUE((*writer)->Commit().ok());
    writer->reset();
    return "meeting " + g.uid + (g.cancelled ? " cancelled" : "");
  }

  std::string PurgeAddress() {
    store::PurgePlan plan;
    plan.addresses = {AnyAddress()};
    auto purged = store_->Purge(plan, nullptr);
    EXPECT_TRUE(purged.ok()) << purged.status().message();
    return "purge " + plan.addresses.front();
  }

  std::string Retention() {
    store::PurgePlan plan;
    plan.older_than = kStart + Pick(120) * kDay;
    auto purged = store_->Purge(plan, nullptr);
    EXPECT_TRUE(purged.ok()) << purged.status().message();
    return "retention " + std::to_string((*plan.older_than - kStart) / kDay);
  }

  // The directory: the colleagues, sometimes with an outside address as an alias (which makes
  // that person a colleague) or a role mailbox made a user.
  std::string Directory() {
    model::Directory directory;
    std::string what = "directory";
    int line = 0;
    for (const char* name : {"ann", "ben", "cat"}) {
      model::DirectoryUser u;
      u.address = std::string(name) + "@northwind.example";
      u.key = u.address;
      u.display_name = name;
      u.line = ++line;
      const std::string& alias = kAddresses[static_cast<size_t>(4 + Pick(8))];
      if (Pick(4) == 0 && what.find(alias) == std::string::npos) {  // one user per address
        u.aliases.push_back(alias);
        what += " " + u.address + "+" + alias;
      }
      directory.users.push_back(u);
    }
    auto imported = store_->ImportDirectory(directory, "users.csv");
    EXPECT_TRUE(imported.ok()) << imported.status().message();
    return what;
  }

  std::mt19937_64 rng_;
  std::unique_ptr<store::Store> store_;
  std::vector<model::MessageMeta> mail_;
  std::vector<size_t> stored_;  // indexes into mail_ of messages ingested (purges aside)
  int sequence_ = 0;
};

TEST(TieIndex, EqualsTheTiesReadFromTheMailOnRandomStores) {
  int from_index = 0, compared = 0;
  int64_t extended = 0, recomputed = 0;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    TempDir dir;
    RandomStore world(seed, dir);
    std::vector<std::string> steps;
    if (seed % 2 == 0) steps.push_back(world.CalendarsFirst());
    for (int step = 0; step < 40; ++step) {
      steps.push_back(world.Step());
      for (const auto& contacts : world.ContactSets()) {
        for (int64_t until :
             {kStart + 90 * kDay, kStart + 300 * kDay, std::numeric_limits<int64_t>::max()}) {
          auto index = insights::ReadTies(world.store(), contacts, until);
          auto oracle =
              insights::ReadTies(world.store(), contacts, until, insights::TieSource::kMessages);
          ASSERT_TRUE(index.ok()) << index.status().message();
          ASSERT_TRUE(oracle.ok()) << oracle.status().message();
          from_index += index->from_index;
          ++compared;
          std::string history;
          for (const auto& s : steps) history += s + "\n";
          ASSERT_EQ(Text(world.store(), *index), Text(world.store(), *oracle))
              << "seed " << seed << ", contacts " << contacts.front() << "..., until " << until
              << ", after:\n"
              << history;
        }
      }
    }
    extended += world.extended;
    recomputed += world.recomputed;
  }
  // The index answered a good part of the questions (the rest came while it was stale).
  EXPECT_GT(from_index, compared / 5) << from_index << " of " << compared;
  // Refreshes both extended contacts with their new mail and recomputed them.
  EXPECT_GT(extended, 0);
  EXPECT_GT(recomputed, 0);
}

// A colleague's ties (`rapport me`) are, contact by contact, the pairs Who Knows Whom reads for
// each contact -- from the index when it is wholly fresh, from the mail otherwise.
TEST(TieIndex, AColleaguesTiesAreThePairsReadForEachContact) {
  int from_index = 0, compared = 0;
  for (uint64_t seed = 21; seed <= 28; ++seed) {
    TempDir dir;
    RandomStore world(seed, dir);
    std::vector<std::string> steps;
    if (seed % 2 == 0) steps.push_back(world.CalendarsFirst());
    for (int step = 0; step < 30; ++step) {
      steps.push_back(world.Step());
      std::vector<int64_t> everyone;  // every person an address names
      for (const auto& address : kAddresses) {
        auto person = world.store().FindPerson(address);
        if (person.ok()) everyone.push_back(person->id);
      }
      std::sort(everyone.begin(), everyone.end());
      everyone.erase(std::unique(everyone.begin(), everyone.end()), everyone.end());
      auto people = world.store().Ties().Basics(everyone);
      ASSERT_TRUE(people.ok());
      std::vector<int64_t> outside;  // the oracle reads every external person's mail
      for (int64_t id : everyone) {
        const auto& p = people->at(id);
        if (p.kind == store::PersonKind::kExternal && !p.is_role) outside.push_back(id);
      }
      for (int64_t until : {kStart + 90 * kDay, std::numeric_limits<int64_t>::max()}) {
        auto all =
            insights::ReadTies(world.store(), outside, until, insights::TieSource::kMessages);
        ASSERT_TRUE(all.ok()) << all.status().message();
        for (int64_t colleague : everyone) {
          auto mine = insights::ReadColleagueTies(world.store(), colleague, until);
          ASSERT_TRUE(mine.ok()) << mine.status().message();
          insights::TieSet oracle;
          for (const auto& t : all->ties) {
            if (t.user == colleague) oracle.ties.push_back(t);
          }
          from_index += mine->from_index;
          ++compared;
          std::string history;
          for (const auto& s : steps) history += s + "\n";
          ASSERT_EQ(Text(world.store(), *mine), Text(world.store(), oracle))
              << "seed " << seed << ", colleague " << colleague << ", until " << until
              << ", after:\n"
              << history;
        }
      }
    }
  }
  EXPECT_GT(from_index, compared / 5) << from_index << " of " << compared;
  EXPECT_LT(from_index, compared) << "the mail was never read";
}

// An empty store of the tenant Northwind (northwind.example).
std::unique_ptr<store::Store> NorthwindStore(const testing::TempDir& dir) {
  auto created = testing::CreateTestStore(testing::NewTestStore(dir));
  store::TenantConfig config;
  config.name = "Northwind";
  config.domains = {"northwind.example"};
  EXPECT_TRUE(created->InitTenant(config).ok());
  return created;
}

// A message `id` (its first two characters make its fingerprint) sent at `at`.
model::MessageMeta Mail(const char* id, int64_t at, const char* from, const char* to,
                        const char* parent) {
  model::MessageMeta m;
  m.message_id = id;
  m.sent = {at, 0};
  m.from = {"", from};
  m.to = {{"", to}};
  m.in_reply_to = parent;
  m.fingerprint[0] = static_cast<uint8_t>(id[0]);
  m.fingerprint[1] = static_cast<uint8_t>(id[1]);
  return m;
}

TEST(TieIndex, AReplyIsToTheOtherSidesOwnMessage) {
  TempDir dir;
  auto store = NorthwindStore(dir);
  auto& s = *store;
  // Ann writes to Dave only; Carol (not on it) answers it, then Dave does.
  const auto ann = Mail("a@test", kStart, "ann@northwind.example", "dave@fabrikam.example", "");
  const auto carol =
      Mail("c@test", kStart + 60, "carol@fabrikam.example", "ann@northwind.example", "a@test");
  const auto dave =
      Mail("d@test", kStart + 120, "dave@fabrikam.example", "ann@northwind.example", "a@test");
  auto writer = s.OpenMessageWriter(10);
  ASSERT_TRUE(writer.ok());
  for (const auto* m : {&ann, &carol, &dave})
    ASSERT_TRUE((*writer)->Add(*m, {"eml", "/x", 0, {}}).ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  writer->reset();
  ASSERT_TRUE(insights::RefreshTieIndex(s).ok());
  auto people = s.PeopleAtDomains({"fabrikam.example"});
  ASSERT_TRUE(people.ok());
  for (auto source : {insights::TieSource::kIndexWhenFresh, insights::TieSource::kMessages}) {
    auto ties = insights::ReadTies(s, *people, kStart + kDay, source);
    ASSERT_TRUE(ties.ok());
    EXPECT_EQ(ties->from_index, source == insights::TieSource::kIndexWhenFresh);
    std::map<std::string, std::vector<insights::InteractionKind>> kinds;
    for (const auto& t : ties->ties) {
      for (const auto& i : t.interactions) kinds[std::to_string(t.contact)].push_back(i.kind);
    }
    auto carol_id = s.FindPerson("carol@fabrikam.example");
    auto dave_id = s.FindPerson("dave@fabrikam.example");
    ASSERT_TRUE(carol_id.ok() && dave_id.ok());
    using K = insights::InteractionKind;
    EXPECT_EQ(kinds[std::to_string(carol_id->id)], std::vector<K>{K::kEmailFromContact});
    EXPECT_EQ(kinds[std::to_string(dave_id->id)],
              (std::vector<K>{K::kEmailToContact, K::kReplyFromContact}));
  }
}

// New mail extends a contact's rows (a reply to older mail is still a reply, and mail older than
// what the rows hold is added in its place); mail that turns out to be the parent of older mail
// makes a recomputation, which turns that older mail into the reply it is.
TEST(TieIndex, NewerMailExtendsTheRowsAndALateParentRecomputesThem) {
  TempDir dir;
  auto store = NorthwindStore(dir);
  auto& s = *store;
  auto mail = [](const char* id, int64_t day, const char* from, const char* to,
                 const char* parent) { return Mail(id, kStart + day * kDay, from, to, parent); };
  const char* ann = "ann@northwind.example";
  const char* carol = "carol@fabrikam.example";
  using K = insights::InteractionKind;
  // Ingests the messages, refreshes, and returns how, and Carol's interactions from the index
  // (which must equal those read from the mail).
  auto step = [&](std::vector<model::MessageMeta> messages) {
    auto writer = s.OpenMessageWriter(10);
    EXPECT_TRUE(writer.ok());
    for (const auto& m : messages) EXPECT_TRUE((*writer)->Add(m, {"eml", "/x", 0, {}}).ok());
    EXPECT_TRUE((*writer)->Commit().ok());
    writer->reset();
    EXPECT_TRUE(s.ResolvePeople().ok());
    auto refreshed = insights::RefreshTieIndex(s);
    EXPECT_TRUE(refreshed.ok());
    auto who = s.FindPerson(carol);
    EXPECT_TRUE(who.ok());
    const std::vector<int64_t> contacts{who->id};
    std::vector<std::vector<K>> kinds;
    for (auto source : {insights::TieSource::kIndexWhenFresh, insights::TieSource::kMessages}) {
      auto ties = insights::ReadTies(s, contacts, kStart + 100 * kDay, source);
      EXPECT_TRUE(ties.ok() && ties->ties.size() == 1);
      EXPECT_EQ(ties->from_index, source == insights::TieSource::kIndexWhenFresh);
      kinds.emplace_back();
      for (const auto& i : ties->ties.front().interactions) kinds.back().push_back(i.kind);
    }
    EXPECT_EQ(kinds[0], kinds[1]);
    return std::pair{*refreshed, kinds[0]};
  };
  auto [first, kinds1] = step({mail("a1@t", 10, ann, carol, "")});
  EXPECT_EQ(first.extended, 1);  // Carol had no rows: her new mail is all her mail
  EXPECT_EQ(kinds1, std::vector<K>{K::kEmailToContact});

  // Carol answers on day 20: newer than all she had, so extended; her answer is a reply.
  auto [second, kinds2] = step({mail("c2@t", 20, carol, ann, "a1@t")});
  EXPECT_EQ(second.extended, 1);
  EXPECT_EQ(second.recomputed, 0);
  EXPECT_EQ(kinds2, (std::vector<K>{K::kEmailToContact, K::kReplyFromContact}));

  // Ann's day-30 mail answers Carol's day-25 mail, which arrives only afterwards.
  auto [third, kinds3] = step({mail("a3@t", 30, ann, carol, "c4@t")});
  EXPECT_EQ(third.extended, 1);
  EXPECT_EQ(kinds3, (std::vector<K>{K::kEmailToContact, K::kReplyFromContact, K::kEmailToContact}));
  auto [fourth, kinds4] = step({mail("c4@t", 25, carol, ann, "")});
  EXPECT_EQ(fourth.extended, 0);
  EXPECT_EQ(fourth.recomputed, 1);
  EXPECT_EQ(kinds4, (std::vector<K>{K::kEmailToContact, K::kReplyFromContact, K::kEmailFromContact,
                                    K::kReplyToContact}));

  // Carol's day-15 mail is older than her latest but answers nothing and nothing answers it:
  // extended.
  auto [fifth, kinds5] = step({mail("c5@t", 15, carol, ann, "")});
  EXPECT_EQ(fifth.extended, 1);
  EXPECT_EQ(fifth.recomputed, 0);
  EXPECT_EQ(kinds5, (std::vector<K>{K::kEmailToContact, K::kEmailFromContact, K::kReplyFromContact,
                                    K::kEmailFromContact, K::kReplyToContact}));
}

// A meeting stored again as it was (its invitation e-mail, after the calendar) marks nobody; a
// changed response marks everyone in it, who is then recomputed.
TEST(TieIndex, AMeetingStoredAgainUnchangedRecomputesNobody) {
  TempDir dir;
  auto store = NorthwindStore(dir);
  auto& s = *store;
  model::MeetingMeta g;
  g.uid = "review@test";
  g.occurrence_start = kStart + 3 * kDay;
  g.start = {g.occurrence_start, 0};
  g.end = {g.occurrence_start + 3600, 0};
  g.sequence = 1;
  g.method = model::MeetingMethod::kRequest;
  g.organizer = {"", "ann@northwind.example"};
  model::Attendee carol;
  carol.who = {"", "carol@fabrikam.example"};
  carol.response = model::AttendeeResponse::kAccepted;
  g.attendees = {carol};
  auto store_meeting = [&](const model::MeetingMeta& meeting, const char* where) {
    auto writer = s.OpenMessageWriter(10);
    EXPECT_TRUE(writer.ok());
    EXPECT_TRUE((*writer)->AddMeeting(meeting, {"ics", where, 0, {}}).ok());
    EXPECT_TRUE((*writer)->Commit().ok());
    writer->reset();
    EXPECT_TRUE(s.ResolvePeople().ok());
    auto refreshed = insights::RefreshTieIndex(s);
    EXPECT_TRUE(refreshed.ok());
    return refreshed.ok() ? *refreshed : store::TieIndex::Refreshed{};
  };
  EXPECT_EQ(store_meeting(g, "/calendar.ics").recomputed, 1);  // Carol
  const auto again = store_meeting(g, "/invitation.eml");
  EXPECT_EQ(again.recomputed, 0);
  EXPECT_EQ(again.extended, 0);
  g.attendees.front().response = model::AttendeeResponse::kDeclined;
  g.sequence = 2;
  EXPECT_EQ(store_meeting(g, "/reply.eml").recomputed, 1);
  auto who = s.FindPerson("carol@fabrikam.example");
  ASSERT_TRUE(who.ok());
  const std::vector<int64_t> contacts{who->id};
  auto ties =
      insights::ReadTies(s, contacts, kStart + 10 * kDay, insights::TieSource::kIndexWhenFresh);
  ASSERT_TRUE(ties.ok());
  EXPECT_TRUE(ties->from_index);
  for (const auto& t : ties->ties) EXPECT_TRUE(t.interactions.empty());  // she declined
}

}  // namespace
}  // namespace rapport
