#include "ingest/calendar/icalendar.h"

#include <libical/ical.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ingest/calendar/icalendar_zones.h"
#include "ingest/calendar/recurrence_rule.h"
#include "ingest/mail/date_time.h"
#include "ingest/mail/encoded_word.h"
#include "ingest/mail/header_block.h"

namespace rapport::ingest {
namespace {

using model::MeetingMeta;

struct ComponentDeleter {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentDeleter>;

struct IteratorDeleter {
  void operator()(icalrecur_iterator* it) const { icalrecur_iterator_free(it); }
};
using IteratorPtr = std::unique_ptr<icalrecur_iterator, IteratorDeleter>;

constexpr int64_t kDay = 86400;

// Iterator steps per rule. With the iterator started at the window (see ExpandRule) a legitimate
// series needs about as many steps as it has occurrences in the window; the bound only bites on
// rules that must be walked from DTSTART because of COUNT, or that match almost nothing.
constexpr size_t kMaxStepsPerRule = 200000;
constexpr int kMaxRulesPerEvent = 4;

// libical reports errors through icalerrno and, when errors are "fatal", by assert()/abort().
// Make every error kind non-fatal once, before the first parse.
void MakeLibicalErrorsNonFatal() {
  static const bool done = [] {
    icalerror_set_errors_are_fatal(0);
    for (int e = ICAL_BADARG_ERROR; e <= ICAL_UNKNOWN_ERROR; ++e) {
      icalerror_set_error_state(static_cast<icalerrorenum>(e), ICAL_ERROR_NONFATAL);
    }
    return true;
  }();
  (void)done;
}

// An END line with no BEGIN open is dropped: libical would skip it too, but only after printing
// a warning on stderr that it offers no way to silence.
std::string DropStrayEnds(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  int depth = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    std::string_view line(text.data() + pos, end - pos);
    pos = end;
    if (line.size() >= 6 && EqualsIgnoreCase(line.substr(0, 6), "BEGIN:")) ++depth;
    if (line.size() >= 4 && EqualsIgnoreCase(line.substr(0, 4), "END:")) {
      if (depth == 0) continue;
      --depth;
    }
    out.append(line);
  }
  return out;
}

// libical reads a C string line by line at '\n': bare CR line ends (old Mac and Lotus Notes
// exports) would make the whole file one line, and a NUL would end the input early.
std::string PrepareInput(std::string_view data) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  std::string out;
  out.reserve(data.size() + 1);
  for (size_t i = 0; i < data.size(); ++i) {
    char c = data[i];
    if (c == '\r') {
      out += '\n';
      if (i + 1 < data.size() && data[i + 1] == '\n') ++i;
    } else {
      out += c == '\0' ? ' ' : c;
    }
  }
  return DropStrayEnds(out);
}

std::vector<icalcomponent*> Children(icalcomponent* parent, icalcomponent_kind kind) {
  std::vector<icalcomponent*> out;
  for (icalcomponent* c = icalcomponent_get_first_component(parent, kind); c != nullptr;
       c = icalcomponent_get_next_component(parent, kind)) {
    out.push_back(c);
  }
  return out;
}

struct ParserDeleter {
  void operator()(icalparser* p) const { icalparser_free(p); }
};
using ParserPtr = std::unique_ptr<icalparser, ParserDeleter>;

// libical's line source: hands the parser one line (or a buffer-full of it) at a time.
char* NextChunk(char* out, size_t size, void* data) {
  auto* rest = static_cast<std::string_view*>(data);
  if (rest->empty() || size < 2) return nullptr;
  size_t n = rest->find('\n');
  n = std::min(n == std::string_view::npos ? rest->size() : n + 1, size - 1);
  rest->copy(out, n);
  out[n] = '\0';
  rest->remove_prefix(n);
  return out;
}

// The parsed top-level components. icalparser_parse_string drops a component cut off by the end
// of the input, with every complete VEVENT in it; this keeps it, closed as icalparser_clean
// closes it (it then belongs to the parser, which is freed last).
struct Parsed {
  ParserPtr parser{icalparser_new()};
  std::vector<ComponentPtr> complete;
  icalcomponent* unterminated = nullptr;
};

void Parse(const std::string& text, Parsed& out) {
  if (out.parser == nullptr) return;
  std::string_view rest = text;
  icalparser_set_gen_data(out.parser.get(), &rest);
  while (true) {
    char* line = icalparser_get_line(out.parser.get(), NextChunk);
    if (icalcomponent* c = icalparser_add_line(out.parser.get(), line))
      out.complete.emplace_back(c);
    if (line == nullptr) break;
    icalmemory_free_buffer(line);
  }
  out.unterminated = icalparser_clean(out.parser.get());
}

void AddCalendars(icalcomponent* root, std::vector<icalcomponent*>& out) {
  if (root == nullptr) return;
  if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
    out.push_back(root);
  } else if (icalcomponent_isa(root) == ICAL_XROOT_COMPONENT) {
    for (icalcomponent* c : Children(root, ICAL_VCALENDAR_COMPONENT)) out.push_back(c);
  }
}

