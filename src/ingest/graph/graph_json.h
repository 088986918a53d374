// GraphJsonParser: Microsoft Graph v1.0 JSON (an export or a captured response) -> model values.
//
// Contract:
// * Accepts a single resource, or a collection ({"value": [...]} with optional "@odata.nextLink",
//   "@odata.deltaLink", "@odata.context"). The resource type comes from "@odata.type" when
//   present, else from "@odata.context" (".../messages", ".../events", ".../users"), else from
//   the fields it has (internetMessageId/toRecipients: message; organizer/attendees/start:
//   event; userPrincipalName: user; groupTypes/securityEnabled/mailEnabled: group).
// * message: from (else sender), toRecipients, ccRecipients, bccRecipients (emailAddress.address
//   and .name), sentDateTime (else receivedDateTime), internetMessageId (without <>),
//   conversationId (ignored for now), and when internetMessageHeaders is present the
//   In-Reply-To, References, List-Id, Precedence, Auto-Submitted found there. Bodies, subjects
//   beyond MessageMeta::subject, and every other field are ignored. The fingerprint is computed
//   with ingest::ComputeFingerprint so that the same message from mail files and from Graph is
//   one message.
// * event: iCalUId (else id) as uid, organizer, attendees[] (type required/optional/resource;
//   resources are left out; status.response none/organizer/tentativelyAccepted/accepted/
//   declined/notResponded), start/end {dateTime, timeZone} with IANA or Windows zone names,
//   isAllDay, isCancelled, type (singleInstance/occurrence/exception/seriesMaster) with
//   seriesMasterId and originalStart; a seriesMaster's "recurrence" pattern is expanded within
//   the window like an RRULE.
// * user: id, displayName, mail, userPrincipalName, proxyAddresses, for the directory.
// * group: only counted (`groups`); `rapport directory import` reads the directory. A file that
//   holds nothing but users and groups is a directory export (HoldsOnlyDirectory), which an
//   ingest skips as a whole file with kSkipDirectoryExport.
// * Items with "@removed" are tombstones from a delta query: reported in `removed`.
// * An item that cannot be used (a message without sender or date, an event without start) is
//   skipped with a reason in `rejected`; invalid or truncated JSON gives a non-OK Result.
//   Never crashes, whatever the input; nesting deeper than 64 levels is rejected.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ingest/calendar/icalendar.h"
#include "rapport/model/meeting.h"
#include "rapport/model/message.h"
#include "rapport/status.h"

namespace rapport::ingest {

inline constexpr std::string_view kRejectInvalidJson = "invalid or truncated JSON";
inline constexpr std::string_view kRejectJsonTooDeep = "JSON nested deeper than 64 levels";

// Reasons for items skipped (in GraphJsonResult::rejected), besides kRejectNoSender
// (message_parser.h) and the kRejectEvent* reasons of icalendar.h, which Graph items share.
inline constexpr std::string_view kRejectGraphNoDate =
    "Graph message without a valid sentDateTime or receivedDateTime";
inline constexpr std::string_view kRejectGraphNotObject = "Graph item is not a JSON object";
inline constexpr std::string_view kRejectGraphTombstoneNoId = "Graph @removed item without id";
inline constexpr std::string_view kRejectGraphUnknownType = "Graph item of an unsupported type";
inline constexpr std::string_view kRejectGraphBadRecurrence =
    "Graph seriesMaster with an unreadable recurrence";
inline constexpr std::string_view kRejectGraphUserNoId = "Graph user without id or address";

// Why an ingest skips a file of Graph users and groups (see HoldsOnlyDirectory).
inline constexpr std::string_view kSkipDirectoryExport =
    "directory export (import it with rapport directory import)";

struct GraphMessage {
  std::string graph_id;  // Graph "id", so that a later @removed tombstone can find it
  model::MessageMeta meta;
};

struct GraphEvent {
  std::string graph_id;
  model::MeetingMeta meta;
  // An occurrence or exception whose series master was not in the same document (calendarView
  // never lists masters): the master's id, whose iCalUId names the series. meta.uid is then the
  // occurrence's own iCalUId, which no invitation e-mail carries.
  std::string series_master_id = {};
};

struct GraphUser {
  std::string graph_id;
  std::string display_name;
  std::string mail;  // primary SMTP address, lower-cased domain
  std::string user_principal_name;
  std::vector<std::string> aliases;  // from proxyAddresses ("smtp:" / "SMTP:" stripped)
};

struct GraphRemoved {
  enum class Kind { kMessage, kEvent, kUser, kGroup, kUnknown } kind = Kind::kUnknown;
  std::string graph_id;
};

struct GraphJsonResult {
  std::vector<GraphMessage> messages;
  std::vector<GraphEvent> events;
  std::vector<GraphUser> users;
  uint64_t groups = 0;  // directory groups: counted, not read
  std::vector<GraphRemoved> removed;
  std::vector<std::string> rejected;  // one reason per item skipped
  std::string next_link, delta_link;
};

Result<GraphJsonResult> ParseGraphJson(std::string_view json, const ExpansionWindow& window);

// True when the file held users or groups and nothing else (no message, event or tombstone of
// either; items skipped only as users without id): a directory export, not mail.
bool HoldsOnlyDirectory(const GraphJsonResult& result);

}  // namespace rapport::ingest
