#include "sample/graph_export.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "sample/directory_export.h"
#include "sample/text.h"
#include "sample/zones.h"

namespace rapport::sample {
namespace {

using Json = nlohmann::ordered_json;  // keeps keys in insertion order: stable output

constexpr std::string_view kGraph = "https://graph.microsoft.com/v1.0/";
constexpr std::string_view kIdDomain = "@sample.rapport.invalid>";
constexpr uint64_t kEventIds = 1ull << 63;  // event ids count from here, message ids from 1
constexpr uint64_t kTombstones[] = {2, 5};  // counters of the messages the delta page deletes
constexpr std::string_view kNoTime = "0001-01-01T00:00:00Z";

std::string GraphId(std::string_view prefix, uint64_t counter) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string id(prefix);
  for (int shift = 60; shift >= 0; shift -= 4) id += kDigits[counter >> shift & 0xF];
  return id;
}

std::string IsoUtc(int64_t utc) {
  std::string s;
  AppendIsoUtc(s, utc);
  return s;
}

Json Address(std::string_view name, std::string_view address) {
  return Json{{"emailAddress", Json{{"name", name}, {"address", address}}}};
}

// Graph shows the address as the name when the header had none.
Json PersonAddress(const Person& p) {
  return Address(p.mailbox == p.address ? p.address : p.name, p.address);
}

std::string MessageId(uint64_t number, uint64_t seed) {
  std::string id = "<";
  AppendNumber(id, number);
  id += '.';
  AppendNumber(id, seed);
  id += kIdDomain;
  return id;
}

// Collections are written one item a line: readable, and diffs stay small.
void AppendItem(std::string& out, const Json& item) {
  if (!out.empty()) out += ",\n";
  out += item.dump();
}

Json Header(std::string_view name, std::string_view value) {
  return Json{{"name", name}, {"value", value}};
}

Json MessageHeaders(const MessageFacts& f, uint64_t seed) {
  Json headers = Json::array();
  if (!f.references.empty()) {
    headers.push_back(Header("In-Reply-To", MessageId(f.references.back(), seed)));
    std::string refs;
    for (uint64_t r : f.references) {
      if (!refs.empty()) refs += ' ';
      refs += MessageId(r, seed);
    }
    headers.push_back(Header("References", refs));
  }
  if (!f.list_id.empty()) headers.push_back(Header("List-Id", f.list_id));
  if (!f.precedence.empty()) headers.push_back(Header("Precedence", f.precedence));
  if (!f.auto_submitted.empty()) headers.push_back(Header("Auto-Submitted", f.auto_submitted));
  return headers;
}

// Graph's event time: local time with a Windows zone name when the meeting is kept in one,
// else UTC.
Json EventTime(const MeetingPlan& plan, const Meeting& m, int64_t utc) {
  std::string dt;
  bool local = m.zone >= 0 && m.windows_zone && !m.all_day;
  AppendGraphDateTime(dt, local ? utc + int64_t{plan.OffsetFor(m, utc)} * 60 : utc);
  return Json{{"dateTime", dt}, {"timeZone", local ? Zone(m.zone).windows : "UTC"}};
}

std::string_view ResponseName(Response r) {
  static constexpr std::string_view kNames[] = {"accepted", "declined", "tentativelyAccepted",
                                                "notResponded"};
  return kNames[static_cast<int>(r)];
}

class EventBuilder {
 public:
  EventBuilder(const OrganisationSpec& spec, const Population& pop, const MeetingPlan& plan,
               uint32_t user)
      : spec_(spec), pop_(pop), plan_(plan), user_(user) {}

