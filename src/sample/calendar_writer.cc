#include "sample/calendar_writer.h"

#include <filesystem>
#include <string_view>

#include "sample/text.h"
#include "sample/traffic.h"
#include "sample/zones.h"

namespace rapport::sample {
namespace {

constexpr size_t kMaxOctets = 75;
constexpr std::string_view kDays[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
constexpr std::string_view kIdDomain = "@sample.rapport.invalid>";

// Appends content lines with the given line end, folded as RFC 5545 §3.1 asks: at most 75
// octets a line, continuation lines starting with a space, never inside a UTF-8 sequence.
class IcsLines {
 public:
  IcsLines(std::string& out, std::string_view eol) : out_(out), eol_(eol) {}

  void Add(std::string_view line) {
    size_t limit = kMaxOctets;
    while (line.size() > limit) {
      size_t cut = limit;
      while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
      out_ += line.substr(0, cut);
      out_ += eol_;
      out_ += ' ';
      line.remove_prefix(cut);
      limit = kMaxOctets - 1;  // the leading space counts
    }
    out_ += line;
    out_ += eol_;
  }

 private:
  std::string& out_;
  std::string_view eol_;
};

// TEXT values escape backslash, semicolon, comma and newline (RFC 5545 §3.3.11).
void AppendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '\\' || c == ';' || c == ',') out += '\\';
    out += c;
  }
}

// A parameter value is quoted when it holds a character that would end it.
void AppendParam(std::string& out, std::string_view value) {
  bool quote = value.find_first_of(":;,") != std::string_view::npos;
  if (quote) out += '"';
  out += value;
  if (quote) out += '"';
}

void AppendOffset(std::string& out, int minutes) {
  out += minutes < 0 ? '-' : '+';
  int a = minutes < 0 ? -minutes : minutes;
  AppendPadded(out, static_cast<uint64_t>(a / 60), 2);
  AppendPadded(out, static_cast<uint64_t>(a % 60), 2);
}

std::string_view TzidOf(const Meeting& m) {
  const OfficeZone& z = Zone(m.zone);
  return m.windows_zone ? z.windows : z.iana;
}

void AddObservance(IcsLines& lines, std::string_view kind, std::string_view start,
                   std::string_view rrule, int from, int to, std::string_view abbr) {
  std::string l;
  lines.Add("BEGIN:" + std::string(kind));
  lines.Add("DTSTART:" + std::string(start));
  if (!rrule.empty()) lines.Add("RRULE:" + std::string(rrule));
  l = "TZOFFSETFROM:";
  AppendOffset(l, from);
  lines.Add(l);
  l = "TZOFFSETTO:";
  AppendOffset(l, to);
  lines.Add(l);
  lines.Add("TZNAME:" + std::string(abbr));
  lines.Add("END:" + std::string(kind));
}

void AddTimezone(IcsLines& lines, const OfficeZone& z, std::string_view tzid) {
  lines.Add("BEGIN:VTIMEZONE");
  lines.Add("TZID:" + std::string(tzid));
  bool dst = z.rule != DstRule::kNone;
  int summer = z.std_offset + (dst ? 60 : 0);
  AddObservance(lines, "STANDARD", z.std_start, z.std_rrule, summer, z.std_offset, z.std_abbr);
  if (dst) {
    AddObservance(lines, "DAYLIGHT", z.dst_start, z.dst_rrule, z.std_offset, summer, z.dst_abbr);
  }
  lines.Add("END:VTIMEZONE");
}

// The VTIMEZONE a meeting needs, as a bit: two per zone (IANA and Windows name).
uint32_t ZoneBit(const Meeting& m) {
  return m.zone < 0 || m.all_day ? 0 : 1u << (m.zone * 2 + (m.windows_zone ? 1 : 0));
}

void AddTimezones(IcsLines& lines, uint32_t bits) {
  for (int z = 0; z < ZoneCount(); ++z) {
    if (bits >> (z * 2) & 1) AddTimezone(lines, Zone(z), Zone(z).iana);
    if (bits >> (z * 2 + 1) & 1) AddTimezone(lines, Zone(z), Zone(z).windows);
  }
}

class EventWriter {
 public:
  EventWriter(const OrganisationSpec& spec, const Population& pop, const MeetingPlan& plan,
              IcsLines& lines)
      : spec_(spec), pop_(pop), plan_(plan), lines_(lines) {}

