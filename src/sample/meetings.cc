#include "sample/meetings.h"

#include <algorithm>
#include <iterator>

#include "sample/text.h"
#include "sample/zones.h"

namespace rapport::sample {
namespace {

constexpr uint64_t kRngStream = 3;  // the meetings' own random stream (population 1, traffic 2)
constexpr int64_t kDay = 86400;
constexpr int64_t kPeriodDays = 365;
constexpr int64_t kUsableDays = kPeriodDays - 3;  // as the mail: whole local days in every zone
constexpr uint64_t kMessagesPerMeeting = 15;
constexpr uint64_t kMinMeetings = 20;
constexpr uint32_t kMaxTeamSeries = 4;

// Title kinds, in the top two bits of Meeting::title.
constexpr uint32_t kInternalTitle = 0, kExternalTitle = 1, kTeamTitle = 2, kPartnerTitle = 3;
constexpr uint32_t kNoAccount = 0xFFFF;

constexpr std::string_view kInternalTitles[] = {
    "% planning", "% design review", "Sync on %", "% retrospective", "% budget check-in",
};
constexpr std::string_view kExternalTitles[] = {
    "Intro call: %",    "Quarterly business review: %",
    "% status meeting", "Contract discussion with %",
    "Workshop with %",  "% renewal",
};

constexpr MeetingRoom kRooms[] = {
    {"room-1a", "Room 1A"}, {"room-2b", "Room 2B"},     {"room-3a", "Room 3A"},
    {"room-4c", "Room 4C"}, {"boardroom", "Boardroom"},
};

uint32_t PackTitle(uint32_t kind, uint64_t templ, uint64_t param) {
  return kind << 30 | static_cast<uint32_t>(templ) << 16 | static_cast<uint32_t>(param);
}

void AppendHex(std::string& out, uint64_t v) {
  constexpr char kDigits[] = "0123456789ABCDEF";
  for (int shift = 60; shift >= 0; shift -= 4) out += kDigits[v >> shift & 0xF];
}

// The first user in the Pacific office, else in the Eastern office, else the first user.
uint32_t WesternmostUser(const Population& pop) {
  for (int offset : {-480, -300}) {
    for (uint32_t u = 0; u < pop.users.size(); ++u) {
      if (pop.people[u].offset_minutes == offset) return u;
    }
  }
  return 0;
}

}  // namespace

std::span<const MeetingRoom> MeetingRooms() {
  return kRooms;
}

MeetingPlan::MeetingPlan(const OrganisationSpec& spec, const Population& pop)
    : spec_(spec), pop_(pop), rng_(spec.seed, kRngStream) {
  window_start_ = spec.end_utc - kPeriodDays * kDay;
  first_day_ = DayOf(window_start_ + kDay - 1) + 1;
  usable_days_ = kUsableDays;
  uint64_t singles = spec.messages * 95 / 100 / kMessagesPerMeeting;
  singles = std::clamp<uint64_t>(singles, kMinMeetings, kMaxMeetings - kMaxTeamSeries - 1);
  for (uint64_t i = 0; i < singles; ++i) AddSingle();
  uint32_t ordinal = 0;
  for (const auto& team : pop.teams) {
    if (team.size() >= 2 && ordinal < kMaxTeamSeries) AddTeamSeries(team, ordinal++);
  }
  AddPartnerSeries();
  IndexByUser();
}

std::span<const MeetingAttendee> MeetingPlan::Attendees(const Meeting& m) const {
  return std::span<const MeetingAttendee>(attendees_).subspan(m.first_attendee, m.attendee_count);
}

void MeetingPlan::AddAttendee(uint32_t who, AttendeeKind kind) {
  MeetingAttendee a;
  a.who = who;
  a.kind = kind;
  a.response = kind == AttendeeKind::kRoom ? Response::kAccepted : PickResponse();
  attendees_.push_back(a);
}

// Whether `who` organises or already attends the meeting being built (its attendees are last).
bool MeetingPlan::HasAttendee(const Meeting& m, uint32_t who) const {
  if (m.organiser == who) return true;
  for (size_t i = m.first_attendee; i < attendees_.size(); ++i) {
    if (attendees_[i].kind != AttendeeKind::kRoom && attendees_[i].who == who) return true;
  }
  return false;
}

Response MeetingPlan::PickResponse() {
  uint64_t r = rng_.Uniform(100);
  if (r < 65) return Response::kAccepted;
  if (r < 75) return Response::kTentative;
  if (r < 85) return Response::kDeclined;
  return Response::kNeedsAction;
}

void MeetingPlan::AddSingle() {
  Meeting m;
  m.number = meetings_.size() + 1;
  m.first_attendee = static_cast<uint32_t>(attendees_.size());
  if (rng_.Uniform(100) < 75) {
    AddTieMeeting(m);
  } else {
    AddInternalMeeting(m);
  }
  if (pop_.people[m.organiser].internal && rng_.PerMille(300)) {
    AddAttendee(static_cast<uint32_t>(rng_.Uniform(std::size(kRooms))), AttendeeKind::kRoom);
  }
  PlaceSingle(m);
  Finish(m);
}

// Along a mail tie, picked with the mail's weights; either side of an external tie may invite.
void MeetingPlan::AddTieMeeting(Meeting& m) {
  auto u = static_cast<uint32_t>(pop_.user_pick.Pick(rng_));
  const User& user = pop_.users[u];
  uint32_t other = pop_.ties[user.first_tie + user.tie_pick.Pick(rng_)];
  const Person& o = pop_.people[other];
  bool user_organises = o.internal || rng_.PerMille(700);
  m.organiser = user_organises ? u : other;
  AddAttendee(user_organises ? other : u, AttendeeKind::kRequired);
  if (o.account >= 0 && rng_.PerMille(300)) {
    const Account& a = pop_.accounts[static_cast<size_t>(o.account)];
    auto colleague = a.first_contact + static_cast<uint32_t>(rng_.Uniform(a.contact_count));
    if (!HasAttendee(m, colleague)) AddAttendee(colleague, AttendeeKind::kRequired);
  }
  if (rng_.PerMille(300)) {
    const std::vector<uint32_t>& team = pop_.teams[user.team];
    uint32_t mate = team[rng_.Uniform(team.size())];
    AttendeeKind kind = rng_.PerMille(400) ? AttendeeKind::kOptional : AttendeeKind::kRequired;
    if (!HasAttendee(m, mate)) AddAttendee(mate, kind);
  }
  if (o.account >= 0) {
    uint64_t t = rng_.Uniform(std::size(kExternalTitles));
    m.title = PackTitle(kExternalTitle, t, static_cast<uint64_t>(o.account));
  } else {
    uint64_t t = rng_.Uniform(std::size(kInternalTitles));
    m.title = PackTitle(kInternalTitle, t, rng_.Uniform(ProjectCodenames().size()));
  }
}

void MeetingPlan::AddInternalMeeting(Meeting& m) {
  auto u = static_cast<uint32_t>(pop_.user_pick.Pick(rng_));
  m.organiser = u;
  const std::vector<uint32_t>& team = pop_.teams[pop_.users[u].team];
  for (int64_t n = rng_.Range(1, 4); n > 0; --n) {
    uint32_t mate = team[rng_.Uniform(team.size())];
    AttendeeKind kind = rng_.PerMille(200) ? AttendeeKind::kOptional : AttendeeKind::kRequired;
    if (!HasAttendee(m, mate)) AddAttendee(mate, kind);
  }
  // Someone from another team; always when the team gave nobody (a team of one).
  if (attendees_.size() == m.first_attendee || rng_.PerMille(250)) {
    uint64_t n = pop_.users.size();
    auto other = static_cast<uint32_t>((u + 1 + rng_.Uniform(n - 1)) % n);
    if (!HasAttendee(m, other)) AddAttendee(other, AttendeeKind::kRequired);
  }
  uint64_t t = rng_.Uniform(std::size(kInternalTitles));
  m.title = PackTitle(kInternalTitle, t, rng_.Uniform(ProjectCodenames().size()));
}

// A weekday in the period, in the organiser's working hours; internal organisers write their
// office zone (IANA or Windows name), external ones UTC.
void MeetingPlan::PlaceSingle(Meeting& m) {
  int64_t day = first_day_ + static_cast<int64_t>(rng_.Uniform(usable_days_ - 2));
  unsigned weekday = Weekday(day);
  if (weekday == 6) day += 2;
  if (weekday == 0) day += 1;
  if (rng_.PerMille(20)) {
    m.all_day = true;
    m.start_utc = day * kDay;
    m.minutes = static_cast<int32_t>(1440 * rng_.Range(1, 2));
    return;
  }
  int64_t local = day * kDay + 9 * 3600 + 1800 * static_cast<int64_t>(rng_.Uniform(15));
  uint64_t r = rng_.Uniform(100);
  m.minutes = r < 30 ? 30 : r < 45 ? 45 : r < 85 ? 60 : 90;
  const Person& org = pop_.people[m.organiser];
  int zone = org.internal ? ZoneIndexForOffset(org.offset_minutes) : -1;
  if (zone >= 0) {
    m.zone = static_cast<int8_t>(zone);
    m.windows_zone = m.organiser % 2 == 1;  // some users' calendars are on Exchange
    m.start_utc = UtcFromLocal(Zone(zone), local);
  } else {
    m.start_utc = local - int64_t{org.offset_minutes} * 60;
  }
  m.cancelled = rng_.PerMille(40);
  PlanInvitation(m);
}

// About one in five meetings with someone outside is also sent as an invitation e-mail.
void MeetingPlan::PlanInvitation(Meeting& m) {
  bool external = !pop_.people[m.organiser].internal;
  for (size_t i = m.first_attendee; i < attendees_.size(); ++i) {
    const MeetingAttendee& a = attendees_[i];
    if (a.kind != AttendeeKind::kRoom && !pop_.people[a.who].internal) external = true;
  }
  if (m.cancelled || !external || !rng_.PerMille(200)) return;
  // Sent one to ten days before, in the organiser's working day (the mail's fixed offset).
  int64_t offset = int64_t{pop_.people[m.organiser].offset_minutes} * 60;
  int64_t day = DayOf(m.start_utc + offset) - rng_.Range(1, 10);
  int64_t local = day * kDay + 8 * 3600 + static_cast<int64_t>(rng_.Uniform(9 * 3600));
  int64_t invite = std::max(local - offset, window_start_);
  if (invite < m.start_utc - 600) m.invite_utc = invite;
}

void MeetingPlan::AddTeamSeries(const std::vector<uint32_t>& team, uint32_t ordinal) {
  Meeting m;
  m.number = meetings_.size() + 1;
  m.first_attendee = static_cast<uint32_t>(attendees_.size());
  m.organiser = team[0];
  for (size_t i = 1; i < team.size(); ++i) AddAttendee(team[i], AttendeeKind::kRequired);
  AddAttendee(static_cast<uint32_t>(rng_.Uniform(std::size(kRooms))), AttendeeKind::kRoom);
  m.title = PackTitle(kTeamTitle, 0, ordinal);
  m.minutes = rng_.PerMille(500) ? 30 : 60;
  m.zone = static_cast<int8_t>(ZoneIndexForOffset(pop_.people[m.organiser].offset_minutes));
  m.windows_zone = ordinal % 2 == 1;
  Series s;
  s.until = ordinal % 2 == 1;
  auto weekday = static_cast<unsigned>(2 + rng_.Uniform(3));  // Tuesday to Thursday
  int64_t day = first_day_ + 7 + static_cast<int64_t>(rng_.Uniform(14));
  while (Weekday(day) != weekday) ++day;
  int64_t hour = rng_.PerMille(500) ? 10 : 14;
  int64_t weeks_left = (first_day_ + usable_days_ - 2 - day) / 7 + 1;
  s.count = static_cast<uint32_t>(std::min<int64_t>(rng_.Range(30, 45), weeks_left));
  s.excluded = static_cast<uint32_t>(4 + rng_.Uniform(4));
  s.moved = s.excluded + 2 + static_cast<uint32_t>(rng_.Uniform(4));
  s.cancelled = s.moved + 2 + static_cast<uint32_t>(rng_.Uniform(4));
  s.moved_by = rng_.PerMille(500) ? kDay : 3 * 3600;
  s.has_exceptions = true;
  AddSeries(m, s, day * kDay + hour * 3600);
}

// A fortnightly call with a partner on the US west coast, kept in "Pacific Standard Time" as
// Exchange writes it, organised from the westernmost office.
void MeetingPlan::AddPartnerSeries() {
  Meeting m;
  m.number = meetings_.size() + 1;
  m.first_attendee = static_cast<uint32_t>(attendees_.size());
  m.organiser = WesternmostUser(pop_);
  const User& user = pop_.users[m.organiser];
  uint32_t account = kNoAccount;
  for (uint32_t t = user.first_tie; t < user.first_tie + user.tie_count; ++t) {
    const Person& p = pop_.people[pop_.ties[t]];
    if (p.account < 0) continue;
    account = static_cast<uint32_t>(p.account);
    AddAttendee(pop_.ties[t], AttendeeKind::kRequired);
    break;
  }
  for (uint32_t mate : pop_.teams[user.team]) {
    if (!HasAttendee(m, mate) && attendees_.size() - m.first_attendee < 3) {
      AddAttendee(mate, AttendeeKind::kOptional);
    }
  }
  m.title = PackTitle(kPartnerTitle, 0, account);
  m.minutes = 45;
  m.zone = kPacificZone;
  m.windows_zone = true;
  Series s;
  s.interval_weeks = 2;
  int64_t day = first_day_ + 3;
  while (Weekday(day) != 3) ++day;  // Wednesdays
  s.count = static_cast<uint32_t>(std::min<int64_t>(20, (first_day_ + usable_days_ - day) / 14));
  AddSeries(m, s, day * kDay + 8 * 3600 + 1800);
}

void MeetingPlan::AddSeries(Meeting& m, Series s, int64_t first_local) {
  m.series = static_cast<int32_t>(series_.size());
  series_.push_back(s);
  m.start_utc = UtcFromLocal(Zone(m.zone), first_local);
  Finish(m);
}

void MeetingPlan::Finish(Meeting m) {
  m.attendee_count = static_cast<uint32_t>(attendees_.size() - m.first_attendee);
  if (m.series < 0) {
    occurrences_ += 1;
  } else {
    const Series& s = series_[static_cast<size_t>(m.series)];
    occurrences_ += s.count - (s.has_exceptions ? 1 : 0);
  }
  meetings_.push_back(m);
}

void MeetingPlan::IndexByUser() {
  of_user_.resize(pop_.users.size());
  auto users = static_cast<uint32_t>(pop_.users.size());
  for (uint32_t i = 0; i < meetings_.size(); ++i) {
    const Meeting& m = meetings_[i];
    if (m.organiser < users) of_user_[m.organiser].push_back(i);
    for (const MeetingAttendee& a : Attendees(m)) {
      if (a.kind != AttendeeKind::kRoom && a.who < users) of_user_[a.who].push_back(i);
    }
    if (m.invite_utc != 0) invitations_.push_back(i);
  }
  std::sort(invitations_.begin(), invitations_.end(), [this](uint32_t a, uint32_t b) {
    return meetings_[a].invite_utc != meetings_[b].invite_utc
               ? meetings_[a].invite_utc < meetings_[b].invite_utc
               : a < b;
  });
}

std::string MeetingPlan::Uid(const Meeting& m) const {
  std::string uid;
  const Person& org = pop_.people[m.organiser];
  if (org.internal) {
    // Exchange writes a hex GlobalObjectId; this keeps its fixed prefix.
    uid = "040000008200E00074C5B7101A82E008";
    AppendHex(uid, m.number);
    AppendHex(uid, spec_.seed);
    return uid;
  }
  AppendNumber(uid, m.number);
  uid += '-';
  AppendNumber(uid, spec_.seed);
  uid += org.address.substr(org.address.find('@'));
  return uid;
}

std::string MeetingPlan::Title(const Meeting& m) const {
  uint32_t kind = m.title >> 30, templ = m.title >> 16 & 0x3FFF, param = m.title & 0xFFFF;
  switch (kind) {
    case kInternalTitle:
      return FillTemplate(kInternalTitles[templ], ProjectCodenames()[param]);
    case kExternalTitle:
      return FillTemplate(kExternalTitles[templ], pop_.accounts[param].name);
    case kTeamTitle:
      return FillTemplate("Weekly team meeting (%)", ProjectCodenames()[param]);
    default:
      if (param == kNoAccount) return "West Coast partner call";
      return FillTemplate("Partner call: %", pop_.accounts[param].name);
  }
}

int64_t MeetingPlan::OccurrenceStart(const Meeting& m, uint32_t k) const {
  if (m.series < 0) return m.start_utc;
  const OfficeZone& zone = Zone(m.zone);
  int64_t first_local = m.start_utc + int64_t{OffsetAt(zone, m.start_utc)} * 60;
  int64_t weeks = int64_t{k} * SeriesOf(m).interval_weeks;
  return UtcFromLocal(zone, first_local + weeks * 7 * kDay);
}

int MeetingPlan::OffsetFor(const Meeting& m, int64_t utc) const {
  return m.zone < 0 ? 0 : OffsetAt(Zone(m.zone), utc);
}

}  // namespace rapport::sample
