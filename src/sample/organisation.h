// SampleOrganisation: a deterministic, realistic synthetic organisation written as mail files, so
// that the quick start, tests and benchmarks have data without shipping anyone's real mail.
//
// Contract: the same spec (seed included) always writes byte-identical files, on any machine.
// The organisation has internal users at one internal domain, external contacts grouped into
// accounts (company domains) plus some free-mail contacts, heavy-tailed contact frequencies
// (a few ties carry most of the traffic), reply chains with In-Reply-To/References, Cc lists,
// some newsletters/notifications carrying List-Id / Precedence / Auto-Submitted, and dates spread
// over the 12 months before `end_utc`. Output size scales linearly, memory does not: 10 million
// messages are written streaming, mbox files are split into shards.
#pragma once

#include <cstdint>
#include <string>

#include "rapport/status.h"

namespace rapport::sample {

enum class SampleLayout { kMaildir, kMbox };

struct OrganisationSpec {
  uint64_t messages = 2000;
  // Internal users; 0 derives them from `messages` (one per 2,000, from 10 to 5,000), which
  // keeps the output of a spec without it unchanged. Accounts and contacts follow the users.
  uint64_t users = 0;
  uint64_t seed = 1;
  SampleLayout layout = SampleLayout::kMaildir;
  std::string internal_domain = "northwind.example";
  int64_t end_utc = 1782777600;  // 2026-06-30T00:00:00Z: fixed so output does not depend on today
  // Calendars, invitation e-mails, the Graph export and the directory export. Off writes exactly
  // the mail-only output of earlier versions (same bytes for the same seed).
  bool meetings = true;
};

struct OrganisationSummary {
  uint64_t users = 0;
  uint64_t contacts = 0;
  uint64_t accounts = 0;
  uint64_t messages = 0;  // person-to-person and bulk mail: OrganisationSpec::messages
  uint64_t files = 0;     // every file written: mail, calendars, Graph and directory
  uint64_t bytes = 0;
  uint64_t meetings = 0;             // occurrences: a weekly series counts once a week
  uint64_t invitation_messages = 0;  // invitation e-mails, in addition to `messages`
  uint64_t calendar_files = 0;
  uint64_t graph_files = 0;
  uint64_t graph_messages = 0;      // messages in the Graph mailbox export
  uint64_t directory_users = 0;     // users in directory/users.json, guests included
  uint64_t directory_guests = 0;    // of which guests (external contacts)
  uint64_t directory_groups = 0;    // groups in directory/groups.json: the teams and Leadership
  uint64_t directory_accounts = 0;  // accounts in directory/accounts.csv (the CRM's list)
  uint64_t directory_files = 0;
};

// Writes the organisation under `out_dir` (created if needed; must be empty or absent).
// Maildir: out_dir/<user>/{cur,new,tmp}/... one file per message, as each user's mailbox would
// hold it (a message appears in its sender's "sent" folder when the sender is internal, otherwise
// in the first internal recipient's inbox: one copy per message).
// Mbox: out_dir/mbox/part-NNNN.mbox, at most 100,000 messages per file.
// With meetings on, also:
// * out_dir/calendar/<user>.ics: each user's calendar as an RFC 5545 export (CRLF, folded),
//   every meeting the user organises or attends; a meeting has one UID in every file. Meetings
//   follow the mail ties (about one per 15 person-to-person messages, at most 200,000), with
//   weekly series (RRULE, EXDATE, RECURRENCE-ID), cancellations, all-day events and rooms.
// * invitation e-mails (multipart/alternative with a text/calendar METHOD:REQUEST part) for
//   about a fifth of the meetings with external people, in the chosen mail layout, numbered
//   after the `messages` mail messages and mixed in by date.
// * out_dir/graph/: messages-page-NNN.json (the busiest user's mailbox as paged Graph v1.0
//   message collections, at most 50,000 messages, no bodies), messages-delta.json (tombstones),
//   events.json (that user's events) and users.json (the directory).
// * out_dir/directory/users.json and groups.json: the directory as Graph v1.0 users and groups
//   (departments, managers, groups, X.500 proxy addresses, a few guests) for
//   `rapport directory import`; see directory_export.h.
Result<OrganisationSummary> WriteSampleOrganisation(const OrganisationSpec& spec,
                                                    const std::string& out_dir);

}  // namespace rapport::sample
