#include "sample/organisation.h"

#include <cstdint>
#include <string>
#include <vector>

#include "sample/calendar_writer.h"
#include "sample/directory_export.h"
#include "sample/graph_export.h"
#include "sample/meetings.h"
#include "sample/output.h"
#include "sample/population.h"
#include "sample/traffic.h"

namespace rapport::sample {
namespace {

constexpr uint64_t kMaxMessages = 1'000'000'000;
// At least two: an internal meeting of a team of one invites someone from another team.
constexpr uint64_t kMinAskedUsers = 2, kMaxAskedUsers = 100'000;
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
  if (spec.users != 0 && (spec.users < kMinAskedUsers || spec.users > kMaxAskedUsers)) {
    return Status::InvalidArgument("--users " + std::to_string(spec.users) +
                                   " is outside what the sample supports; use 2 to 100000");
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

// Writes the invitation e-mails in the order they were sent, between the mail of the same time.
class InvitationStream {
 public:
  InvitationStream(const OrganisationSpec& spec, const Population& pop, const MeetingPlan& plan,
                   const std::vector<std::string>& mailboxes)
      : spec_(spec), pop_(pop), plan_(plan), mailboxes_(mailboxes) {}

  // Writes every invitation sent before `utc` (INT64_MAX: all that are left).
  Status WriteBefore(int64_t utc, MailOutput& out, GraphExport& graph) {
    const std::vector<uint32_t>& order = plan_.Invitations();
    while (next_ < order.size() && plan_.meetings()[order[next_]].invite_utc < utc) {
      const Meeting& m = plan_.meetings()[order[next_]];
      // Numbered after the mail messages, so every Message-ID stays unique.
      uint64_t number = spec_.messages + 1 + next_++;
      uint32_t keeper = ComposeInvitation(spec_, pop_, plan_, m, number, text_, facts_);
      OutMessage msg;
      msg.text = text_;
      msg.envelope_from = pop_.people[m.organiser].address;
      msg.mailbox = mailboxes_[keeper];
      msg.utc = m.invite_utc;
      msg.number = number;
      RAPPORT_RETURN_IF_ERROR(out.Write(msg));
      RAPPORT_RETURN_IF_ERROR(graph.Add(facts_));
    }
    return Status::Ok();
  }

  uint64_t written() const { return next_; }

 private:
  const OrganisationSpec& spec_;
  const Population& pop_;
  const MeetingPlan& plan_;
  const std::vector<std::string>& mailboxes_;
  size_t next_ = 0;
  std::string text_;
  MessageFacts facts_;
};

Status WriteMail(const OrganisationSpec& spec, Traffic& traffic, MailOutput& out) {
  for (uint64_t i = 0; i < spec.messages; ++i) RAPPORT_RETURN_IF_ERROR(out.Write(traffic.Next()));
  return out.Finish();
}

// The mail with the invitations mixed in, then the calendars, the Graph and directory exports.
Status WriteWithMeetings(const OrganisationSpec& spec, const Population& pop, Traffic& traffic,
                         MailOutput& out, const std::string& out_dir,
                         OrganisationSummary& summary) {
  MeetingPlan plan(spec, pop);
  GraphExport graph(spec, pop, out_dir);
  RAPPORT_RETURN_IF_ERROR(graph.Open());
  InvitationStream invitations(spec, pop, plan, traffic.mailboxes());
  for (uint64_t i = 0; i < spec.messages; ++i) {
    OutMessage m = traffic.Next();
    RAPPORT_RETURN_IF_ERROR(invitations.WriteBefore(m.utc, out, graph));
    RAPPORT_RETURN_IF_ERROR(out.Write(m));
    RAPPORT_RETURN_IF_ERROR(graph.Add(traffic.facts()));
  }
  RAPPORT_RETURN_IF_ERROR(invitations.WriteBefore(INT64_MAX, out, graph));
  RAPPORT_RETURN_IF_ERROR(out.Finish());
  auto calendars = WriteCalendars(out_dir, spec, pop, plan, traffic.mailboxes());
  if (!calendars.ok()) return calendars.status();
  RAPPORT_RETURN_IF_ERROR(graph.Finish(plan));
  auto directory = WriteDirectoryExport(spec, pop, out_dir);
  if (!directory.ok()) return directory.status();
  summary.meetings = plan.Occurrences();
  summary.invitation_messages = invitations.written();
  summary.calendar_files = calendars->files;
  summary.graph_files = graph.files();
  summary.graph_messages = graph.messages();
  summary.directory_users = directory->users;
  summary.directory_guests = directory->guests;
  summary.directory_groups = directory->groups;
  summary.directory_files = directory->files;
  summary.directory_accounts = directory->accounts;
  summary.files += calendars->files + graph.files() + directory->files;
  summary.bytes += calendars->bytes + graph.bytes() + directory->bytes;
  return Status::Ok();
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
  OrganisationSummary summary;
  if (spec.meetings) {
    RAPPORT_RETURN_IF_ERROR(WriteWithMeetings(spec, pop, traffic, out, out_dir, summary));
  } else {
    RAPPORT_RETURN_IF_ERROR(WriteMail(spec, traffic, out));
  }
  summary.users = pop.users.size();
  summary.contacts = ContactCount(pop);
  summary.accounts = pop.accounts.size();
  summary.messages = spec.messages;
  summary.files += out.files();
  summary.bytes += out.bytes();
  return summary;
}

}  // namespace rapport::sample
