#include "ingest/graph/graph_event.h"

#include <map>
#include <set>
#include <utility>

#include "ingest/graph/graph_recurrence.h"
#include "ingest/graph/graph_time.h"

namespace rapport::ingest::graph {
namespace {

using model::AttendeeResponse;

AttendeeResponse Response(std::string_view r) {
  if (r == "organizer" || r == "accepted") return AttendeeResponse::kAccepted;  // organisers attend
  if (r == "tentativelyAccepted") return AttendeeResponse::kTentative;
  if (r == "declined") return AttendeeResponse::kDeclined;
  if (r == "notResponded") return AttendeeResponse::kNeedsAction;
  return AttendeeResponse::kNone;
}

// People only: resources (rooms, equipment) are not relationships.
std::vector<model::Attendee> Attendees(const json& item) {
  std::vector<model::Attendee> out;
  const json* list = Field(item, "attendees");
  if (list == nullptr || !list->is_array()) return out;
  for (const json& a : *list) {
    std::string_view type = Str(a, "type");
    if (type == "resource") continue;
    auto who = MailboxOf(&a);
    if (!who) continue;
    model::Attendee att{std::move(*who)};
    if (type == "optional") att.role = model::AttendeeRole::kOptional;
    if (const json* status = Field(a, "status")) {
      att.response = Response(Str(*status, "response"));
    }
    out.push_back(std::move(att));
  }
  return out;
}

// One dateTimeTimeZone, with the zone it was written in (recurrences expand in it).
struct EventTime {
  enum class Error { kNone, kMissing, kUnknownZone } error = Error::kNone;
  model::Timestamp at{};
  GraphZone zone{};

