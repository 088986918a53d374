// MailDomains: what an address's domain says about its owner (SPEC §3).
//
// Contract:
// * OrganisationDomain() is the registrable domain (public suffix + one label, from libpsl's
//   built-in Public Suffix List): mail.fabrikam.co.uk -> fabrikam.co.uk. Subdomains of a
//   company thereby roll up into its account. Empty for a domain that is only a suffix, an IP
//   literal or not a domain at all.
// * IsFreeMailDomain(): consumer mail and ISP domains (gmail.com, outlook.com, aol.com, ...),
//   checked on the organisation domain; such domains never form an account.
// * IsRoleAddress(): addresses of systems and functions rather than people (noreply,
//   mailer-daemon, postmaster, bounces, calendar robots, ...), which never make a relationship.
#pragma once

#include <string>
#include <string_view>

namespace rapport::ingest {

std::string OrganisationDomain(std::string_view domain);

bool IsFreeMailDomain(std::string_view organisation_domain);

bool IsRoleAddress(std::string_view address);

}  // namespace rapport::ingest