  // The meeting as /events lists it: a singleInstance, or a seriesMaster and its exceptions.
  // A deleted occurrence (EXDATE) is listed as cancelled, so a reader that expands the master's
  // pattern does not bring it back.
  void Add(const Meeting& m, std::string& out) {
    std::string id = GraphId("AAMk", kEventIds + ++counter_);
    int64_t end = m.start_utc + int64_t{m.minutes} * 60;
    Json master = Event(m, id, m.series < 0 ? "singleInstance" : "seriesMaster", m.start_utc, end);
    master["isCancelled"] = m.cancelled;
    if (m.series >= 0) master["recurrence"] = Recurrence(m);
    AppendItem(out, master);
    if (m.series < 0 || !plan_.SeriesOf(m).has_exceptions) return;
    const Series& s = plan_.SeriesOf(m);
    AppendItem(out, Instance(m, id, s.moved, s.moved_by, "exception", false));
    AppendItem(out, Instance(m, id, s.cancelled, 0, "exception", true));
    AppendItem(out, Instance(m, id, s.excluded, 0, "occurrence", true));
  }

 private:
  Json Instance(const Meeting& m, const std::string& master_id, uint32_t k, int64_t moved_by,
                std::string_view type, bool cancelled) {
    int64_t original = plan_.OccurrenceStart(m, k);
    int64_t start = original + moved_by;
    std::string id = GraphId("AAMk", kEventIds + ++counter_);
    Json e = Event(m, id, type, start, start + int64_t{m.minutes} * 60);
    e["isCancelled"] = cancelled;
    e["seriesMasterId"] = master_id;
    e["originalStart"] = IsoUtc(original);
    return e;
  }

  Json Event(const Meeting& m, const std::string& id, std::string_view type, int64_t start,
             int64_t end) {
    Json e;
    e["id"] = id;
    e["createdDateTime"] = IsoUtc(std::min(m.start_utc, spec_.end_utc) - 14 * 86400);
    e["lastModifiedDateTime"] = IsoUtc(spec_.end_utc - 3600);
    e["iCalUId"] = plan_.Uid(m);
    e["subject"] = plan_.Title(m);
    e["bodyPreview"] = "";
    e["isAllDay"] = m.all_day;
    e["isCancelled"] = false;
    e["isOrganizer"] = m.organiser == user_;
    e["responseStatus"] = Json{{"response", OwnResponse(m)}, {"time", kNoTime}};
    e["type"] = type;
    e["seriesMasterId"] = nullptr;
    e["start"] = EventTime(plan_, m, start);
    e["end"] = EventTime(plan_, m, end);
    e["attendees"] = Attendees(m);
    e["organizer"] = PersonAddress(pop_.people[m.organiser]);
    return e;
  }

  std::string_view OwnResponse(const Meeting& m) const {
    if (m.organiser == user_) return "organizer";
    for (const MeetingAttendee& a : plan_.Attendees(m)) {
      if (a.kind != AttendeeKind::kRoom && a.who == user_) return ResponseName(a.response);
    }
    return "none";
  }

  Json Attendees(const Meeting& m) const {
    Json list = Json::array();
    for (const MeetingAttendee& a : plan_.Attendees(m)) {
      Json item;
      if (a.kind == AttendeeKind::kRoom) {
        const MeetingRoom& r = MeetingRooms()[a.who];
        item["type"] = "resource";
        item["status"] = Json{{"response", "accepted"}, {"time", kNoTime}};
        item["emailAddress"] =
            Json{{"name", r.name}, {"address", std::string(r.local) + "@" + spec_.internal_domain}};
      } else {
        item["type"] = a.kind == AttendeeKind::kOptional ? "optional" : "required";
        item["status"] = Json{{"response", ResponseName(a.response)}, {"time", kNoTime}};
        item["emailAddress"] = PersonAddress(pop_.people[a.who])["emailAddress"];
      }
      list.push_back(std::move(item));
    }
    return list;
  }