  // The meeting's VEVENT, and for a series its RECURRENCE-ID overrides.
  void Add(const Meeting& m) {
    int64_t start = m.start_utc;
    Begin(m, start, start + int64_t{m.minutes} * 60);
    if (m.series >= 0) AddRecurrence(m);
    End(m, m.cancelled);
    if (m.series < 0 || !plan_.SeriesOf(m).has_exceptions) return;
    const Series& s = plan_.SeriesOf(m);
    AddOverride(m, s.moved, s.moved_by, false);
    AddOverride(m, s.cancelled, 0, true);
  }

 private:
  void Begin(const Meeting& m, int64_t start, int64_t end) {
    lines_.Add("BEGIN:VEVENT");
    lines_.Add("UID:" + plan_.Uid(m));
    std::string l = "DTSTAMP:";
    AppendIcsDateTime(l, spec_.end_utc);
    lines_.Add(l + "Z");
    Time("DTSTART", m, start);
    Time("DTEND", m, end);
  }

  void End(const Meeting& m, bool cancelled) {
    std::string l = "SUMMARY:";
    AppendEscaped(l, plan_.Title(m));
    lines_.Add(l);
    Organizer(m);
    for (const MeetingAttendee& a : plan_.Attendees(m)) Attendee(a);
    lines_.Add(cancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
    lines_.Add(m.all_day ? "TRANSP:TRANSPARENT" : "TRANSP:OPAQUE");
    lines_.Add("END:VEVENT");
  }

  void Time(std::string_view name, const Meeting& m, int64_t utc) {
    std::string l(name);
    if (m.all_day) {
      l += ";VALUE=DATE:";
      AppendIcsDate(l, DayOf(utc));
    } else if (m.zone < 0) {
      l += ':';
      AppendIcsDateTime(l, utc);
      l += 'Z';
    } else {
      l += ";TZID=";
      AppendParam(l, TzidOf(m));
      l += ':';
      AppendIcsDateTime(l, utc + int64_t{plan_.OffsetFor(m, utc)} * 60);
    }
    lines_.Add(l);
  }

  void AddRecurrence(const Meeting& m) {
    const Series& s = plan_.SeriesOf(m);
    std::string l = "RRULE:FREQ=WEEKLY;";
    if (s.interval_weeks > 1) {
      l += "INTERVAL=";
      AppendNumber(l, s.interval_weeks);
      l += ';';
    }
    if (s.until) {
      l += "UNTIL=";
      AppendIcsDateTime(l, plan_.OccurrenceStart(m, s.count - 1));
      l += 'Z';
    } else {
      l += "COUNT=";
      AppendNumber(l, s.count);
    }
    int64_t local = m.start_utc + int64_t{plan_.OffsetFor(m, m.start_utc)} * 60;
    l += ";BYDAY=";
    l += kDays[Weekday(DayOf(local))];
    lines_.Add(l);
    if (s.has_exceptions) Time("EXDATE", m, plan_.OccurrenceStart(m, s.excluded));
  }

  void AddOverride(const Meeting& m, uint32_t k, int64_t moved_by, bool cancelled) {
    int64_t original = plan_.OccurrenceStart(m, k);
    int64_t start = original + moved_by;
    Begin(m, start, start + int64_t{m.minutes} * 60);
    Time("RECURRENCE-ID", m, original);
    lines_.Add("SEQUENCE:1");
    End(m, cancelled);
  }

  void Organizer(const Meeting& m) {
    const Person& p = pop_.people[m.organiser];
    std::string l = "ORGANIZER;CN=";
    AppendParam(l, p.name);
    lines_.Add(l + ":mailto:" + p.address);
  }

  void Attendee(const MeetingAttendee& a) {
    static constexpr std::string_view kPartstat[] = {"ACCEPTED", "DECLINED", "TENTATIVE",
                                                     "NEEDS-ACTION"};
    std::string l = "ATTENDEE;CUTYPE=";
    bool room = a.kind == AttendeeKind::kRoom;
    l += room                                ? "ROOM;ROLE=NON-PARTICIPANT"
         : a.kind == AttendeeKind::kOptional ? "INDIVIDUAL;ROLE=OPT-PARTICIPANT"
                                             : "INDIVIDUAL;ROLE=REQ-PARTICIPANT";
    l += ";PARTSTAT=";
    l += kPartstat[static_cast<int>(a.response)];
    l += ";CN=";
    std::string address;
    if (room) {
      const MeetingRoom& r = MeetingRooms()[a.who];
      AppendParam(l, r.name);
      address = std::string(r.local) + "@" + spec_.internal_domain;
    } else {
      AppendParam(l, pop_.people[a.who].name);
      address = pop_.people[a.who].address;
    }
    lines_.Add(l + ":mailto:" + address);
  }

  const OrganisationSpec& spec_;
  const Population& pop_;
  const MeetingPlan& plan_;
  IcsLines& lines_;
};

void BeginCalendar(IcsLines& lines, std::string_view method) {
  lines.Add("BEGIN:VCALENDAR");
  lines.Add("PRODID:-//rapport//Sample Organisation//EN");
  lines.Add("VERSION:2.0");
  lines.Add("CALSCALE:GREGORIAN");
  lines.Add("METHOD:" + std::string(method));
}

void AppendMessageId(std::string& out, uint64_t number, uint64_t seed) {
  out += '<';
  AppendNumber(out, number);
  out += '.';
  AppendNumber(out, seed);
  out += kIdDomain;
}

void AppendInvitationHeaders(std::string& text, const Population& pop, const Meeting& m,
                             const MessageFacts& f, uint64_t seed, const std::string& boundary) {
  const Person& org = pop.people[m.organiser];
  text += "Message-ID: ";
  AppendMessageId(text, f.number, seed);
  text += "\nDate: ";
  AppendRfc5322Date(text, f.utc, org.offset_minutes);
  text += "\nFrom: " + org.mailbox + "\n";
  AppendAddressHeader(text, "To", pop, f.to);
  AppendAddressHeader(text, "Cc", pop, f.cc);
  text += "Subject: ";
  AppendHeaderText(text, f.subject);
  text +=
      "\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"" + boundary + "\"\n\n";
}

}  // namespace

