#include "rapport/insights/target.h"

#include "ingest/identity/address_identity.h"
#include "ingest/identity/mail_domains.h"
#include "ingest/mail/header_block.h"
#include "rapport/consent/policy.h"

namespace rapport::insights {
namespace {

Result<Target> PersonTarget(store::Store& store, std::string_view text) {
  auto person = store.IdentifyPerson(text);
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
  if (!*account) return PersonTarget(store, text);
  Target t;
  t.kind = Target::Kind::kAccount;
  t.label = (*account)->name;
  auto people = store.PeopleAtDomains((*account)->domains);
  if (!people.ok()) return people.status();
  t.people = std::move(*people);
  return t;
}

}  // namespace rapport::insights