  Json Recurrence(const Meeting& m) const {
    static constexpr std::string_view kDays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                                 "thursday", "friday", "saturday"};
    const Series& s = plan_.SeriesOf(m);
    auto local_day = [&](int64_t utc) {
      return DayOf(utc + int64_t{plan_.OffsetFor(m, utc)} * 60);
    };
    std::string start, end = "0001-01-01";
    AppendIsoDate(start, local_day(m.start_utc));
    if (s.until) {
      end.clear();
      AppendIsoDate(end, local_day(plan_.OccurrenceStart(m, s.count - 1)));
    }
    Json pattern{{"type", "weekly"},
                 {"interval", s.interval_weeks},
                 {"month", 0},
                 {"dayOfMonth", 0},
                 {"daysOfWeek", Json::array({kDays[Weekday(local_day(m.start_utc))]})},
                 {"firstDayOfWeek", "sunday"},
                 {"index", "first"}};
    Json range{{"type", s.until ? "endDate" : "numbered"},
               {"startDate", start},
               {"endDate", end},
               {"recurrenceTimeZone", Zone(m.zone).windows},
               {"numberOfOccurrences", s.until ? 0 : s.count}};
    return Json{{"pattern", pattern}, {"range", range}};
  }

  const OrganisationSpec& spec_;
  const Population& pop_;
  const MeetingPlan& plan_;
  uint32_t user_;
  uint64_t counter_ = 0;
};

}  // namespace

uint32_t BusiestUser(const Population& pop) {
  uint32_t best = 0;
  for (uint32_t u = 1; u < pop.users.size(); ++u) {
    if (pop.user_pick.weight(u) > pop.user_pick.weight(best)) best = u;
  }
  return best;
}

GraphExport::GraphExport(const OrganisationSpec& spec, const Population& pop,
                         const std::string& out_dir)
    : spec_(spec),
      pop_(pop),
      dir_((std::filesystem::path(out_dir) / "graph").string()),
      user_(BusiestUser(pop)),
      upn_(pop.people[user_].address) {}

Status GraphExport::Open() {
  return CreateDirectories(dir_);
}

std::string GraphExport::Base() const {
  return std::string(kGraph) + "users('" + upn_ + "')";
}

bool GraphExport::Involves(const MessageFacts& f) const {
  if (f.from == int64_t{user_}) return true;
  for (const auto* list : {&f.to, &f.cc}) {
    for (uint32_t p : *list) {
      if (p == user_) return true;
    }
  }
  return false;
}

Status GraphExport::Add(const MessageFacts& f) {
  if (messages_ == kMaxGraphMessages || !Involves(f)) return Status::Ok();
  if (in_page_ == kGraphPageSize) RAPPORT_RETURN_IF_ERROR(WritePage(false));
  bool sent = f.from == int64_t{user_};
  int64_t received = sent ? f.utc : f.utc + 1 + static_cast<int64_t>(f.number % 47);
  Json from = f.from >= 0 ? PersonAddress(pop_.people[static_cast<size_t>(f.from)])
                          : Address(f.robot_name, f.robot_address);
  Json to = Json::array(), cc = Json::array();
  for (uint32_t p : f.to) to.push_back(PersonAddress(pop_.people[p]));
  for (uint32_t p : f.cc) cc.push_back(PersonAddress(pop_.people[p]));
  if (!f.list_address.empty()) to.push_back(Address("", f.list_address));
  Json m;
  m["id"] = GraphId("AAMk", ++messages_);
  m["createdDateTime"] = IsoUtc(received);
  m["lastModifiedDateTime"] = IsoUtc(received);
  m["receivedDateTime"] = IsoUtc(received);
  m["sentDateTime"] = IsoUtc(f.utc);
  m["hasAttachments"] = false;
  m["internetMessageId"] = MessageId(f.number, spec_.seed);
  m["subject"] = f.subject;
  m["bodyPreview"] = "";
  m["importance"] = "normal";
  m["parentFolderId"] = sent ? "AAMkSentItems" : "AAMkInbox";
  m["conversationId"] = GraphId("AAQk", f.root);
  m["isRead"] = true;
  m["isDraft"] = false;
  m["inferenceClassification"] = f.from >= 0 ? "focused" : "other";
  m["sender"] = from;
  m["from"] = std::move(from);
  m["toRecipients"] = std::move(to);
  m["ccRecipients"] = std::move(cc);
  m["bccRecipients"] = Json::array();
  Json headers = MessageHeaders(f, spec_.seed);
  if (!headers.empty()) m["internetMessageHeaders"] = std::move(headers);
  AppendItem(page_, m);
  ++in_page_;
  return Status::Ok();
}

