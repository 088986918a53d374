#include "sync/graph/graph_calendar.h"

#include <set>

#include "ingest/graph/graph_json.h"

namespace rapport::sync {
namespace {

constexpr int64_t kDay = 86400;

struct CalendarCursor {
  std::string link;  // empty: begin a round
  int64_t from = 0, to = 0;
};

CalendarCursor ReadCursor(const std::map<std::string, std::string>& cursors,
                          const std::string& key) {
  CalendarCursor c;
  auto it = cursors.find(key);
  if (it == cursors.end()) return c;
  auto j = nlohmann::json::parse(it->second, nullptr, false);
  if (!j.is_object() || !j.contains("link") || !j["link"].is_string()) return c;
  if (!j.contains("from") || !j["from"].is_number_integer()) return c;
  if (!j.contains("to") || !j["to"].is_number_integer()) return c;
  c.link = j["link"].get<std::string>();
  c.from = j["from"].get<int64_t>();
  c.to = j["to"].get<int64_t>();
  return c;
}

class CalendarRound {
 public:
  CalendarRound(const GraphPass& c, const GraphMailboxRef& user) : c_(c) {
    key_ = user.id + "/calendar";
    location_ = "graph-calendar://" + c.settings.tenant + "/" + GraphPathSegment(user.address);
    user_path_ = "/users/" + GraphPathSegment(user.id);
    base_ = user_path_ + "/calendarView/delta";
  }

  Status Run(const std::map<std::string, std::string>& cursors, int64_t now);

 private:
  void BeginRound(int64_t now);
  Status StorePage(const ingest::GraphJsonResult& page);
  Status Save(const std::string& link);
  Status ForgetUnlisted();
  Status NameBySeries(ingest::GraphEvent& event);