// ---- People ----

// "mailto:Local@Example.COM" -> "Local@example.com"; empty when the value is no mail address
// (CalDAV servers also write "urn:uuid:..." or principal paths).
std::string MailAddress(const char* raw) {
  std::string_view v = TrimSpaces(raw != nullptr ? raw : "");
  if (StartsWithIgnoreCase(v, "mailto:")) v = TrimSpaces(v.substr(7));
  size_t at = v.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == v.size() ||
      v.find_first_of(" \t<>:;,\"()[]\\") != std::string_view::npos) {
    return {};
  }
  std::string out = SanitizeText(v);
  size_t out_at = out.rfind('@');
  if (out_at == std::string::npos) return {};
  for (size_t i = out_at + 1; i < out.size(); ++i) {
    out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
  }
  return out;
}

model::Mailbox ReadMailbox(icalproperty* prop, const char* value) {
  model::Mailbox m;
  if (icalparameter* cn = icalproperty_get_first_parameter(prop, ICAL_CN_PARAMETER)) {
    const char* name = icalparameter_get_cn(cn);
    m.name = SanitizeText(name != nullptr ? name : "");
  }
  m.address = MailAddress(value);
  if (m.address.empty()) {  // RFC 7986 EMAIL, which CalDAV servers add to urn: addresses
    if (icalparameter* email = icalproperty_get_first_parameter(prop, ICAL_EMAIL_PARAMETER)) {
      m.address = MailAddress(icalparameter_get_email(email));
    }
  }
  return m;
}

model::AttendeeRole ReadRole(icalproperty* prop) {
  icalparameter* p = icalproperty_get_first_parameter(prop, ICAL_ROLE_PARAMETER);
  switch (p != nullptr ? icalparameter_get_role(p) : ICAL_ROLE_NONE) {
    case ICAL_ROLE_OPTPARTICIPANT:
      return model::AttendeeRole::kOptional;
    case ICAL_ROLE_CHAIR:
      return model::AttendeeRole::kChair;
    case ICAL_ROLE_NONPARTICIPANT:
      return model::AttendeeRole::kNonParticipant;
    default:
      return model::AttendeeRole::kRequired;
  }
}

std::optional<model::AttendeeResponse> ReadResponse(icalproperty* prop) {
  icalparameter* p = icalproperty_get_first_parameter(prop, ICAL_PARTSTAT_PARAMETER);
  if (p == nullptr) return std::nullopt;
  switch (icalparameter_get_partstat(p)) {
    case ICAL_PARTSTAT_NEEDSACTION:
      return model::AttendeeResponse::kNeedsAction;
    case ICAL_PARTSTAT_ACCEPTED:
      return model::AttendeeResponse::kAccepted;
    case ICAL_PARTSTAT_DECLINED:
      return model::AttendeeResponse::kDeclined;
    case ICAL_PARTSTAT_TENTATIVE:
      return model::AttendeeResponse::kTentative;
    case ICAL_PARTSTAT_DELEGATED:
      return model::AttendeeResponse::kDelegated;
    default:
      return model::AttendeeResponse::kNone;
  }
}