Status GraphExport::WritePage(bool last) {
  ++pages_;
  std::string name = "messages-page-";
  AppendPadded(name, pages_, 3);
  std::string link_name = last ? "@odata.deltaLink" : "@odata.nextLink";
  std::string link = last ? Base() + "/messages/delta?$deltatoken=" + GraphId("", spec_.seed)
                          : Base() + "/messages?$top=500&$skiptoken=page-";
  if (!last) AppendPadded(link, pages_ + 1, 3);
  RAPPORT_RETURN_IF_ERROR(WriteCollection(
      name + ".json", std::string(kGraph) + "$metadata#users('" + upn_ + "')/messages", page_,
      link_name, link));
  page_.clear();
  in_page_ = 0;
  return Status::Ok();
}

Status GraphExport::WriteCollection(const std::string& name, const std::string& context,
                                    const std::string& items, const std::string& link_name,
                                    const std::string& link) {
  std::string data = "{\n\"@odata.context\": " + Json(context).dump() + ",\n\"value\": [\n";
  data += items;
  data += items.empty() ? "]" : "\n]";
  if (!link_name.empty()) data += ",\n" + Json(link_name).dump() + ": " + Json(link).dump();
  data += "\n}\n";
  RAPPORT_RETURN_IF_ERROR(WriteWholeFile(dir_ + "/" + name, data));
  ++files_;
  bytes_ += data.size();
  return Status::Ok();
}

Status GraphExport::Finish(const MeetingPlan& plan) {
  RAPPORT_RETURN_IF_ERROR(WritePage(true));
  std::string items;
  for (uint64_t counter : kTombstones) {
    if (counter > messages_) continue;
    Json t{{"@odata.type", "#microsoft.graph.message"},
           {"id", GraphId("AAMk", counter)},
           {"@removed", Json{{"reason", "deleted"}}}};
    AppendItem(items, t);
  }
  std::string delta = Base() + "/messages/delta?$deltatoken=" + GraphId("", spec_.seed + 1);
  RAPPORT_RETURN_IF_ERROR(WriteCollection("messages-delta.json",
                                          std::string(kGraph) + "$metadata#Collection(message)",
                                          items, "@odata.deltaLink", delta));
  items.clear();
  EventBuilder events(spec_, pop_, plan, user_);
  for (uint32_t i : plan.OfUser(user_)) events.Add(plan.meetings()[i], items);
  RAPPORT_RETURN_IF_ERROR(
      WriteCollection("events.json", std::string(kGraph) + "$metadata#users('" + upn_ + "')/events",
                      items, "", ""));
  items.clear();
  std::string tenant = spec_.internal_domain.substr(0, spec_.internal_domain.find('.'));
  for (uint32_t u = 0; u < pop_.users.size(); ++u) {
    const Person& p = pop_.people[u];
    std::string alias =
        p.address.substr(0, p.address.find('@')) + "@" + tenant + ".onmicrosoft.com";
    Json user{{"id", DirectoryUserId(u, spec_.seed)},
              {"displayName", p.name},
              {"mail", p.address},
              {"userPrincipalName", p.address},
              {"proxyAddresses", Json::array({"SMTP:" + p.address, "smtp:" + alias})}};
    AppendItem(items, user);
  }
  return WriteCollection("users.json", std::string(kGraph) + "$metadata#users", items, "", "");
}

}  // namespace rapport::sample
