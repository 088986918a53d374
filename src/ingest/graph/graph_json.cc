#include "ingest/graph/graph_json.h"

#include <algorithm>
#include <utility>

#include "ingest/graph/graph_event.h"
#include "ingest/graph/graph_time.h"
#include "ingest/graph_fields.h"
#include "ingest/mail/header_block.h"
#include "ingest/mail/message_id.h"
#include "ingest/mail/message_parser.h"

namespace rapport::ingest {
namespace {

using graph::json;
using Kind = GraphRemoved::Kind;

constexpr size_t kMaxDepth = 64;

// True when no array or object in `text` is nested deeper than `max` levels. Checked before
// parsing so that hostile input cannot make the parser or the destructor of the tree recurse
// without bound.
bool DepthWithin(std::string_view text, size_t max) {
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

// "#microsoft.graph.eventMessage", "messages", "calendarView" ... -> the kind of resource.
Kind KindFromName(std::string_view name) {
  if (!name.empty() && name.front() == '#') name.remove_prefix(1);
  constexpr std::string_view kNamespace = "microsoft.graph.";
  if (name.starts_with(kNamespace)) name.remove_prefix(kNamespace.size());
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           EqualsIgnoreCase(name.substr(name.size() - suffix.size()), suffix);
  };
  // eventMessage, eventMessageRequest ... are messages (meeting mail), not events.
  if (ends_with("message") || ends_with("messages") || name.starts_with("eventMessage")) {
    return Kind::kMessage;
  }
  for (std::string_view e : {"event", "events", "calendarView", "instances"}) {
    if (EqualsIgnoreCase(name, e)) return Kind::kEvent;
  }
  if (EqualsIgnoreCase(name, "user") || EqualsIgnoreCase(name, "users")) return Kind::kUser;
  if (EqualsIgnoreCase(name, "group") || EqualsIgnoreCase(name, "groups")) return Kind::kGroup;
  return Kind::kUnknown;
}

// The kind named by an "@odata.context" ("...$metadata#users('x')/messages(sender)/$entity",
// "...#Collection(event)") or by a next/delta link (".../me/calendarView/delta?$skiptoken=...").
Kind KindFromContext(std::string_view context) {
  if (size_t hash = context.find('#'); hash != std::string_view::npos) {
    context.remove_prefix(hash + 1);
  } else {
    context = context.substr(0, context.find('?'));
  }
  constexpr std::string_view kCollection = "Collection(";
  if (context.starts_with(kCollection)) {
    context.remove_prefix(kCollection.size());
    return KindFromName(context.substr(0, context.find(')')));
  }
  // Path segments without their "(...)" parts, read from the last; "$entity", "$delta" and
  // "delta" say nothing about the kind.
  std::vector<std::string> segments(1);
  int parens = 0;
  for (char c : context) {
    if (c == '(') ++parens;
    if (parens == 0 && c == '/') segments.emplace_back();
    if (parens == 0 && c != '/') segments.back() += c;
    if (c == ')' && parens > 0) --parens;
  }
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
    if (it->empty() || it->front() == '$' || *it == "delta") continue;
    return KindFromName(*it);
  }
  return Kind::kUnknown;
}

bool HasAny(const json& item, std::initializer_list<const char*> keys) {
  return std::any_of(keys.begin(), keys.end(), [&](const char* k) { return item.contains(k); });
}

Kind KindFromFields(const json& item) {
  if (HasAny(item, {"internetMessageId", "toRecipients", "sentDateTime", "receivedDateTime", "from",
                    "sender"})) {
    return Kind::kMessage;
  }
  if (HasAny(item, {"organizer", "attendees", "start", "iCalUId", "seriesMasterId"})) {
    return Kind::kEvent;
  }
  if (HasAny(item, {"groupTypes", "securityEnabled", "mailEnabled"})) return Kind::kGroup;
  if (HasAny(item, {"userPrincipalName", "proxyAddresses"})) return Kind::kUser;
  return Kind::kUnknown;
}

void ApplyHeaders(const json& headers, model::MessageMeta& m) {
  if (!headers.is_array()) return;
  for (const json& h : headers) {
    ApplyThreadingOrBulkField(graph::Str(h, "name"), graph::Str(h, "value"), m);
  }
}

void AppendRecipients(const json& item, const char* key, std::vector<model::Mailbox>& to) {
  const json* list = graph::Field(item, key);
  if (list == nullptr || !list->is_array()) return;
  for (const json& r : *list) {
    if (auto m = graph::MailboxOf(&r)) to.push_back(std::move(*m));
  }
}

void AddMessage(const json& item, GraphJsonResult& out) {
  GraphMessage msg{graph::Text(item, "id"), {}};
  model::MessageMeta& m = msg.meta;
  for (const char* key : {"from", "sender"}) {
    auto who = graph::MailboxOf(graph::Field(item, key));
    if (who && !who->address.empty()) {
      m.from = std::move(*who);
      break;
    }
  }
  if (m.from.address.empty()) return void(out.rejected.emplace_back(kRejectNoSender));
  auto sent = graph::ParseGraphUtc(graph::Str(item, "sentDateTime"));
  if (!sent) sent = graph::ParseGraphUtc(graph::Str(item, "receivedDateTime"));
  if (!sent) return void(out.rejected.emplace_back(kRejectGraphNoDate));
  m.sent = *sent;
  AppendRecipients(item, "toRecipients", m.to);
  AppendRecipients(item, "ccRecipients", m.cc);
  AppendRecipients(item, "bccRecipients", m.bcc);
  m.message_id = ParseMessageId(graph::Str(item, "internetMessageId"));
  m.subject = graph::Text(item, "subject");  // Graph gives it decoded, like DecodeHeaderText
  if (const json* headers = graph::Field(item, "internetMessageHeaders")) ApplyHeaders(*headers, m);
  m.fingerprint = ComputeFingerprint(m);
  out.messages.push_back(std::move(msg));
}

void AddProxyAddresses(const json& list, GraphUser& u) {
  if (!list.is_array()) return;
  for (const json& p : list) {
    std::string_view v = p.is_string() ? std::string_view(p.get_ref<const std::string&>()) : "";
    if (v.size() < 5 || !EqualsIgnoreCase(v.substr(0, 5), "smtp:")) continue;  // X500:, SIP:
    std::string address = graph::NormalizeAddress(v.substr(5));
    if (address.empty()) continue;
    if (v.starts_with("SMTP:") && u.mail.empty()) {  // upper-case prefix: the primary address
      u.mail = std::move(address);
      continue;
    }
    auto same = [&](const std::string& a) { return EqualsIgnoreCase(a, address); };
    if (!same(u.mail) && std::none_of(u.aliases.begin(), u.aliases.end(), same)) {
      u.aliases.push_back(std::move(address));
    }
  }
}

void AddUser(const json& item, GraphJsonResult& out) {
  GraphUser u;
  u.graph_id = graph::Text(item, "id");
  u.display_name = graph::Text(item, "displayName");
  u.mail = graph::NormalizeAddress(graph::Str(item, "mail"));
  std::string_view upn = graph::Str(item, "userPrincipalName");
  u.user_principal_name = graph::NormalizeAddress(upn);
  if (u.user_principal_name.empty()) u.user_principal_name = SanitizeText(upn);
  if (const json* proxies = graph::Field(item, "proxyAddresses")) AddProxyAddresses(*proxies, u);
  if (u.graph_id.empty() && u.mail.empty() && u.user_principal_name.empty()) {
    return void(out.rejected.emplace_back(kRejectGraphUserNoId));
  }
  out.users.push_back(std::move(u));
}

// The kind of one item: its own @odata.type, else its own or its collection's context, else its
// fields. An explicit type rapport does not read is not guessed from fields.
Kind ItemKind(const json& item, Kind collection) {
  std::string_view type = graph::Str(item, "@odata.type");
  if (!type.empty()) return KindFromName(type);
  Kind kind = KindFromContext(graph::Str(item, "@odata.context"));
  if (kind == Kind::kUnknown) kind = collection;
  if (kind == Kind::kUnknown && !item.contains("@removed")) kind = KindFromFields(item);
  return kind;
}

void AddItem(const json& item, Kind collection, graph::GraphEventParser& events,
             GraphJsonResult& out) {
  if (!item.is_object()) return void(out.rejected.emplace_back(kRejectGraphNotObject));
  Kind kind = ItemKind(item, collection);
  if (item.contains("@removed")) {
    std::string id = graph::Text(item, "id");
    if (id.empty()) return void(out.rejected.emplace_back(kRejectGraphTombstoneNoId));
    return out.removed.push_back({kind, std::move(id)});
  }
  switch (kind) {
    case Kind::kMessage:
      return AddMessage(item, out);
    case Kind::kEvent:
      return events.Add(item);
    case Kind::kUser:
      return AddUser(item, out);
    case Kind::kGroup:
      return void(++out.groups);
    case Kind::kUnknown:
      break;
  }
  out.rejected.emplace_back(kRejectGraphUnknownType);
}

}  // namespace