bool IsPerson(icalproperty* prop) {
  icalparameter* p = icalproperty_get_first_parameter(prop, ICAL_CUTYPE_PARAMETER);
  if (p == nullptr) return true;
  icalparameter_cutype cutype = icalparameter_get_cutype(p);
  return cutype != ICAL_CUTYPE_ROOM && cutype != ICAL_CUTYPE_RESOURCE &&
         cutype != ICAL_CUTYPE_UNKNOWN;
}

std::vector<model::Attendee> ReadAttendees(icalcomponent* event, const model::Mailbox& organizer) {
  std::vector<model::Attendee> out;
  for (icalproperty* p = icalcomponent_get_first_property(event, ICAL_ATTENDEE_PROPERTY);
       p != nullptr; p = icalcomponent_get_next_property(event, ICAL_ATTENDEE_PROPERTY)) {
    if (!IsPerson(p)) continue;
    model::Attendee a{ReadMailbox(p, icalproperty_get_attendee(p)), ReadRole(p)};
    if (a.who.name.empty() && a.who.address.empty()) continue;
    // An organiser listed without PARTSTAT is going to their own meeting.
    bool is_organizer = !a.who.address.empty() && a.who.address == organizer.address;
    a.response = ReadResponse(p).value_or(is_organizer ? model::AttendeeResponse::kAccepted
                                                       : model::AttendeeResponse::kNone);
    out.push_back(std::move(a));
  }
  return out;
}

// ---- One VEVENT ----

// What one VEVENT says: the meeting fields every occurrence shares, and its timing.
struct Series {
  MeetingMeta meta;
  When start;
  int64_t start_utc = 0;
  int64_t duration = 0;  // seconds, >= 0
  icaltimezone* end_zone = nullptr;
  std::optional<int64_t> recurrence_id;  // UTC; set for overrides
  icalcomponent* event = nullptr;
  icalcomponent* calendar = nullptr;
};

std::optional<std::string_view> RejectionFor(TimeError e, std::string_view invalid) {
  if (e == TimeError::kUnknownZone) return kRejectEventUnknownZone;
  if (e == TimeError::kInvalid) return invalid;
  return std::nullopt;
}

int64_t DurationSeconds(const icaldurationtype& d) {
  int64_t s = int64_t{d.weeks} * 7 * kDay + int64_t{d.days} * kDay + int64_t{d.hours} * 3600 +
              int64_t{d.minutes} * 60 + int64_t{d.seconds};
  return d.is_neg ? -s : s;
}

// Reads DTEND, else DURATION, else the RFC 5545 §3.6.1 default, into s.duration.
std::optional<std::string_view> ReadEnd(Series& s) {
  s.end_zone = s.start.zone;
  if (icalproperty* p = icalcomponent_get_first_property(s.event, ICAL_DTEND_PROPERTY)) {
    When end;
    if (auto r = RejectionFor(MakeWhen(icalproperty_get_dtend(p), p, s.calendar, end),
                              kRejectEventBadEnd)) {
      return r;
    }
    s.end_zone = end.zone;
    s.duration = ToTimestamp(end).utc_seconds - s.start_utc;
  } else if (icalproperty* d = icalcomponent_get_first_property(s.event, ICAL_DURATION_PROPERTY)) {
    s.duration = DurationSeconds(icalproperty_get_duration(d));
  } else {
    s.duration = s.meta.all_day ? kDay : 0;
  }
  if (s.duration < 0) return kRejectEventBadEnd;
  return std::nullopt;
}

std::optional<std::string_view> ReadTiming(Series& s) {
  icalproperty* p = icalcomponent_get_first_property(s.event, ICAL_DTSTART_PROPERTY);
  if (p == nullptr) return kRejectEventNoStart;
  if (auto r = RejectionFor(MakeWhen(icalproperty_get_dtstart(p), p, s.calendar, s.start),
                            kRejectEventNoStart)) {
    return r;
  }
  s.meta.all_day = s.start.local.is_date;
  s.meta.start = ToTimestamp(s.start);
  s.start_utc = s.meta.start.utc_seconds;
  s.meta.occurrence_start = s.start_utc;
  if (icalproperty* rid = icalcomponent_get_first_property(s.event, ICAL_RECURRENCEID_PROPERTY)) {
    When when;
    TimeError e = MakeWhen(icalproperty_get_recurrenceid(rid), rid, s.calendar, when);
    if (e == TimeError::kUnknownZone) return kRejectEventUnknownZone;
    // An unreadable RECURRENCE-ID still marks an override: it then stands for its own start.
    s.recurrence_id = e == TimeError::kNone ? ToTimestamp(when).utc_seconds : s.start_utc;
    s.meta.occurrence_start = *s.recurrence_id;
  }
  return ReadEnd(s);
}

