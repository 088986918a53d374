// The access matrix (issue 5), shared by the policy point's own test and the HTTP API's: a
// tenant with one principal of each role, the consent states it can be in, and the decision each
// insight kind gets in each cell.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "rapport/consent/consent_ledger.h"
#include "rapport/consent/optout.h"
#include "rapport/consent/policy.h"
#include "test_store.h"
#include "test_support.h"

namespace rapport::testing {

using consent::ConsentFor;
using consent::ConsentLedger;
using consent::ConsentType;
using consent::ConsentTypeName;
using consent::InsightKind;
using consent::kConsentTypes;
using consent::kGuestAccess;
using consent::OptOuts;
using consent::OptOutScope;
using consent::PolicyDecision;
using consent::PolicyDecisionPoint;

// Reasons, as one letter each so that a row of the table fits a line:
//   A allowed                                    C consent <type of the insight> not in force
//   O personal insights are only for their owner G caller is a guest
//   U guest not authorised                       N caller is not a user of this tenant
//   T wrong tenant                               X subject opted out
//   E subject is in an excluded group
inline std::string Reason(char code, InsightKind kind) {
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
    store_ = std::move(*CreateTestStoreAt(dir_ / "s.db"));
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

  // From "all" to `consent` (as Apply names it): revokes every type the state has not in force.
  void Narrow(const std::string& consent) {
    ConsentLedger ledger(*store_);
    for (ConsentType t : kConsentTypes) {
      if (consent != "all" && consent != ConsentTypeName(t)) {
        EXPECT_TRUE(ledger.Revoke(t, "ada@northwind.example", 20).ok());
      }
    }
  }

  PolicyDecision Decide(const std::string& caller, InsightKind kind, const std::string& subject,
                        const std::string& tenant = "Northwind") {
    auto d = PolicyDecisionPoint(*store_).Decide({caller, tenant}, kind, {subject}, 30);
    EXPECT_TRUE(d.ok()) << d.status().message();
    return d.ok() ? *d : PolicyDecision{};
  }
  store::Store& store() { return *store_; }
  std::string path() const { return dir_ / "s.db"; }

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
inline constexpr Caller kCallers[] = {
    {"admin", "ada@northwind.example", "Northwind"},
    {"owner", "alice@northwind.example", "Northwind"},
    {"member", "dave@northwind.example", "Northwind"},
    {"guest", "gus@partner.example", "Northwind"},
    {"guest+access", "hana@partner.example", "Northwind"},
    {"other tenant", "eve@contoso.example", "Contoso"},
};
inline const char* const kConsentStates[] = {"none",         "personal", "aggregated",
                                             "identifiable", "all",      "revoked"};

// Rows: caller; columns: consent state in the order of kConsentStates.
inline const std::map<InsightKind, std::vector<std::string>> kMatrix = {
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

}  // namespace rapport::testing