  const GraphPass& c_;
  std::string key_, location_, user_path_, base_;
  std::map<std::string, std::string> series_uid_;  // series master id -> its iCalUId
  CalendarCursor cursor_;
  std::string url_;
  bool fresh_round_ = false;  // this run began the round: `listed_` holds all it listed
  std::set<uint64_t> listed_;
};

void CalendarRound::BeginRound(int64_t now) {
  const int64_t today = now - now % kDay;  // whole days: one window per day, whatever the hour
  cursor_.from = today - int64_t{c_.settings.meetings_back_days} * kDay;
  cursor_.to = today + int64_t{c_.settings.meetings_ahead_days} * kDay;
  // No $select: calendarView delta does not take one (Graph returns what GET /calendarView
  // does); the parser keeps only metadata.
  url_ =
      base_ + "?startDateTime=" + GraphUtc(cursor_.from) + "&endDateTime=" + GraphUtc(cursor_.to);
  fresh_round_ = true;
  listed_.clear();
}

Status CalendarRound::Run(const std::map<std::string, std::string>& cursors, int64_t now) {
  cursor_ = ReadCursor(cursors, key_);
  // Half the window ahead has passed: a new round over a window from today.
  const bool stale = cursor_.to - now < int64_t{c_.settings.meetings_ahead_days} * kDay / 2;
  if (cursor_.link.empty() || stale) {
    BeginRound(now);
  } else {
    url_ = cursor_.link;
  }
  bool resynced = false;
  while (true) {
    if (c_.options.stop && c_.options.stop->load()) return Status::Ok();
    auto body = c_.http.Get(url_, kCalendarPermission);
    if (!body.ok() && body.status().message() == kDeltaExpired && !resynced) {
      resynced = true;
      ++c_.counts.resyncs;
      BeginRound(now);
      continue;
    }
    if (!body.ok()) return body.status();
    ++c_.counts.pages;
    auto page = ingest::ParseGraphJson(*body, {cursor_.from, cursor_.to});
    if (!page.ok()) {
      return Status::Corruption("Graph: an unreadable calendar page: " + page.status().message());
    }
    RAPPORT_RETURN_IF_ERROR(StorePage(*page));
    if (!page->next_link.empty()) {
      RAPPORT_RETURN_IF_ERROR(Save(page->next_link));
      url_ = page->next_link;
      continue;
    }
    if (page->delta_link.empty()) {
      return Status::Corruption("Graph: a calendar page with neither a next nor a delta link");
    }
    if (fresh_round_) RAPPORT_RETURN_IF_ERROR(ForgetUnlisted());
    fresh_round_ = false;
    return Save(page->delta_link);
  }
}

Status CalendarRound::StorePage(const ingest::GraphJsonResult& page) {
  for (const auto& reason : page.rejected) {
    ++c_.counts.rejected;
    ++c_.counts.rejected_by_reason[reason];
  }
  for (auto event : page.events) {
    RAPPORT_RETURN_IF_ERROR(NameBySeries(event));
    const uint64_t offset = GraphItemOffset(event.graph_id);
    if (fresh_round_) listed_.insert(offset);
    if (c_.gate.Filter(event.meta) == ingest::GateVerdict::kDrop) {
      ++c_.counts.dropped_by_consent;
      // A meeting consent no longer covers: this calendar's earlier copy goes too.
      auto gone = c_.sink.RemoveItem(location_, offset);
      if (!gone.ok()) return gone.status();
      continue;
    }
    ingest::Provenance where{"graph", location_, offset, {}, /*live=*/true};
    where.current_state = true;
    auto outcome = c_.sink.AddMeeting(event.meta, where);
    if (!outcome.ok()) return outcome.status();
    ++c_.counts.meetings;
  }
  for (const auto& removed : page.removed) {
    // Graph also lists as removed the events that changed outside the window: forgetting this
    // calendar's copy of one of those is right too, as the window no longer shows it.
    auto gone = c_.sink.RemoveItem(location_, GraphItemOffset(removed.graph_id));
    if (!gone.ok()) return gone.status();
    if (*gone) ++c_.counts.removed;
  }
  return Status::Ok();
}

// An occurrence is named as its series is, (series iCalUId, original start), as an invitation
// e-mail's RECURRENCE-ID names it, so that both are one meeting. Each master is asked once.
Status CalendarRound::NameBySeries(ingest::GraphEvent& event) {
  if (event.series_master_id.empty()) return Status::Ok();
  auto known = series_uid_.find(event.series_master_id);
  if (known == series_uid_.end()) {
    auto body = c_.http.Get(
        user_path_ + "/events/" + GraphPathSegment(event.series_master_id) + "?$select=iCalUId",
        kCalendarPermission);
    // A master deleted since the page was made: the occurrence keeps its own name.
    if (!body.ok() && body.status().code() != Status::Code::kNotFound) return body.status();
    ++c_.counts.pages;
    std::string uid;
    if (body.ok()) {
      auto master = nlohmann::json::parse(*body, nullptr, false);
      if (master.is_object() && master.contains("iCalUId") && master["iCalUId"].is_string()) {
        uid = master["iCalUId"].get<std::string>();
      }
    }
    known = series_uid_.emplace(event.series_master_id, uid).first;
  }
  if (!known->second.empty()) event.meta.uid = known->second;
  return Status::Ok();
}

Status CalendarRound::Save(const std::string& link) {
  nlohmann::ordered_json j{{"link", link}, {"from", cursor_.from}, {"to", cursor_.to}};
  RAPPORT_RETURN_IF_ERROR(c_.sink.SetCursor(c_.source.id, key_, j.dump()));
  RAPPORT_RETURN_IF_ERROR(c_.sink.Commit());
  if (c_.options.progress) c_.options.progress(location_, c_.counts);
  return Status::Ok();
}

Status CalendarRound::ForgetUnlisted() {
  auto held = c_.sink.EventsAt(location_, cursor_.from, cursor_.to);
  if (!held.ok()) return held.status();
  for (uint64_t offset : *held) {
    if (listed_.count(offset)) continue;
    auto gone = c_.sink.RemoveItem(location_, offset);
    if (!gone.ok()) return gone.status();
    if (*gone) ++c_.counts.removed;
  }
  return Status::Ok();
}

}  // namespace

Status SyncGraphCalendar(const GraphPass& c, const GraphMailboxRef& user,
                         const std::map<std::string, std::string>& cursors, int64_t now_utc) {
  CalendarRound round(c, user);
  return round.Run(cursors, now_utc);
}

}  // namespace rapport::sync
