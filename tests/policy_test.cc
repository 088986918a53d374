// The access matrix (issue 5): every insight kind x caller x consent state, and the subject's
// own state, against SPEC §1-§2. Each cell is the exact decision the policy decision point gives.
#include <gtest/gtest.h>

#include <map>

#include "rapport/consent/consent_ledger.h"
#include "rapport/consent/optout.h"
#include "rapport/consent/policy.h"
#include "test_support.h"

namespace rapport::consent {
namespace {

using testing::TempDir;

// Reasons, as one letter each so that a row of the table fits a line:
//   A allowed                                    C consent <type of the insight> not in force
//   O personal insights are only for their owner G caller is a guest
//   U guest not authorised                       N caller is not a user of this tenant
//   T wrong tenant                               X subject opted out
//   E subject is in an excluded group
std::string Reason(char code, InsightKind kind) {
  switch (code) {
    case 'A':
      return "allowed";
    case 'C':
      return "consent " + std::string(ConsentTypeName(ConsentFor(kind))) + " not in force";
    case 'O':
      return "personal insights are only for their owner";
    case 'G':
      return "caller is a guest";
    case 'U':
      return "guest not authorised";
    case 'N':
      return "caller is not a user of this tenant";
    case 'T':
      return "wrong tenant";
    case 'X':
      return "subject opted out";
    case 'E':
      return "subject is in an excluded group";
  }
  return "?";
}

// The tenant: admin ada; members alice (the subject), dave, carol (in the excluded group "M&A"),
// olga (opted out of identifiable); guests gus and hana, of whom only hana is authorised.
// eve asks from another tenant.
class Tenant {
 public:
  explicit Tenant(const std::string& consent) {
    store_ = std::move(*store::OpenSqliteStore(dir_ / "s.db"));
    store::TenantConfig config{"Northwind", {"northwind.example"}};
    config.admins = {"ada@northwind.example"};
    EXPECT_TRUE(store_->InitTenant(config).ok());
    model::Directory d;
    auto user = [&](const char* address, model::DirectoryRole role,
                    std::vector<std::string> groups) {
      model::DirectoryUser u;
      u.key = u.address = address;
      u.role = role;
      u.groups = std::move(groups);
      d.users.push_back(u);
    };
    user("alice@northwind.example", model::DirectoryRole::kMember, {"Sales"});
    user("dave@northwind.example", model::DirectoryRole::kMember, {"Sales"});
    user("carol@northwind.example", model::DirectoryRole::kMember, {"M&A"});
    user("olga@northwind.example", model::DirectoryRole::kMember, {});
    user("gus@partner.example", model::DirectoryRole::kGuest, {});
    user("hana@partner.example", model::DirectoryRole::kGuest, {});
    EXPECT_TRUE(store_->ImportDirectory(d, "test").ok());
    EXPECT_TRUE(store_->SetSetting(kGuestAccess, "hana@partner.example").ok());
    EXPECT_TRUE(OptOuts(*store_).Add("olga@northwind.example", OptOutScope::kIdentifiable, 1).ok());
    Apply(consent);
  }

  // "none", one type's name, "all", or "revoked" (all granted, then all revoked).
  void Apply(const std::string& consent) {
    ConsentLedger ledger(*store_);
    const std::string admin = "ada@northwind.example";
    for (ConsentType t : kConsentTypes) {
      if (consent == "all" || consent == "revoked" || consent == ConsentTypeName(t)) {
        // Personal insights are about oneself: a group is excluded from the other two.
        std::vector<std::string> excluded;
        if (t != ConsentType::kPersonal) excluded = {"M&A"};
        EXPECT_TRUE(ledger.Grant(t, admin, "1", excluded, 10).ok());
      }
    }
    if (consent == "revoked") {
      for (ConsentType t : kConsentTypes) EXPECT_TRUE(ledger.Revoke(t, admin, 20).ok());
    }
  }

  PolicyDecision Decide(const std::string& caller, InsightKind kind, const std::string& subject,
                        const std::string& tenant = "Northwind") {
    auto d = PolicyDecisionPoint(*store_).Decide({caller, tenant}, kind, {subject}, 30);
    EXPECT_TRUE(d.ok()) << d.status().message();
    return d.ok() ? *d : PolicyDecision{};
  }
  store::Store& store() { return *store_; }

