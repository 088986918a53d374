// The meetings of a sample organisation: who meets whom, when, and in which time zone.
//
// Meetings follow the mail ties with the mail's weights (a strong tie meets more), about one per
// 15 person-to-person messages, plus internal meetings, all-day events, cancellations, meeting
// rooms and a few weekly series with an EXDATE, a moved occurrence and a cancelled one. They are
// drawn from their own random stream, so the mail does not change when meetings are added.
//
// Meetings are held in memory as compact records (about 60 bytes plus 8 per attendee), at most
// kMaxMeetings of them: 10 million messages would ask for ~630,000 meetings, which is more than a
// sample needs; the cap keeps memory near 30 MB whatever the message count.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sample/organisation.h"
#include "sample/population.h"

namespace rapport::sample {

inline constexpr uint64_t kMaxMeetings = 200'000;

enum class AttendeeKind : uint8_t { kRequired, kOptional, kRoom };
enum class Response : uint8_t { kAccepted, kDeclined, kTentative, kNeedsAction };

struct MeetingAttendee {
  uint32_t who = 0;  // person index; for kRoom an index into the meeting rooms
  AttendeeKind kind = AttendeeKind::kRequired;
  Response response = Response::kAccepted;
};

// A weekly series: occurrence k starts interval_weeks * k weeks after the first, same local time.
struct Series {
  uint32_t count = 0;
  uint32_t interval_weeks = 1;
  bool until = false;      // written as UNTIL=<last start> instead of COUNT
  uint32_t excluded = 0;   // occurrence index named by EXDATE
  uint32_t moved = 0;      // occurrence index moved by a RECURRENCE-ID override
  uint32_t cancelled = 0;  // occurrence index cancelled by a RECURRENCE-ID override
  int64_t moved_by = 0;    // seconds the moved occurrence is later than planned
  bool has_exceptions = false;
};

struct Meeting {
  uint64_t number = 0;  // 1-based, unique: part of the UID
  uint32_t organiser = 0;
  uint32_t first_attendee = 0, attendee_count = 0;
  int64_t start_utc = 0;      // all-day events: midnight UTC of the first day
  int32_t minutes = 0;        // all-day events: a multiple of 1440
  uint32_t title = 0;         // see MeetingPlan::Title
  int8_t zone = -1;           // the office zone its times are written in; -1: UTC ("Z")
  bool windows_zone = false;  // TZID as Exchange writes it ("Pacific Standard Time")
  bool all_day = false;
  bool cancelled = false;
  int32_t series = -1;     // index into MeetingPlan::series, or -1
  int64_t invite_utc = 0;  // when the invitation e-mail went out; 0: none was written
};

struct MeetingRoom {
  std::string_view local, name;
};
std::span<const MeetingRoom> MeetingRooms();

class MeetingPlan {
 public:
  MeetingPlan(const OrganisationSpec& spec, const Population& pop);

  const std::vector<Meeting>& meetings() const { return meetings_; }
  std::span<const MeetingAttendee> Attendees(const Meeting& m) const;
  const Series& SeriesOf(const Meeting& m) const { return series_[static_cast<size_t>(m.series)]; }
  // Meeting indexes each user organises or attends, in meeting order.
  const std::vector<uint32_t>& OfUser(uint32_t user) const { return of_user_[user]; }
  // Indexes of the meetings with an invitation e-mail, in the order the e-mails were sent.
  const std::vector<uint32_t>& Invitations() const { return invitations_; }
  // Occurrences, cancelled ones included and EXDATEs not: what a calendar shows.
  uint64_t Occurrences() const { return occurrences_; }

  std::string Uid(const Meeting& m) const;
  std::string Title(const Meeting& m) const;
  // The planned start of occurrence k of a series (k = 0 for a single meeting), in UTC.
  int64_t OccurrenceStart(const Meeting& m, uint32_t k) const;
  // Minutes east of UTC of the zone m is written in at `utc` (0 for UTC meetings).
  int OffsetFor(const Meeting& m, int64_t utc) const;

 private:
  void AddSingle();
  void AddTieMeeting(Meeting& m);
  void AddInternalMeeting(Meeting& m);
  void PlaceSingle(Meeting& m);
  void AddTeamSeries(const std::vector<uint32_t>& team, uint32_t ordinal);
  void AddPartnerSeries();
  void AddSeries(Meeting& m, Series s, int64_t first_local);
  void AddAttendee(uint32_t who, AttendeeKind kind);
  bool HasAttendee(const Meeting& m, uint32_t who) const;
  Response PickResponse();
  void PlanInvitation(Meeting& m);
  void Finish(Meeting m);
  void IndexByUser();

  const OrganisationSpec& spec_;
  const Population& pop_;
  Rng rng_;
  int64_t first_day_ = 0, usable_days_ = 0, window_start_ = 0;
  std::vector<Meeting> meetings_;
  std::vector<MeetingAttendee> attendees_;
  std::vector<Series> series_;
  std::vector<std::vector<uint32_t>> of_user_;
  std::vector<uint32_t> invitations_;
  uint64_t occurrences_ = 0;
};

}  // namespace rapport::sample