model::MeetingMethod ReadMethod(icalcomponent* calendar) {
  switch (icalcomponent_get_method(calendar)) {
    case ICAL_METHOD_REQUEST:
      return model::MeetingMethod::kRequest;
    case ICAL_METHOD_REPLY:
      return model::MeetingMethod::kReply;
    case ICAL_METHOD_CANCEL:
      return model::MeetingMethod::kCancel;
    default:
      return model::MeetingMethod::kPublish;
  }
}

std::optional<std::string_view> ReadSeries(icalcomponent* event, icalcomponent* calendar,
                                           model::MeetingMethod method, Series& s) {
  s.event = event;
  s.calendar = calendar;
  const char* uid = icalcomponent_get_uid(event);
  s.meta.uid = SanitizeText(TrimSpaces(uid != nullptr ? uid : ""));
  if (s.meta.uid.empty()) return kRejectEventNoUid;
  if (auto r = ReadTiming(s)) return r;
  if (icalproperty* org = icalcomponent_get_first_property(event, ICAL_ORGANIZER_PROPERTY)) {
    s.meta.organizer = ReadMailbox(org, icalproperty_get_organizer(org));
  }
  s.meta.attendees = ReadAttendees(event, s.meta.organizer);
  s.meta.method = method;
  s.meta.cancelled = method == model::MeetingMethod::kCancel ||
                     icalcomponent_get_status(event) == ICAL_STATUS_CANCELLED;
  s.meta.sequence = std::clamp(icalcomponent_get_sequence(event), 0, INT32_MAX);
  return std::nullopt;
}

// ---- Recurrence ----

// One generated occurrence: its UTC start and the offset of the series' zone at that start.
struct Instance {
  int64_t utc = 0;
  int offset = 0;  // seconds
  bool operator<(const Instance& o) const { return utc < o.utc; }
};

Instance MakeInstance(const When& w) {
  int offset = OffsetAtLocal(w.zone, w.local);
  return {CivilSeconds(w.local) - offset, offset};
}

size_t ListSize(const short* list, size_t capacity) {
  size_t n = 0;
  while (n < capacity && list[n] != ICAL_RECURRENCE_ARRAY_MAX) ++n;
  return n;
}

// True when COUNT cannot end the series before `end_utc`: more than the most occurrences the
// rule can have from its start to there (one per second for SECONDLY; per minute at most one per
// BYSECOND for MINUTELY; and so on). The rule can then be walked from the window start, which
// libical does not allow with COUNT, instead of from DTSTART: COUNT=1000000000 on a 1970 daily
// rule costs the window's occurrences, not 20,000 years of steps.
bool CountCannotEndBefore(const icalrecurrencetype& r, int64_t start_utc, int64_t end_utc) {
  int64_t span = end_utc - start_utc + 2 * kDay;  // the local and UTC spans differ by < 2 days
  if (span <= 0) return true;
  auto n = [](size_t size) { return static_cast<int64_t>(std::max<size_t>(size, 1)); };
  int64_t seconds = n(ListSize(r.by_second, ICAL_BY_SECOND_SIZE));
  int64_t minutes = n(ListSize(r.by_minute, ICAL_BY_MINUTE_SIZE));
  int64_t hours = n(ListSize(r.by_hour, ICAL_BY_HOUR_SIZE));
  int64_t unit = kDay, per_unit = seconds * minutes * hours;
  if (r.freq == ICAL_SECONDLY_RECURRENCE) {
    unit = 1, per_unit = 1;
  } else if (r.freq == ICAL_MINUTELY_RECURRENCE) {
    unit = 60, per_unit = seconds;
  } else if (r.freq == ICAL_HOURLY_RECURRENCE) {
    unit = 3600, per_unit = seconds * minutes;
  }
  return r.count > (span / unit + 1) * per_unit;
}

