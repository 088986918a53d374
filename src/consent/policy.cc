#include "rapport/consent/policy.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "consent/exclusions.h"
#include "consent/keyed_hash.h"
#include "ingest/identity/address_identity.h"
#include "ingest/mail/header_block.h"
#include "rapport/consent/optout.h"

namespace rapport::consent {
namespace {

PolicyDecision Deny(std::string reason, Role role) {
  return {false, std::move(reason), role};
}

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string_view::npos) comma = s.size();
    std::string item = ingest::AddressKey(s.substr(start, comma - start));
    if (!item.empty()) out.push_back(std::move(item));
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::string_view InsightKindName(InsightKind kind) {
  switch (kind) {
    case InsightKind::kWhoKnowsWhom:
      return "who-knows-whom";
    case InsightKind::kRelationship:
      return "relationship";
    case InsightKind::kPersonal:
      return "personal";
    case InsightKind::kEngagement:
      return "engagement";
    case InsightKind::kPerson:
      return "person";
  }
  return "personal";
}

Result<InsightKind> ParseInsightKind(std::string_view name) {
  for (InsightKind k : {InsightKind::kWhoKnowsWhom, InsightKind::kRelationship,
                        InsightKind::kPersonal, InsightKind::kEngagement, InsightKind::kPerson}) {
    if (name == InsightKindName(k)) return k;
  }
  return Status::InvalidArgument(
      SingleQuoted(name) +
      " is not an insight (who-knows-whom, relationship, personal or engagement)");
}

ConsentType ConsentFor(InsightKind kind) {
  switch (kind) {
    case InsightKind::kPersonal:
      return ConsentType::kPersonal;
    case InsightKind::kEngagement:
      return ConsentType::kAggregated;
    case InsightKind::kWhoKnowsWhom:
    case InsightKind::kRelationship:
    case InsightKind::kPerson:
      return ConsentType::kIdentifiable;
  }
  return ConsentType::kIdentifiable;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kMember:
      return "member";
    case Role::kGuest:
      return "guest";
    case Role::kNone:
      return "none";
  }
  return "none";
}

namespace {

// Admins are named at init; members are internal people (in the directory or at an internal
// domain); guests are the directory's guests. Anyone else is nobody here.
Result<Role> RoleIn(store::Store& store, const store::TenantConfig& tenant,
                    const std::string& address) {
  const std::string key = ingest::AddressKey(address);
  if (std::find(tenant.admins.begin(), tenant.admins.end(), key) != tenant.admins.end()) {
    return Role::kAdmin;
  }
  auto person = store.LocatePerson(key);
  if (!person.ok()) {
    if (person.status().code() == Status::Code::kNotFound) return Role::kNone;
    return person.status();
  }
  if (person->kind == "internal") return Role::kMember;
  if (person->kind == "guest") return Role::kGuest;
  return Role::kNone;
}

}  // namespace

Result<Role> PolicyDecisionPoint::RoleOf(const std::string& address) {
  auto tenant = store_.Tenant();
  if (!tenant.ok()) return tenant.status();
  return RoleIn(store_, *tenant, address);
}

Result<bool> PolicyDecisionPoint::GuestAuthorised(const std::string& address) {
  auto access = store_.Setting(kGuestAccess);
  if (!access.ok()) return access.status();
  if (!*access) return false;
  auto list = SplitList(**access);
  return std::find(list.begin(), list.end(), ingest::AddressKey(address)) != list.end();
}

// Why the subject may not be shown for this kind, if so: opted out, or in an excluded group.
Result<std::optional<std::string>> PolicyDecisionPoint::SubjectDenial(InsightKind kind,
                                                                      const Subject& subject,
                                                                      const ConsentState& state) {
  if (subject.address.empty()) return std::optional<std::string>();
  OptOuts optouts(store_);
  auto scope = optouts.ScopeOf(subject.address);
  if (!scope.ok()) return scope.status();
  if (*scope && (**scope == OptOutScope::kAll || kind != InsightKind::kPersonal)) {
    return std::optional<std::string>("subject opted out");
  }
  const TypeState& t = state.of(ConsentFor(kind));
  auto excluded = store_.GroupMemberAddresses(t.last->excluded_groups);
  if (!excluded.ok()) return excluded.status();
  if (std::binary_search(excluded->begin(), excluded->end(), ingest::AddressKey(subject.address))) {
    return std::optional<std::string>("subject is in an excluded group");
  }
  return std::optional<std::string>();
}

std::string SubjectAddress(std::string_view given, const std::vector<std::string>& addresses) {
  const bool smtp = given.find('@') != std::string_view::npos && !given.starts_with('/');
  if (smtp) return std::string(given);
  for (const auto& a : addresses) {
    if (a.find('@') != std::string::npos && !ingest::StartsWithIgnoreCase(a, "imcea")) return a;
  }
  return std::string(given);
}

Result<std::vector<std::string>> AuditSubjectNames(store::Store& store, std::string_view address) {
  std::vector<std::string> names;
  auto hash = KeyedHash(store, store::KeyPurpose::kAuditSubject).Of(ingest::AddressKey(address));
  if (!hash.ok()) return hash.status();
  names.push_back("hmac:" + *hash);
  // Entries written before the keys left the store named their subject under the opt-out key.
  if (store.Keys().Start(store::Ledger::kAudit).seq > 1) {
    auto legacy = OptOuts(store).HashOf(address);
    if (!legacy.ok()) return legacy.status();
    names.push_back("hmac:" + *legacy);
  }
  return names;
}

