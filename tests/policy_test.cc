// The access matrix (issue 5): every insight kind x caller x consent state, and the subject's
// own state, against SPEC §1-§2. Each cell is the exact decision the policy decision point gives.
#include <gtest/gtest.h>

#include <map>

#include "access_matrix.h"
#include "rapport/consent/consent_ledger.h"
#include "rapport/consent/optout.h"
#include "rapport/consent/policy.h"

namespace rapport::consent {
namespace {

using testing::Caller;
using testing::kCallers;
using testing::kConsentStates;
using testing::kMatrix;
using testing::Reason;
using testing::Tenant;

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
  auto alice = AuditSubjectNames(tenant.store(), "alice@northwind.example");
  ASSERT_TRUE(alice.ok());
  ASSERT_EQ(alice->size(), 1u);  // a store made with its key file: one name per subject
  EXPECT_NE((*rows)[0].entry.find("\"subject\":\"" + alice->front() + "\""), std::string::npos);
  // Under a key of its own: the opt-out hash of the address appears nowhere in the audit.
  auto optout = OptOuts(tenant.store()).HashOf("alice@northwind.example");
  ASSERT_TRUE(optout.ok());
  EXPECT_NE("hmac:" + *optout, alice->front());
  EXPECT_EQ((*rows)[0].entry.find(*optout), std::string::npos);
  EXPECT_EQ((*rows)[1].prev_hash, (*rows)[0].hash);
}

}  // namespace
}  // namespace rapport::consent