Result<CalendarFiles> WriteCalendars(const std::string& out_dir, const OrganisationSpec& spec,
                                     const Population& pop, const MeetingPlan& plan,
                                     const std::vector<std::string>& mailboxes) {
  std::string dir = (std::filesystem::path(out_dir) / "calendar").string();
  RAPPORT_RETURN_IF_ERROR(CreateDirectories(dir));
  CalendarFiles result;
  std::string data;
  for (uint32_t u = 0; u < pop.users.size(); ++u) {
    data.clear();
    IcsLines lines(data, "\r\n");
    BeginCalendar(lines, "PUBLISH");
    lines.Add("X-WR-CALNAME:" + pop.people[u].name);
    uint32_t zones = 0;
    for (uint32_t i : plan.OfUser(u)) zones |= ZoneBit(plan.meetings()[i]);
    AddTimezones(lines, zones);
    EventWriter events(spec, pop, plan, lines);
    for (uint32_t i : plan.OfUser(u)) events.Add(plan.meetings()[i]);
    lines.Add("END:VCALENDAR");
    RAPPORT_RETURN_IF_ERROR(WriteWholeFile(dir + "/" + mailboxes[u] + ".ics", data));
    ++result.files;
    result.bytes += data.size();
  }
  return result;
}

uint32_t ComposeInvitation(const OrganisationSpec& spec, const Population& pop,
                           const MeetingPlan& plan, const Meeting& m, uint64_t number,
                           std::string& text, MessageFacts& facts) {
  facts.Clear();
  facts.number = facts.root = number;
  facts.utc = m.invite_utc;
  facts.from = m.organiser;
  facts.subject = plan.Title(m);
  uint32_t keeper = pop.people[m.organiser].internal ? m.organiser : UINT32_MAX;
  for (const MeetingAttendee& a : plan.Attendees(m)) {
    if (a.kind == AttendeeKind::kRoom) continue;
    (a.kind == AttendeeKind::kOptional ? facts.cc : facts.to).push_back(a.who);
    if (keeper == UINT32_MAX && pop.people[a.who].internal) keeper = a.who;
  }
  std::string boundary = "=_rapport_invite_" + std::to_string(number);
  text.clear();
  AppendInvitationHeaders(text, pop, m, facts, spec.seed, boundary);
  text += "--" + boundary + "\nContent-Type: text/plain; charset=UTF-8\n";
  text += "Content-Transfer-Encoding: 8bit\n\n";
  text += pop.people[m.organiser].first + " has invited you to a meeting: " + facts.subject;
  text += "\nWhen: ";
  AppendRfc5322Date(text, m.start_utc, pop.people[m.organiser].offset_minutes);
  text += "\n\n--" + boundary + "\nContent-Type: text/calendar; charset=UTF-8; method=REQUEST\n";
  text += "Content-Transfer-Encoding: 8bit\n\n";
  IcsLines lines(text, "\n");
  BeginCalendar(lines, "REQUEST");
  AddTimezones(lines, ZoneBit(m));
  EventWriter(spec, pop, plan, lines).Add(m);
  lines.Add("END:VCALENDAR");
  text += "\n--" + boundary + "--\n";
  return keeper;
}

}  // namespace rapport::sample
