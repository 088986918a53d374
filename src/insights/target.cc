#include "rapport/insights/target.h"

#include <cctype>

#include "ingest/identity/address_identity.h"
#include "ingest/identity/mail_domains.h"
#include "ingest/mail/header_block.h"
#include "rapport/consent/policy.h"

namespace rapport::insights {
namespace {

Result<Target> PersonTarget(store::Store& store, std::string_view text) {
  // Who it is and their addresses; the names written for them only when they have no display
  // name (a sixteenth of a Who Knows Whom request went to reading what the label did not use).
  auto person = store.LocatePerson(text);
  if (person.ok() && person->display_name.empty()) person = store.IdentifyPerson(text);
  if (!person.ok()) return person.status();
  if (person->kind != "external") {
    std::string msg(text);
    msg += " is ";
    msg += person->kind == "internal" ? "a colleague" : "a guest";
    msg += "; give an external contact, an account or @domain";
    return Status::InvalidArgument(msg);
  }
  Target t;
  t.kind = Target::Kind::kPerson;
  t.address = consent::SubjectAddress(text, person->addresses);
  std::string name = person->display_name;
  for (const auto& written : person->names) {  // most often written first; not an address
    if (!name.empty()) break;
    if (written.find('@') == std::string::npos) name = written;
  }
  t.label = name.empty() ? t.address : name + " <" + t.address + ">";
  t.people = {person->id};
  return t;
}

Result<Target> DomainTarget(store::Store& store, std::string_view domain) {
  Target t;
  t.kind = Target::Kind::kDomain;
  // AddressKey normalises a domain as everywhere else: case, and IDN to its A-label.
  std::string probe = "x@";
  probe.append(domain);
  const std::string key = ingest::AddressKey(probe);
  const size_t at = key.rfind('@');
  const std::string org =
      at == std::string::npos ? "" : ingest::OrganisationDomain(key.substr(at + 1));
  if (org.empty())
    return Status::InvalidArgument("'@' must be followed by a domain: @fabrikam.com");
  t.label = "@" + org;
  auto people = store.PeopleAtDomains({org});
  if (!people.ok()) return people.status();
  if (people->empty()) {
    return Status::NotFound("nobody at " + t.label +
                            " is in this store (check the domain, or ingest mail from it)");
  }
  t.people = std::move(*people);
  return t;
}

Result<Target> AccountTarget(store::Store& store, const store::Account& account) {
  Target t;
  t.kind = Target::Kind::kAccount;
  t.label = account.name;
  auto people = store.PeopleAtDomains(account.domains);
  if (!people.ok()) return people.status();
  t.people = std::move(*people);
  return t;
}

// Lower-case letters and digits only: "Alpine Ski-House" and "alpineskihouse" compare equal.
// Text that names no account and no person: the one account whose name holds it, or, when
// several do, an error that names them. nullopt when none does.
Result<std::optional<Target>> PartialAccount(store::Store& store, std::string_view text) {
  const std::string want = FoldedName(text);
  if (want.size() < 3) return std::optional<Target>();
  auto accounts = store.ListAccounts();
  if (!accounts.ok()) return accounts.status();
  std::vector<const store::Account*> found;
  for (const auto& a : *accounts) {
    if (FoldedName(a.name).find(want) != std::string::npos) found.push_back(&a);
  }
  if (found.empty()) return std::optional<Target>();
  if (found.size() == 1) {
    auto t = AccountTarget(store, *found[0]);
    if (!t.ok()) return t.status();
    return std::optional<Target>(std::move(*t));
  }
  std::string names;
  for (size_t i = 0; i < found.size() && i < 5; ++i) names += (i ? ", " : "") + found[i]->name;
  if (found.size() > 5) names += ", ...";
  return Status::InvalidArgument(SingleQuoted(text) + " is part of " +
                                 std::to_string(found.size()) + " account names (" + names +
                                 "): give more of the one you mean");
}

}  // namespace

Result<Target> ResolveTarget(store::Store& store, std::string_view text) {
  text = ingest::TrimSpaces(text);
  if (text.empty()) return Status::InvalidArgument("give a contact, an account or @domain");
  if (text.starts_with('@')) return DomainTarget(store, text.substr(1));
  if (text.find('@') != std::string_view::npos || text.starts_with('/')) {
    return PersonTarget(store, text);
  }
  auto account = store.FindAccount(text);
  if (!account.ok()) return account.status();
  if (*account) return AccountTarget(store, **account);
  // "aol.com" is the domain @aol.com when people there are in the store.
  if (text.find('.') != std::string_view::npos && text.find(' ') == std::string_view::npos) {
    auto domain = DomainTarget(store, text);
    if (domain.ok()) return domain;
  }
  auto person = PersonTarget(store, text);
  if (person.ok() || person.status().code() == Status::Code::kInvalidArgument) {
    if (person.ok() || person.status().message().find(" is a ") != std::string::npos) {
      return person;  // a person, or a colleague named where a contact was wanted
    }
  }
  auto partial = PartialAccount(store, text);  // "Alpine" for "Alpine Ski House"
  if (!partial.ok()) return partial.status();
  if (*partial) return std::move(**partial);
  return person;
}

std::string FoldedName(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

}  // namespace rapport::insights