  static EventTime Failed(Error e) {
    EventTime t;
    t.error = e;
    return t;
  }
};

EventTime ReadTime(const json* value, bool all_day) {
  EventTime t;
  auto dt = value != nullptr ? ParseIsoDateTime(Str(*value, "dateTime")) : std::nullopt;
  if (!dt) return EventTime::Failed(EventTime::Error::kMissing);
  if (all_day) {  // an all-day event spans its dates in UTC, whatever zone it names
    t.at = {FloorDiv(dt->local_seconds, kSecondsPerDay) * kSecondsPerDay, 0};
    return t;
  }
  if (dt->offset_minutes) {
    t.at = {dt->local_seconds - int64_t{*dt->offset_minutes} * 60, *dt->offset_minutes};
    return t;
  }
  std::string_view name = Str(*value, "timeZone");
  auto zone = ResolveGraphZone(name.empty() ? "UTC" : name);
  auto at = zone ? LocalToUtc(*zone, dt->local_seconds) : std::nullopt;
  if (!at) return EventTime::Failed(EventTime::Error::kUnknownZone);
  t.at = *at;
  t.zone = *zone;
  return t;
}

// The offset of `zone` at the instant `utc`, for the end of an expanded occurrence.
model::Timestamp InZone(const GraphZone& zone, int64_t utc) {
  int64_t offset = (UtcToLocal(zone, utc) - utc) / 60;
  return {utc, static_cast<int32_t>(offset)};
}

}  // namespace

void GraphEventParser::Push(std::string graph_id, model::MeetingMeta meta, Origin origin) {
  out_.events.push_back({std::move(graph_id), std::move(meta)});
  origins_.push_back(std::move(origin));
}

void GraphEventParser::Add(const json& item) {
  std::string id = Text(item, "id");
  model::MeetingMeta m;
  m.uid = Text(item, "iCalUId");
  if (m.uid.empty() && !id.empty()) m.uid = "graph:" + id;
  if (m.uid.empty()) return Reject(kRejectEventNoUid);

  m.all_day = Bool(item, "isAllDay").value_or(false);
  m.cancelled = Bool(item, "isCancelled").value_or(false);
  EventTime start = ReadTime(Field(item, "start"), m.all_day);
  if (start.error == EventTime::Error::kMissing) {
    return Reject(kRejectEventNoStart);
  }
  EventTime end = ReadTime(Field(item, "end"), m.all_day);
  if (start.error == EventTime::Error::kUnknownZone ||
      end.error == EventTime::Error::kUnknownZone) {
    return Reject(kRejectEventUnknownZone);
  }
  m.start = start.at;
  m.end = end.error == EventTime::Error::kNone ? end.at : start.at;
  if (end.error != EventTime::Error::kNone && m.all_day) m.end.utc_seconds += kSecondsPerDay;
  if (m.end.utc_seconds < m.start.utc_seconds) {
    return Reject(kRejectEventBadEnd);
  }
  if (auto organizer = MailboxOf(Field(item, "organizer"))) m.organizer = *organizer;
  m.attendees = Attendees(item);
  m.occurrence_start = m.start.utc_seconds;

  std::string_view type = Str(item, "type");
  if (type == "seriesMaster") {
    if (const json* rec = Field(item, "recurrence"); rec && !rec->is_null()) {
      auto r = ParseGraphRecurrence(*rec);
      if (!r) return Reject(kRejectGraphBadRecurrence);
      return Expand(id, m, start.zone, *r);
    }
  }
  Origin origin;
  if (type == "occurrence" || type == "exception") {
    origin.series_master_id = Text(item, "seriesMasterId");
    auto original = ParseGraphUtc(Str(item, "originalStart"));
    if (original) m.occurrence_start = original->utc_seconds;
  }
  Push(std::move(id), std::move(m), std::move(origin));
}

void GraphEventParser::Expand(const std::string& id, const model::MeetingMeta& master,
                              GraphZone zone, const GraphRecurrence& r) {
  // Dates count in the recurrence's zone when it names one (Graph often returns start in UTC
  // while the series repeats at a local wall-clock time).
  if (auto rz = r.time_zone.empty() ? std::nullopt : ResolveGraphZone(r.time_zone)) zone = *rz;
  const int64_t local_start =
      master.all_day ? master.start.utc_seconds : UtcToLocal(zone, master.start.utc_seconds);
  const int64_t time_of_day = local_start - FloorDiv(local_start, kSecondsPerDay) * kSecondsPerDay;
  const int64_t duration = master.end.utc_seconds - master.start.utc_seconds;
  // Local dates may differ from UTC dates by up to a day either way; the UTC filter below is exact.
  const int64_t from_day = FloorDiv(window_.start_utc, kSecondsPerDay) - 2;
  const int64_t last_day = FloorDiv(window_.end_utc, kSecondsPerDay) + 2;
  size_t produced = 0;
  for (int64_t day : ExpandGraphRecurrence(r, from_day, last_day, kMaxOccurrencesPerSeries + 8)) {
    const int64_t local = day * kSecondsPerDay + time_of_day;
    auto at = master.all_day ? std::optional(model::Timestamp{local, 0}) : LocalToUtc(zone, local);
    if (!at || at->utc_seconds < window_.start_utc || at->utc_seconds >= window_.end_utc) continue;
    model::MeetingMeta m = master;
    m.start = *at;
    m.end = master.all_day ? model::Timestamp{at->utc_seconds + duration, 0}
                           : InZone(zone, at->utc_seconds + duration);
    m.occurrence_start = at->utc_seconds;
    Push(id, std::move(m), Origin{{}, true});
    if (++produced >= kMaxOccurrencesPerSeries) break;
  }
}

void GraphEventParser::Finish() {
  std::map<std::string, std::string> master_uid;  // seriesMaster graph id -> its uid
  for (size_t i = 0; i < origins_.size(); ++i) {
    if (origins_[i].expanded) master_uid.emplace(out_.events[i].graph_id, out_.events[i].meta.uid);
  }
  std::set<std::pair<std::string, int64_t>> explicit_instances;
  for (size_t i = 0; i < origins_.size(); ++i) {
    const std::string& master = origins_[i].series_master_id;
    if (master.empty()) continue;
    explicit_instances.emplace(master, out_.events[i].meta.occurrence_start);
    if (auto it = master_uid.find(master); it != master_uid.end()) {
      out_.events[i].meta.uid = it->second;
    } else {
      out_.events[i].series_master_id = master;
    }
  }
  if (explicit_instances.empty()) return;
  size_t kept = 0;
  for (size_t i = 0; i < origins_.size(); ++i) {
    const GraphEvent& e = out_.events[i];
    if (origins_[i].expanded &&
        explicit_instances.count({e.graph_id, e.meta.occurrence_start}) != 0) {
      continue;  // the occurrence or exception item replaces what the pattern said
    }
    if (kept != i) {
      out_.events[kept] = std::move(out_.events[i]);
      origins_[kept] = std::move(origins_[i]);
    }
    ++kept;
  }
  out_.events.resize(kept);
  origins_.resize(kept);
}

}  // namespace rapport::ingest::graph
