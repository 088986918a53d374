#include "sample/organisation.h"

#include <string>

#include "sample/output.h"
#include "sample/population.h"
#include "sample/traffic.h"

namespace rapport::sample {
namespace {

constexpr uint64_t kMaxMessages = 1'000'000'000;
constexpr uint64_t kMessagesPerMbox = 100'000;

// The domain becomes part of every internal address, so only plain DNS names are accepted.
bool IsPlainDomain(const std::string& d) {
  if (d.empty() || d.front() == '.' || d.back() == '.' || d.find('.') == std::string::npos) {
    return false;
  }
  for (char c : d) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return false;
  }
  return d.find("..") == std::string::npos;
}

Status CheckSpec(const OrganisationSpec& spec) {
  if (spec.messages > kMaxMessages) {
    return Status::InvalidArgument("--messages " + std::to_string(spec.messages) +
                                   " is more than the sample supports; use at most 1000000000");
  }
  if (!IsPlainDomain(spec.internal_domain)) {
    return Status::InvalidArgument("internal domain '" + spec.internal_domain +
                                   "' is not a lower-case DNS name like northwind.example");
  }
  return Status::Ok();
}

uint64_t ContactCount(const Population& pop) {
  return pop.people.size() - pop.users.size();
}

}  // namespace

Result<OrganisationSummary> WriteSampleOrganisation(const OrganisationSpec& spec,
                                                    const std::string& out_dir) {
  RAPPORT_RETURN_IF_ERROR(CheckSpec(spec));
  RAPPORT_RETURN_IF_ERROR(PrepareOutputDir(out_dir));
  Population pop = BuildPopulation(spec);
  Traffic traffic(spec, pop);
  auto output = spec.layout == SampleLayout::kMbox
                    ? OpenMboxOutput(out_dir, kMessagesPerMbox)
                    : OpenMaildirOutput(out_dir, traffic.mailboxes());
  if (!output.ok()) return output.status();
  MailOutput& out = **output;
  for (uint64_t i = 0; i < spec.messages; ++i) RAPPORT_RETURN_IF_ERROR(out.Write(traffic.Next()));
  RAPPORT_RETURN_IF_ERROR(out.Finish());

  OrganisationSummary summary;
  summary.users = pop.users.size();
  summary.contacts = ContactCount(pop);
  summary.accounts = pop.accounts.size();
  summary.messages = spec.messages;
  summary.files = out.files();
  summary.bytes = out.bytes();
  return summary;
}

}  // namespace rapport::sample