 private:
  TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

struct Caller {
  const char* name;
  const char* address;
  const char* tenant;
};
// "owner" asks about themselves; everyone else about alice.
constexpr Caller kCallers[] = {
    {"admin", "ada@northwind.example", "Northwind"},
    {"owner", "alice@northwind.example", "Northwind"},
    {"member", "dave@northwind.example", "Northwind"},
    {"guest", "gus@partner.example", "Northwind"},
    {"guest+access", "hana@partner.example", "Northwind"},
    {"other tenant", "eve@contoso.example", "Contoso"},
};
const char* const kConsentStates[] = {"none",         "personal", "aggregated",
                                      "identifiable", "all",      "revoked"};

// Rows: caller; columns: consent state in the order of kConsentStates.
const std::map<InsightKind, std::vector<std::string>> kMatrix = {
    //                                    admin     owner     member    guest     guest+acc other
    {InsightKind::kWhoKnowsWhom,
     /* */ {"CCCAAC", "CCCAAC", "CCCAAC", "CCCGGC", "CCCGGC", "TTTTTT"}},
    {InsightKind::kRelationship,
     /* */ {"CCCAAC", "CCCAAC", "CCCAAC", "CCCGGC", "CCCGGC", "TTTTTT"}},
    {InsightKind::kPersonal,
     /*     */ {"COCCOC", "CACCAC", "COCCOC", "COCCOC", "COCCOC", "TTTTTT"}},
    {InsightKind::kEngagement,
     /*   */ {"CCACAC", "CCACAC", "CCACAC", "CCUCUC", "CCACAC", "TTTTTT"}},
};

TEST(AccessMatrix, EveryKindCallerAndConsentStateGetsItsDecision) {
  for (size_t c = 0; c < std::size(kConsentStates); ++c) {
    Tenant tenant(kConsentStates[c]);
    for (const auto& [kind, rows] : kMatrix) {
      for (size_t r = 0; r < std::size(kCallers); ++r) {
        const Caller& caller = kCallers[r];
        // Engagement is about an account, not a person.
        std::string subject = kind == InsightKind::kEngagement      ? ""
                              : std::string(caller.name) == "owner" ? caller.address
                                                                    : "alice@northwind.example";
        PolicyDecision d = tenant.Decide(caller.address, kind, subject, caller.tenant);
        const char code = rows[r][c];
        EXPECT_EQ(d.reason, Reason(code, kind)) << InsightKindName(kind) << ", caller "
                                                << caller.name << ", consent " << kConsentStates[c];
        EXPECT_EQ(d.allow, code == 'A');
      }
    }
  }
}

TEST(AccessMatrix, CallersUnknownToTheTenantAreNobody) {
  Tenant tenant("all");
  EXPECT_EQ(tenant.Decide("mallory@evil.example", InsightKind::kEngagement, "").reason,
            Reason('N', InsightKind::kEngagement));
}

// Consent "all"; the subject excluded by group (carol) or opted out of identifiable (olga).
TEST(AccessMatrix, OptedOutAndExcludedSubjectsAreAbsent) {
  Tenant tenant("all");
  const std::string carol = "carol@northwind.example", olga = "olga@northwind.example";
  for (InsightKind kind :
       {InsightKind::kWhoKnowsWhom, InsightKind::kRelationship, InsightKind::kPerson}) {
    for (const char* caller : {"ada@northwind.example", "dave@northwind.example"}) {
      EXPECT_EQ(tenant.Decide(caller, kind, carol).reason, Reason('E', kind));
      EXPECT_EQ(tenant.Decide(caller, kind, olga).reason, Reason('X', kind));
    }
  }
  // An identifiable opt-out keeps one's own personal insights; an opt-out of everything does not.
  EXPECT_EQ(tenant.Decide(olga, InsightKind::kPersonal, olga).reason, "allowed");
  EXPECT_EQ(tenant.Decide(carol, InsightKind::kPersonal, carol).reason, "allowed");
  ASSERT_TRUE(OptOuts(tenant.store()).Add(olga, OptOutScope::kAll, 40).ok());
  EXPECT_EQ(tenant.Decide(olga, InsightKind::kPersonal, olga).reason,
            Reason('X', InsightKind::kPersonal));
}

TEST(AccessMatrix, AnAuthorisedGuestSeesIdentifiableInsightsOnlyWhenTheTenantAllowsIt) {
  Tenant tenant("all");
  const std::string alice = "alice@northwind.example";
  ASSERT_TRUE(tenant.store().SetSetting(kGuestsSeeIdentifiable, "true").ok());
  EXPECT_EQ(tenant.Decide("hana@partner.example", InsightKind::kWhoKnowsWhom, alice).reason,
            "allowed");
  EXPECT_EQ(tenant.Decide("gus@partner.example", InsightKind::kWhoKnowsWhom, alice).reason,
            "caller is a guest");
}

TEST(AccessMatrix, EveryDecisionIsAuditedWithItsSubjectAsAKeyedHash) {
  Tenant tenant("identifiable");
  tenant.Decide("dave@northwind.example", InsightKind::kWhoKnowsWhom, "alice@northwind.example");
  tenant.Decide("dave@northwind.example", InsightKind::kWhoKnowsWhom, "olga@northwind.example");
  auto rows = tenant.store().ReadLedger(store::Ledger::kAudit);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_NE((*rows)[0].entry.find("\"decision\":\"allow\""), std::string::npos) << (*rows)[0].entry;
  EXPECT_NE((*rows)[1].entry.find("\"reason\":\"subject opted out\""), std::string::npos);
  // Subjects are kept as keyed hashes, whether they opted out or not: no address can be stuck in
  // an append-only ledger.
  EXPECT_EQ((*rows)[1].entry.find("olga"), std::string::npos) << (*rows)[1].entry;
  EXPECT_EQ((*rows)[0].entry.find("alice"), std::string::npos) << (*rows)[0].entry;
  auto alice = OptOuts(tenant.store()).HashOf("alice@northwind.example");
  ASSERT_TRUE(alice.ok());
  EXPECT_NE((*rows)[0].entry.find("\"subject\":\"hmac:" + *alice + "\""), std::string::npos);
  EXPECT_EQ((*rows)[1].prev_hash, (*rows)[0].hash);
}

}  // namespace
}  // namespace rapport::consent