Result<std::map<std::string, std::string>> AuditSubjectAddresses(
    store::Store& store, const std::set<std::string>& names) {
  std::map<std::string, std::string> out;
  if (names.empty()) return out;
  auto keys = store.AddressKeys();
  if (!keys.ok()) return keys.status();
  auto optouts = store.ListOptOuts();
  if (!optouts.ok()) return optouts.status();
  std::set<std::string> opted_out;
  for (const auto& [hash, scope] : *optouts) opted_out.insert(hash);
  OptOuts hashes(store);
  for (const std::string& address : *keys) {
    auto mine = AuditSubjectNames(store, address);
    if (!mine.ok()) return mine.status();
    for (const std::string& name : *mine) {
      if (!names.count(name) || out.count(name)) continue;
      auto optout = hashes.HashOf(address);
      if (!optout.ok()) return optout.status();
      if (!opted_out.count(*optout)) out.emplace(name, address);
    }
  }
  return out;
}

PolicyDecisionPoint::PolicyDecisionPoint(store::Store& store, AuditWriter* audit)
    : store_(store),
      own_audit_(audit ? nullptr : std::make_unique<AuditWriter>()),
      audit_(audit ? *audit : *own_audit_) {}
PolicyDecisionPoint::~PolicyDecisionPoint() = default;

Result<ConsentState> PolicyDecisionPoint::State() {
  if (!state_) {
    auto state = ConsentLedger(store_).State();
    if (!state.ok()) return state.status();
    state_ = std::move(*state);
  }
  return *state_;
}

Result<bool> PolicyDecisionPoint::MayAppear(InsightKind kind, int64_t person) {
  if (!exclusions_) {
    auto state = State();
    if (!state.ok()) return state.status();
    auto exclusions = Exclusions::For(store_, *state);
    if (!exclusions.ok()) return exclusions.status();
    exclusions_ = std::make_unique<Exclusions>(std::move(*exclusions));
  }
  if (!exclusions_->any()) return true;  // nobody opted out, no group excluded
  auto addresses = store_.AddressesOf(person);
  if (!addresses.ok()) return addresses.status();
  for (const auto& key : *addresses) {
    if (exclusions_->ExcludedFrom(ConsentFor(kind), key)) return false;
  }
  return true;
}

Result<PolicyDecision> PolicyDecisionPoint::Evaluate(const Principal& principal, InsightKind kind,
                                                     const Subject& subject) {
  auto tenant = store_.Tenant();
  if (!tenant.ok()) return tenant.status();
  if (principal.tenant != tenant->name) return Deny("wrong tenant", Role::kNone);
  auto role = RoleIn(store_, *tenant, principal.address);
  if (!role.ok()) return role.status();
  if (*role == Role::kNone) return Deny("caller is not a user of this tenant", *role);
  auto state = State();
  if (!state.ok()) return state.status();
  const ConsentType type = ConsentFor(kind);
  if (!state->of(type).in_force) {
    return Deny("consent " + std::string(ConsentTypeName(type)) + " not in force", *role);
  }
  if (kind == InsightKind::kPersonal) {
    if (ingest::AddressKey(subject.address) != ingest::AddressKey(principal.address)) {
      return Deny("personal insights are only for their owner", *role);
    }
  } else if (*role == Role::kGuest) {
    auto authorised = GuestAuthorised(principal.address);
    if (!authorised.ok()) return authorised.status();
    if (type == ConsentType::kIdentifiable) {
      auto setting = store_.Setting(kGuestsSeeIdentifiable);
      if (!setting.ok()) return setting.status();
      if (!*authorised || *setting != std::optional<std::string>("true")) {
        return Deny("caller is a guest", *role);
      }
    } else if (!*authorised) {
      return Deny("guest not authorised", *role);
    }
  }
  auto denial = SubjectDenial(kind, subject, *state);
  if (!denial.ok()) return denial.status();
  if (*denial) return Deny(**denial, *role);
  return PolicyDecision{true, "allowed", *role};
}

Status PolicyDecisionPoint::Audit(const Principal& principal, InsightKind kind,
                                  const Subject& subject, const PolicyDecision& decision,
                                  int64_t now) {
  // The subject is kept as its keyed hash (as opt-outs are, but under a key of its own), never as
  // the address: the audit is append-only, so an address in it could never be purged. "Who
  // looked at X?" is still answered by hashing X (rapport audit list --subject X).
  std::string who;
  if (!subject.address.empty()) {
    auto hash =
        KeyedHash(store_, store::KeyPurpose::kAuditSubject).Of(ingest::AddressKey(subject.address));
    if (!hash.ok()) return hash.status();
    who = "hmac:" + *hash;
  }
  nlohmann::ordered_json entry{{"seq", 0},
                               {"at", now},
                               {"principal", ingest::AddressKey(principal.address)},
                               {"tenant", principal.tenant},
                               {"role", RoleName(decision.role)},
                               {"insight", InsightKindName(kind)},
                               {"subject", who},
                               {"account", subject.account},
                               {"decision", decision.allow ? "allow" : "deny"},
                               {"reason", decision.reason}};
  return audit_.Append(store_, [&entry](int64_t seq) {
    entry["seq"] = seq;
    // Text the caller typed (an account's name) may not be UTF-8: replaced, never thrown on.
    return entry.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  });
}

Result<PolicyDecision> PolicyDecisionPoint::Decide(const Principal& principal, InsightKind kind,
                                                   const Subject& subject, int64_t now) {
  auto decision = Evaluate(principal, kind, subject);
  if (!decision.ok()) return decision.status();
  RAPPORT_RETURN_IF_ERROR(Audit(principal, kind, subject, *decision, now));
  return decision;
}

}  // namespace rapport::consent
