// What account engagement reads (SPEC §4.5): the e-mails and meetings between the tenant's internal
// people and the people of its accounts, one item per account, and the releases charged to the
// tenant's privacy budget. Plain types; Store reads and writes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rapport::store {

// One e-mail between internal people and the people of one account. Bulk mail and role
// addresses never make one. A message to people at two accounts is two items.
struct AccountMail {
  int64_t id = 0;  // the message
  int64_t sent_at = 0;
  int64_t account = 0;
  // Sent by one of the account's people to internal people; else sent by an internal person to
  // (at least) one of the account's people.
  bool from_account = false;
  int64_t sender = 0;             // person
  std::vector<int64_t> internal;  // internal people on it: the sender and/or recipients, distinct
  std::vector<int64_t> contacts;  // the account's people on it, distinct
  // from_account and an answer to a stored message an internal person sent: who sent that, and
  // how many seconds later this came (>= 0). Otherwise 0 and -1.
  int64_t answers = 0;
  int64_t reply_seconds = -1;
};

// One meeting (an occurrence that took place: not cancelled, not all-day) between internal people
// and the people of one account, who attended (the organiser, and attendees who did not decline).
struct AccountMeeting {
  int64_t id = 0;
  int64_t start = 0, end = 0;  // UTC seconds
  int64_t account = 0;
  // Organised by one of the account's people / by an internal person; neither when the organiser
  // is unknown or someone else.
  bool by_account = false, by_internal = false;
  int64_t organizer = 0;          // person, 0 when unknown
  std::vector<int64_t> internal;  // internal people who attended, distinct
  std::vector<int64_t> contacts;  // the account's people who attended, distinct
};

// What one release costs one calendar month of data (SPEC §4.5): zCDP rho in billionths, and the
// delta of its partition selection in units of 10^-18. Every month a release reads is charged.
struct MonthCharge {
  int64_t month = 0;  // the month's first second, as civil seconds in the tenant's time zone
  int64_t rho_nano = 0;
  int64_t delta_atto = 0;
};

// A release of account engagement (the budget ledger's rows).
struct PrivacyRelease {
  int64_t id = 0;
  std::string request_key;    // the canonical request: an identical request finds this release
  std::string requested_by;   // the principal's address
  int64_t released_at = 0;    // UTC seconds
  int64_t epsilon_micro = 0;  // the epsilon asked for (per month read), in millionths
  std::string delta;          // the tenant's delta per month, as printed ("1e-07")
  int64_t rows = 0;           // rows released
  std::string body;           // what was released (rows and parameters), JSON
  std::vector<MonthCharge> charges;  // what it cost each month it read
};

// What each month has spent in all, over the store's life.
struct MonthSpent {
  int64_t month = 0;
  int64_t rho_nano = 0;
  int64_t delta_atto = 0;
  int64_t releases = 0;
};

// What a new release may spend: every month's lifetime budget, and for a capped caller (a member
// or guest, not an admin) how many new releases they may make since `caller_since` (the start of
// this calendar month).
struct ReleaseLimits {
  int64_t rho_budget_nano = 0;
  int64_t delta_budget_atto = 0;
  int64_t caller_since = 0;
  std::optional<int64_t> caller_releases_per_month;  // unset: the caller is not capped
};

}  // namespace rapport::store