// False when the rule is not expanded at all (ExpandableRule).
bool ExpandRule(const Series& s, icalrecurrencetype rule, const ExpansionWindow& w,
                std::vector<Instance>& out) {
  if (!ExpandableRule(rule)) return false;
  if (rule.count > 0 && CountCannotEndBefore(rule, s.start_utc, w.end_utc)) rule.count = 0;
  // A COUNT that may end in the window is counted here rather than by libical, so that the rule
  // can also end at the window (EndingBy): the same occurrences, in the same order.
  size_t left = rule.count > 0 ? static_cast<size_t>(rule.count) : SIZE_MAX;
  rule.count = 0;
  icaltimetype dtstart = s.start.local;
  dtstart.zone = s.start.zone;
  rule = EndingBy(rule, dtstart, w.end_utc);
  IteratorPtr it(icalrecur_iterator_new(rule, dtstart));
  if (it == nullptr) return false;  // libical refused it
  if (left == SIZE_MAX && w.start_utc - kDay > s.start_utc) {
    // A day early: the window start read in the series' zone may be a date or shifted by DST.
    icaltimetype from = icaltime_from_timet_with_zone(static_cast<time_t>(w.start_utc - kDay),
                                                      dtstart.is_date, s.start.zone);
    icalrecur_iterator_set_start(it.get(), from);
  }
  // One more than the limit: DTSTART itself is usually also the rule's first occurrence.
  size_t limit = out.size() + kMaxOccurrencesPerSeries + 1;
  for (size_t steps = 0; steps < kMaxStepsPerRule && out.size() < limit && left > 0;
       ++steps, --left) {
    icaltimetype t = icalrecur_iterator_next(it.get());
    if (icaltime_is_null_time(t) || !IsValidTime(t)) break;
    t.is_date = dtstart.is_date;
    Instance i = MakeInstance(When{t, s.start.zone});
    if (i.utc >= w.end_utc) break;  // occurrences come in order
    if (i.utc >= w.start_utc) out.push_back(i);
  }
  return true;
}

// Times listed in RDATE or EXDATE properties; a TZID nothing resolves is read in the series' zone.
std::vector<When> ListedTimes(const Series& s, icalproperty_kind kind) {
  std::vector<When> out;
  for (icalproperty* p = icalcomponent_get_first_property(s.event, kind); p != nullptr;
       p = icalcomponent_get_next_property(s.event, kind)) {
    icaltimetype t;
    if (kind == ICAL_RDATE_PROPERTY) {
      icaldatetimeperiodtype dp = icalproperty_get_rdate(p);
      t = icaltime_is_null_time(dp.time) ? dp.period.start : dp.time;
    } else {
      t = icalproperty_get_exdate(p);
    }
    When when;
    TimeError e = MakeWhen(t, p, s.calendar, when);
    if (e == TimeError::kUnknownZone) when.zone = s.start.zone;
    if (e != TimeError::kInvalid) out.push_back(when);
  }
  return out;
}

bool HasRecurrence(icalcomponent* event) {
  return icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY) != nullptr ||
         icalcomponent_get_first_property(event, ICAL_RDATE_PROPERTY) != nullptr;
}

void RemoveExcluded(const Series& s, std::vector<Instance>& instances) {
  std::set<int64_t> times, days;  // EXDATE;VALUE=DATE removes every occurrence on that date
  for (const When& w : ListedTimes(s, ICAL_EXDATE_PROPERTY)) {
    if (w.local.is_date && !s.meta.all_day) {
      days.insert(DaysFromCivil(w.local.year, w.local.month, w.local.day));
    } else {
      times.insert(ToTimestamp(w).utc_seconds);
    }
  }
  auto excluded = [&](const Instance& i) {
    int64_t local = i.utc + i.offset;
    int64_t day = (local >= 0 ? local : local - kDay + 1) / kDay;
    return times.count(i.utc) > 0 || days.count(day) > 0;
  };
  instances.erase(std::remove_if(instances.begin(), instances.end(), excluded), instances.end());
}