Result<GraphJsonResult> ParseGraphJson(std::string_view text, const ExpansionWindow& window) {
  if (!DepthWithin(text, kMaxDepth)) {
    return Status::InvalidArgument(std::string(kRejectJsonTooDeep));
  }
  json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument(std::string(kRejectInvalidJson));
  if (!doc.is_object() && !doc.is_array()) {
    return Status::InvalidArgument("not a Graph resource or collection: the JSON is a " +
                                   std::string(doc.type_name()));
  }
  if (const json* error = graph::Field(doc, "error"); error && error->is_object()) {
    return Status::InvalidArgument("a Graph error response: " + graph::Text(*error, "code") + ": " +
                                   graph::Text(*error, "message"));
  }
  GraphJsonResult out;
  Kind collection = Kind::kUnknown;
  const json* items = &doc;  // a bare array is read as a list of resources
  if (doc.is_object()) {
    out.next_link = graph::Text(doc, "@odata.nextLink");
    out.delta_link = graph::Text(doc, "@odata.deltaLink");
    const json* value = graph::Field(doc, "value");
    items = value != nullptr && value->is_array() ? value : nullptr;
    if (items != nullptr) collection = KindFromContext(graph::Str(doc, "@odata.context"));
    for (const std::string* link : {&out.next_link, &out.delta_link}) {
      if (collection == Kind::kUnknown && items != nullptr) collection = KindFromContext(*link);
    }
  }
  graph::GraphEventParser events(window, out);
  if (items == nullptr) {
    AddItem(doc, Kind::kUnknown, events, out);
  } else {
    for (const json& item : *items) AddItem(item, collection, events, out);
  }
  events.Finish();
  return out;
}

bool HoldsOnlyDirectory(const GraphJsonResult& r) {
  auto directory_tombstone = [](const GraphRemoved& t) {
    return t.kind == Kind::kUser || t.kind == Kind::kGroup;
  };
  auto user_without_id = [](const std::string& reason) { return reason == kRejectGraphUserNoId; };
  return (!r.users.empty() || r.groups > 0) && r.messages.empty() && r.events.empty() &&
         std::all_of(r.removed.begin(), r.removed.end(), directory_tombstone) &&
         std::all_of(r.rejected.begin(), r.rejected.end(), user_without_id);
}

}  // namespace rapport::ingest
