// PolicyDecisionPoint: the one function every read of an insight goes through (SPEC §2).
//
// Contract: Decide(principal, kind, subject) answers allow or deny with a reason, from the
// consent ledger, the directory, the tenant's settings and the opt-outs -- never from what the
// caller claims about itself: the principal is an address and a tenant, and its role is looked up
// here. Every decision, allowed or denied, is appended to the hash-chained access audit ledger
// before it is returned (the subject as a keyed hash under a key of its own: the ledger can never
// be purged); when the
// audit cannot be written the answer is an error, never an allow.
// Checks run in this order, and the first that fails is the reason:
//   1. wrong tenant            2. caller is not a user of this tenant
//   3. consent <type> not in force
//   4. personal insights are only for their owner      (personal)
//   5. caller is a guest / guest not authorised         (identifiable, aggregated)
//   6. subject opted out       7. subject is in an excluded group
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/consent/audit_writer.h"
#include "rapport/consent/consent_ledger.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::consent {

// kPerson: who someone is and how much they mail (`rapport people show`), identifiable data.
enum class InsightKind { kWhoKnowsWhom, kRelationship, kPersonal, kEngagement, kPerson };
std::string_view InsightKindName(InsightKind kind);  // "who-knows-whom", "relationship", ...
Result<InsightKind> ParseInsightKind(std::string_view name);
ConsentType ConsentFor(InsightKind kind);  // which consent type covers it (SPEC §1)

enum class Role { kAdmin, kMember, kGuest, kNone };
std::string_view RoleName(Role role);

struct Principal {
  std::string address;  // who asks (from a token or --as)
  std::string tenant;   // the tenant they asked in
};

// What the insight is about: a person's address, or empty for an account or an aggregate.
struct Subject {
  std::string address;
  std::string account = {};  // an account or domain asked about (not a person): kept as named
};

struct PolicyDecision {
  bool allow = false;
  std::string reason;  // why not; "allowed" when allowed
  Role role = Role::kNone;
};

// Tenant settings the policy reads (rapport settings set NAME VALUE).
inline constexpr std::string_view kGuestsSeeIdentifiable = "guests_see_identifiable";
inline constexpr std::string_view kGuestAccess = "guest_access";  // addresses, comma-separated

// How a request names a person as its subject (for the decision and the audit): the address as
// given; for a name or an X.500 DN, the person's first SMTP address, so that one person keeps one
// audit trail whichever way they were asked for. `addresses`: the person's, sorted.
std::string SubjectAddress(std::string_view given, const std::vector<std::string>& addresses);

// How the audit names a subject address: "hmac:" and its keyed hash under the key file's
// audit-subject key. A store whose keys moved to a key file named earlier subjects under the
// opt-out key; that name comes second then, so that `audit list --subject` finds every entry.
Result<std::vector<std::string>> AuditSubjectNames(store::Store& store, std::string_view address);

// For an admin reading the audit: the address behind each of `names` (audit subject names) that
// is an address the store holds and has not opted out. An opted-out or purged address stays a
// hash. Hashes every address of the store once (about 1 s per 300,000 addresses).
Result<std::map<std::string, std::string>> AuditSubjectAddresses(
    store::Store& store, const std::set<std::string>& names);

class Exclusions;

class PolicyDecisionPoint {
 public:
  // `audit`: the server's writer, shared by its requests so that their audit entries are grouped;
  // without one, each decision's entry is written in a transaction of its own.
  explicit PolicyDecisionPoint(store::Store& store, AuditWriter* audit = nullptr);
  ~PolicyDecisionPoint();

  Result<PolicyDecision> Decide(const Principal& principal, InsightKind kind,
                                const Subject& subject, int64_t now);

  // After an allowed decision: whether a person may appear inside that insight (a colleague in
  // Who Knows Whom, a contact in someone's top contacts). False when any of the person's
  // addresses opted out, or is in a group that the consent covering `kind` excludes; on any
  // doubt, false. A PolicyDecisionPoint serves one request: the consent state and the exclusions
  // are read once.
  Result<bool> MayAppear(InsightKind kind, int64_t person);

  // The address's role in the tenant: admin, else the directory's member or guest, else kNone.
  // Reads no consent state and writes no audit (token creation asks it too).
  Result<Role> RoleOf(const std::string& address);

 private:
  Result<PolicyDecision> Evaluate(const Principal& principal, InsightKind kind,
                                  const Subject& subject);
  Result<bool> GuestAuthorised(const std::string& address);
  Result<std::optional<std::string>> SubjectDenial(InsightKind kind, const Subject& subject,
                                                   const ConsentState& state);
  Status Audit(const Principal& principal, InsightKind kind, const Subject& subject,
               const PolicyDecision& decision, int64_t now);

  // The consent state, read (and its chain verified) once per request.
  Result<ConsentState> State();

  store::Store& store_;
  std::unique_ptr<AuditWriter> own_audit_;
  AuditWriter& audit_;
  std::optional<ConsentState> state_;
  std::unique_ptr<Exclusions> exclusions_;  // read by the first MayAppear
};

}  // namespace rapport::consent