// The occurrences of a recurring master whose original start lies in the window; the rules left
// unexpanded are added to `not_expanded`.
std::vector<Instance> Expand(const Series& s, const ExpansionWindow& w, size_t& not_expanded) {
  std::vector<Instance> out;
  Instance first = MakeInstance(s.start);  // DTSTART is always the first occurrence
  if (first.utc >= w.start_utc && first.utc < w.end_utc) out.push_back(first);
  int rules = 0;  // RFC 5545 deprecated several RRULEs; a few are read, not thousands
  for (icalproperty* p = icalcomponent_get_first_property(s.event, ICAL_RRULE_PROPERTY);
       p != nullptr && rules < kMaxRulesPerEvent;
       p = icalcomponent_get_next_property(s.event, ICAL_RRULE_PROPERTY), ++rules) {
    if (!ExpandRule(s, icalproperty_get_rrule(p), w, out)) ++not_expanded;
  }
  for (const When& when : ListedTimes(s, ICAL_RDATE_PROPERTY)) {
    Instance i = MakeInstance(when);
    if (i.utc >= w.start_utc && i.utc < w.end_utc) out.push_back(i);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Instance& a, const Instance& b) { return a.utc == b.utc; }),
            out.end());
  RemoveExcluded(s, out);
  if (out.size() > kMaxOccurrencesPerSeries) out.resize(kMaxOccurrencesPerSeries);
  return out;
}

MeetingMeta Occurrence(const Series& s, const Instance& i) {
  MeetingMeta m = s.meta;
  m.occurrence_start = i.utc;
  if (m.all_day) {
    m.start = {i.utc, 0};
    m.end = {i.utc + s.duration, 0};
  } else {
    m.start = {i.utc, i.offset / 60};
    m.end = {i.utc + s.duration, OffsetAtUtc(s.end_zone, i.utc + s.duration) / 60};
  }
  return m;
}

MeetingMeta Single(const Series& s) {
  MeetingMeta m = s.meta;
  m.end = {s.start_utc + s.duration,
           s.meta.all_day ? 0 : OffsetAtUtc(s.end_zone, s.start_utc + s.duration) / 60};
  return m;
}

// ---- One VCALENDAR ----

void ParseCalendar(icalcomponent* calendar, const ExpansionWindow& window, ICalendarResult& out) {
  model::MeetingMethod method = ReadMethod(calendar);
  std::vector<Series> masters;
  std::map<std::string, std::set<int64_t>> overridden;  // uid -> RECURRENCE-IDs (UTC)
  std::vector<Series> overrides;
  for (icalcomponent* event : Children(calendar, ICAL_VEVENT_COMPONENT)) {
    Series s;
    if (auto reason = ReadSeries(event, calendar, method, s)) {
      out.rejected.emplace_back(*reason);
    } else if (s.recurrence_id) {
      overridden[s.meta.uid].insert(*s.recurrence_id);
      overrides.push_back(std::move(s));
    } else {
      masters.push_back(std::move(s));
    }
  }
  for (const Series& s : masters) {
    const std::set<int64_t>& replaced = overridden[s.meta.uid];
    if (!HasRecurrence(s.event)) {
      if (replaced.count(s.start_utc) == 0) out.meetings.push_back(Single(s));
      continue;
    }
    for (const Instance& i : Expand(s, window, out.rules_not_expanded)) {
      if (replaced.count(i.utc) == 0) out.meetings.push_back(Occurrence(s, i));
    }
  }
  // Overrides are written out one by one, so each is kept (with or without its master).
  for (const Series& s : overrides) out.meetings.push_back(Single(s));
}

}  // namespace

Result<ICalendarResult> ParseICalendar(std::string_view data, const ExpansionWindow& window) {
  MakeLibicalErrorsNonFatal();
  Parsed parsed;
  Parse(PrepareInput(data), parsed);
  std::vector<icalcomponent*> calendars;
  for (const ComponentPtr& root : parsed.complete) AddCalendars(root.get(), calendars);
  AddCalendars(parsed.unterminated, calendars);
  icalerror_clear_errno();
  if (calendars.empty()) return Status::InvalidArgument(std::string(kRejectNotICalendar));
  ICalendarResult result;
  for (icalcomponent* calendar : calendars) ParseCalendar(calendar, window, result);
  icalerror_clear_errno();
  return result;
}

}  // namespace rapport::ingest
