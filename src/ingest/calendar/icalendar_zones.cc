#include "ingest/calendar/icalendar_zones.h"

#include <cctype>
#include <cstddef>
#include <iterator>

#include "ingest/mail/date_time.h"
#include "ingest/mail/header_block.h"

namespace rapport::ingest {
namespace {

constexpr int64_t kDay = 86400;

struct ZoneAlias {
  std::string_view windows;
  std::string_view iana;
};

// Windows time zone ids -> the CLDR "001" (main) IANA zone of each, written from the CLDR
// windowsZones mapping. Old ids that Windows no longer ships but old exports still carry are kept.
constexpr ZoneAlias kWindowsIds[] = {
    {"Dateline Standard Time", "Etc/GMT+12"},
    {"UTC-11", "Etc/GMT+11"},
    {"Aleutian Standard Time", "America/Adak"},
    {"Hawaiian Standard Time", "Pacific/Honolulu"},
    {"Marquesas Standard Time", "Pacific/Marquesas"},
    {"Alaskan Standard Time", "America/Anchorage"},
    {"UTC-09", "Etc/GMT+9"},
    {"Pacific Standard Time (Mexico)", "America/Tijuana"},
    {"UTC-08", "Etc/GMT+8"},
    {"Pacific Standard Time", "America/Los_Angeles"},
    {"US Mountain Standard Time", "America/Phoenix"},
    {"Mountain Standard Time (Mexico)", "America/Mazatlan"},
    {"Mexico Standard Time 2", "America/Chihuahua"},
    {"Mountain Standard Time", "America/Denver"},
    {"Yukon Standard Time", "America/Whitehorse"},
    {"Central America Standard Time", "America/Guatemala"},
    {"Central Standard Time", "America/Chicago"},
    {"Easter Island Standard Time", "Pacific/Easter"},
    {"Central Standard Time (Mexico)", "America/Mexico_City"},
    {"Mexico Standard Time", "America/Mexico_City"},
    {"Canada Central Standard Time", "America/Regina"},
    {"SA Pacific Standard Time", "America/Bogota"},
    {"Eastern Standard Time (Mexico)", "America/Cancun"},
    {"Eastern Standard Time", "America/New_York"},
    {"Haiti Standard Time", "America/Port-au-Prince"},
    {"Cuba Standard Time", "America/Havana"},
    {"US Eastern Standard Time", "America/Indiana/Indianapolis"},
    {"Turks And Caicos Standard Time", "America/Grand_Turk"},
    {"Paraguay Standard Time", "America/Asuncion"},
    {"Atlantic Standard Time", "America/Halifax"},
    {"Venezuela Standard Time", "America/Caracas"},
    {"Central Brazilian Standard Time", "America/Cuiaba"},
    {"SA Western Standard Time", "America/La_Paz"},
    {"Pacific SA Standard Time", "America/Santiago"},
    {"Newfoundland Standard Time", "America/St_Johns"},
    {"Tocantins Standard Time", "America/Araguaina"},
    {"E. South America Standard Time", "America/Sao_Paulo"},
    {"SA Eastern Standard Time", "America/Cayenne"},
    {"Argentina Standard Time", "America/Argentina/Buenos_Aires"},
    {"Greenland Standard Time", "America/Godthab"},
    {"Montevideo Standard Time", "America/Montevideo"},
    {"Magallanes Standard Time", "America/Punta_Arenas"},
    {"Saint Pierre Standard Time", "America/Miquelon"},
    {"Bahia Standard Time", "America/Bahia"},
    {"UTC-02", "Etc/GMT+2"},
    {"Mid-Atlantic Standard Time", "Etc/GMT+2"},
    {"Azores Standard Time", "Atlantic/Azores"},
    {"Cape Verde Standard Time", "Atlantic/Cape_Verde"},
    {"UTC", "Etc/UTC"},
    {"Coordinated Universal Time", "Etc/UTC"},
    {"GMT Standard Time", "Europe/London"},
    {"Greenwich Standard Time", "Atlantic/Reykjavik"},
    {"Sao Tome Standard Time", "Africa/Sao_Tome"},
    {"Morocco Standard Time", "Africa/Casablanca"},
    {"W. Europe Standard Time", "Europe/Berlin"},
    {"Central Europe Standard Time", "Europe/Budapest"},
    {"Romance Standard Time", "Europe/Paris"},
    {"Central European Standard Time", "Europe/Warsaw"},
    {"W. Central Africa Standard Time", "Africa/Lagos"},
    {"Jordan Standard Time", "Asia/Amman"},
    {"GTB Standard Time", "Europe/Bucharest"},
    {"Middle East Standard Time", "Asia/Beirut"},
    {"Egypt Standard Time", "Africa/Cairo"},
    {"E. Europe Standard Time", "Europe/Chisinau"},
    {"Syria Standard Time", "Asia/Damascus"},
    {"West Bank Standard Time", "Asia/Hebron"},
    {"South Africa Standard Time", "Africa/Johannesburg"},
    {"FLE Standard Time", "Europe/Kiev"},
    {"Israel Standard Time", "Asia/Jerusalem"},
    {"South Sudan Standard Time", "Africa/Juba"},
    {"Kaliningrad Standard Time", "Europe/Kaliningrad"},
    {"Sudan Standard Time", "Africa/Khartoum"},
    {"Libya Standard Time", "Africa/Tripoli"},
    {"Namibia Standard Time", "Africa/Windhoek"},
    {"Arabic Standard Time", "Asia/Baghdad"},
    {"Turkey Standard Time", "Europe/Istanbul"},
    {"Arab Standard Time", "Asia/Riyadh"},
    {"Belarus Standard Time", "Europe/Minsk"},
    {"Russian Standard Time", "Europe/Moscow"},
    {"E. Africa Standard Time", "Africa/Nairobi"},
    {"Volgograd Standard Time", "Europe/Volgograd"},
    {"Iran Standard Time", "Asia/Tehran"},
    {"Arabian Standard Time", "Asia/Dubai"},
    {"Astrakhan Standard Time", "Europe/Astrakhan"},
    {"Azerbaijan Standard Time", "Asia/Baku"},
    {"Russia Time Zone 3", "Europe/Samara"},
    {"Mauritius Standard Time", "Indian/Mauritius"},
    {"Saratov Standard Time", "Europe/Saratov"},
    {"Georgian Standard Time", "Asia/Tbilisi"},
    {"Caucasus Standard Time", "Asia/Yerevan"},
    {"Afghanistan Standard Time", "Asia/Kabul"},
    {"West Asia Standard Time", "Asia/Tashkent"},
    {"Ekaterinburg Standard Time", "Asia/Yekaterinburg"},
    {"Pakistan Standard Time", "Asia/Karachi"},
    {"Qyzylorda Standard Time", "Asia/Qyzylorda"},
    {"India Standard Time", "Asia/Kolkata"},
    {"Sri Lanka Standard Time", "Asia/Colombo"},
    {"Nepal Standard Time", "Asia/Kathmandu"},
    {"Central Asia Standard Time", "Asia/Almaty"},
    {"Bangladesh Standard Time", "Asia/Dhaka"},
    {"Omsk Standard Time", "Asia/Omsk"},
    {"Myanmar Standard Time", "Asia/Yangon"},
    {"SE Asia Standard Time", "Asia/Bangkok"},
    {"Altai Standard Time", "Asia/Barnaul"},
    {"W. Mongolia Standard Time", "Asia/Hovd"},
    {"North Asia Standard Time", "Asia/Krasnoyarsk"},
    {"N. Central Asia Standard Time", "Asia/Novosibirsk"},
    {"Tomsk Standard Time", "Asia/Tomsk"},
    {"China Standard Time", "Asia/Shanghai"},
    {"North Asia East Standard Time", "Asia/Irkutsk"},
    {"Singapore Standard Time", "Asia/Singapore"},
    {"W. Australia Standard Time", "Australia/Perth"},
    {"Taipei Standard Time", "Asia/Taipei"},
    {"Ulaanbaatar Standard Time", "Asia/Ulaanbaatar"},
    {"Aus Central W. Standard Time", "Australia/Eucla"},
    {"Transbaikal Standard Time", "Asia/Chita"},
    {"Tokyo Standard Time", "Asia/Tokyo"},
    {"North Korea Standard Time", "Asia/Pyongyang"},
    {"Korea Standard Time", "Asia/Seoul"},
    {"Yakutsk Standard Time", "Asia/Yakutsk"},
    {"Cen. Australia Standard Time", "Australia/Adelaide"},
    {"AUS Central Standard Time", "Australia/Darwin"},
    {"E. Australia Standard Time", "Australia/Brisbane"},
    {"AUS Eastern Standard Time", "Australia/Sydney"},
    {"West Pacific Standard Time", "Pacific/Port_Moresby"},
    {"Tasmania Standard Time", "Australia/Hobart"},
    {"Vladivostok Standard Time", "Asia/Vladivostok"},
    {"Lord Howe Standard Time", "Australia/Lord_Howe"},
    {"Bougainville Standard Time", "Pacific/Bougainville"},
    {"Russia Time Zone 10", "Asia/Srednekolymsk"},
    {"Magadan Standard Time", "Asia/Magadan"},
    {"Norfolk Standard Time", "Pacific/Norfolk"},
    {"Sakhalin Standard Time", "Asia/Sakhalin"},
    {"Central Pacific Standard Time", "Pacific/Guadalcanal"},
    {"Russia Time Zone 11", "Asia/Kamchatka"},
    {"Kamchatka Standard Time", "Asia/Kamchatka"},
    {"New Zealand Standard Time", "Pacific/Auckland"},
    {"UTC+12", "Etc/GMT-12"},
    {"Fiji Standard Time", "Pacific/Fiji"},
    {"Chatham Islands Standard Time", "Pacific/Chatham"},
    {"UTC+13", "Etc/GMT-13"},
    {"Tonga Standard Time", "Pacific/Tongatapu"},
    {"Samoa Standard Time", "Pacific/Apia"},
    {"Line Islands Standard Time", "Pacific/Kiritimati"},
};

// Outlook display names without their "(UTC+hh:mm) " prefix, for the zones most mail comes from.
constexpr ZoneAlias kDisplayNames[] = {
    {"International Date Line West", "Etc/GMT+12"},
    {"Coordinated Universal Time-11", "Etc/GMT+11"},
    {"Hawaii", "Pacific/Honolulu"},
    {"Alaska", "America/Anchorage"},
    {"Baja California", "America/Tijuana"},
    {"Tijuana, Baja California", "America/Tijuana"},
    {"Pacific Time (US & Canada)", "America/Los_Angeles"},
    {"Pacific Time (US & Canada); Tijuana", "America/Los_Angeles"},
    {"Arizona", "America/Phoenix"},
    {"Mountain Time (US & Canada)", "America/Denver"},
    {"Chihuahua, La Paz, Mazatlan", "America/Chihuahua"},
    {"Central America", "America/Guatemala"},
    {"Central Time (US & Canada)", "America/Chicago"},
    {"Guadalajara, Mexico City, Monterrey", "America/Mexico_City"},
    {"Saskatchewan", "America/Regina"},
    {"Bogota, Lima, Quito", "America/Bogota"},
    {"Bogota, Lima, Quito, Rio Branco", "America/Bogota"},
    {"Eastern Time (US & Canada)", "America/New_York"},
    {"Indiana (East)", "America/Indiana/Indianapolis"},
    {"Caracas", "America/Caracas"},
    {"Atlantic Time (Canada)", "America/Halifax"},
    {"Georgetown, La Paz, Manaus, San Juan", "America/La_Paz"},
    {"Santiago", "America/Santiago"},
    {"Newfoundland", "America/St_Johns"},
    {"Brasilia", "America/Sao_Paulo"},
    {"Buenos Aires", "America/Argentina/Buenos_Aires"},
    {"City of Buenos Aires", "America/Argentina/Buenos_Aires"},
    {"Greenland", "America/Godthab"},
    {"Montevideo", "America/Montevideo"},
    {"Mid-Atlantic", "Etc/GMT+2"},
    {"Azores", "Atlantic/Azores"},
    {"Cape Verde Is.", "Atlantic/Cape_Verde"},
    {"Coordinated Universal Time", "Etc/UTC"},
    {"Dublin, Edinburgh, Lisbon, London", "Europe/London"},
    {"Monrovia, Reykjavik", "Atlantic/Reykjavik"},
    {"Casablanca", "Africa/Casablanca"},
    {"Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"},
    {"Belgrade, Bratislava, Budapest, Ljubljana, Prague", "Europe/Budapest"},
    {"Brussels, Copenhagen, Madrid, Paris", "Europe/Paris"},
    {"Sarajevo, Skopje, Warsaw, Zagreb", "Europe/Warsaw"},
    {"West Central Africa", "Africa/Lagos"},
    {"Amman", "Asia/Amman"},
    {"Athens, Bucharest", "Europe/Bucharest"},
    {"Athens, Bucharest, Istanbul", "Europe/Bucharest"},
    {"Beirut", "Asia/Beirut"},
    {"Cairo", "Africa/Cairo"},
    {"Harare, Pretoria", "Africa/Johannesburg"},
    {"Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius", "Europe/Kiev"},
    {"Helsinki, Kiev, Riga, Sofia, Tallinn, Vilnius", "Europe/Kiev"},
    {"Jerusalem", "Asia/Jerusalem"},
    {"Windhoek", "Africa/Windhoek"},
    {"Istanbul", "Europe/Istanbul"},
    {"Minsk", "Europe/Minsk"},
    {"Baghdad", "Asia/Baghdad"},
    {"Kuwait, Riyadh", "Asia/Riyadh"},
    {"Moscow, St. Petersburg", "Europe/Moscow"},
    {"Moscow, St. Petersburg, Volgograd", "Europe/Moscow"},
    {"Nairobi", "Africa/Nairobi"},
    {"Tehran", "Asia/Tehran"},
    {"Abu Dhabi, Muscat", "Asia/Dubai"},
    {"Baku", "Asia/Baku"},
    {"Port Louis", "Indian/Mauritius"},
    {"Tbilisi", "Asia/Tbilisi"},
    {"Yerevan", "Asia/Yerevan"},
    {"Kabul", "Asia/Kabul"},
    {"Ekaterinburg", "Asia/Yekaterinburg"},
    {"Islamabad, Karachi", "Asia/Karachi"},
    {"Ashgabat, Tashkent", "Asia/Tashkent"},
    {"Chennai, Kolkata, Mumbai, New Delhi", "Asia/Kolkata"},
    {"Sri Jayawardenepura", "Asia/Colombo"},
    {"Kathmandu", "Asia/Kathmandu"},
    {"Astana", "Asia/Almaty"},
    {"Dhaka", "Asia/Dhaka"},
    {"Yangon (Rangoon)", "Asia/Yangon"},
    {"Bangkok, Hanoi, Jakarta", "Asia/Bangkok"},
    {"Novosibirsk", "Asia/Novosibirsk"},
    {"Krasnoyarsk", "Asia/Krasnoyarsk"},
    {"Beijing, Chongqing, Hong Kong, Urumqi", "Asia/Shanghai"},
    {"Irkutsk", "Asia/Irkutsk"},
    {"Kuala Lumpur, Singapore", "Asia/Singapore"},
    {"Perth", "Australia/Perth"},
    {"Taipei", "Asia/Taipei"},
    {"Ulaanbaatar", "Asia/Ulaanbaatar"},
    {"Osaka, Sapporo, Tokyo", "Asia/Tokyo"},
    {"Seoul", "Asia/Seoul"},
    {"Yakutsk", "Asia/Yakutsk"},
    {"Adelaide", "Australia/Adelaide"},
    {"Darwin", "Australia/Darwin"},
    {"Brisbane", "Australia/Brisbane"},
    {"Canberra, Melbourne, Sydney", "Australia/Sydney"},
    {"Guam, Port Moresby", "Pacific/Port_Moresby"},
    {"Hobart", "Australia/Hobart"},
    {"Vladivostok", "Asia/Vladivostok"},
    {"Magadan", "Asia/Magadan"},
    {"Solomon Is., New Caledonia", "Pacific/Guadalcanal"},
    {"Auckland, Wellington", "Pacific/Auckland"},
    {"Fiji", "Pacific/Fiji"},
    {"Nuku'alofa", "Pacific/Tongatapu"},
    {"Samoa", "Pacific/Apia"},
};

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\"";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

std::string_view Lookup(const ZoneAlias* table, size_t n, std::string_view name) {
  for (size_t i = 0; i < n; ++i) {
    if (EqualsIgnoreCase(table[i].windows, name)) return table[i].iana;
  }
  return {};
}

// "(UTC-08:00) Pacific Time (US & Canada)" (or GMT, or "(UTC)") -> offset in minutes and the
// place names. False when `name` has no such prefix.
bool SplitDisplayName(std::string_view name, int& offset_minutes, std::string_view& places) {
  if (name.size() < 5 || name[0] != '(') return false;
  size_t close = name.find(')');
  if (close == std::string_view::npos) return false;
  std::string_view inside = name.substr(1, close - 1);
  places = Trim(name.substr(close + 1));
  if (!EqualsIgnoreCase(inside.substr(0, 3), "UTC") &&
      !EqualsIgnoreCase(inside.substr(0, 3), "GMT")) {
    return false;
  }
  inside.remove_prefix(3);
  offset_minutes = 0;
  if (inside.empty()) return true;
  if (inside.size() != 6 || (inside[0] != '+' && inside[0] != '-') || inside[3] != ':') {
    return false;
  }
  for (size_t i : {1, 2, 4, 5}) {
    if (!std::isdigit(static_cast<unsigned char>(inside[i]))) return false;
  }
  int minutes = ((inside[1] - '0') * 10 + (inside[2] - '0')) * 60 + (inside[4] - '0') * 10 +
                (inside[5] - '0');
  offset_minutes = inside[0] == '-' ? -minutes : minutes;
  return true;
}

// Olson names are file names under the tzdata folder: letters, digits and "_-+/" only, never
// "..", so an arbitrary TZID can never make libical open a file outside that folder.
bool IsPlausibleOlsonName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.back() == '/' ||
      name.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '+' &&
        c != '/') {
      return false;
    }
  }
  return true;
}

icaltimezone* BuiltinZone(std::string_view name) {
  if (EqualsIgnoreCase(name, "UTC") || EqualsIgnoreCase(name, "GMT") ||
      EqualsIgnoreCase(name, "Z")) {
    return icaltimezone_get_utc_timezone();
  }
  if (!IsPlausibleOlsonName(name)) return nullptr;
  return icaltimezone_get_builtin_timezone(std::string(name).c_str());
}

size_t ListSize(const short* list, size_t capacity) {
  size_t n = 0;
  while (n < capacity && list[n] != ICAL_RECURRENCE_ARRAY_MAX) ++n;
  return n;
}

// Real zones change offset at most a few times a year. libical expands a VTIMEZONE's rules from
// their DTSTART up to the year asked for, so a rule such as FREQ=SECONDLY (or a YEARLY one with
// every BYHOUR and BYMINUTE) would make one lookup take minutes: such zones are not used.
bool IsTameRule(const icalrecurrencetype& r) {
  return r.freq == ICAL_YEARLY_RECURRENCE && ListSize(r.by_second, ICAL_BY_SECOND_SIZE) <= 1 &&
         ListSize(r.by_minute, ICAL_BY_MINUTE_SIZE) <= 1 &&
         ListSize(r.by_hour, ICAL_BY_HOUR_SIZE) <= 1 &&
         ListSize(r.by_year_day, ICAL_BY_YEARDAY_SIZE) == 0 &&
         ListSize(r.by_week_no, ICAL_BY_WEEKNO_SIZE) == 0 &&
         ListSize(r.by_month_day, ICAL_BY_MONTHDAY_SIZE) <= 7 &&
         ListSize(r.by_day, ICAL_BY_DAY_SIZE) <= 7 && ListSize(r.by_month, ICAL_BY_MONTH_SIZE) <= 2;
}

// Offsets beyond ±18:00 (as RFC 5322 dates) are typing errors or garbage, not places.
bool HasSaneOffsets(icalcomponent* part) {
  constexpr int kMaxOffset = 18 * 3600;
  for (icalproperty_kind kind : {ICAL_TZOFFSETFROM_PROPERTY, ICAL_TZOFFSETTO_PROPERTY}) {
    for (icalproperty* p = icalcomponent_get_first_property(part, kind); p != nullptr;
         p = icalcomponent_get_next_property(part, kind)) {
      int offset = kind == ICAL_TZOFFSETTO_PROPERTY ? icalproperty_get_tzoffsetto(p)
                                                    : icalproperty_get_tzoffsetfrom(p);
      if (offset < -kMaxOffset || offset > kMaxOffset) return false;
    }
  }
  return true;
}

bool IsTameZone(icaltimezone* zone) {
  icalcomponent* vtimezone = icaltimezone_get_component(zone);
  if (vtimezone == nullptr) return false;
  for (icalcomponent* part = icalcomponent_get_first_component(vtimezone, ICAL_ANY_COMPONENT);
       part != nullptr; part = icalcomponent_get_next_component(vtimezone, ICAL_ANY_COMPONENT)) {
    if (!HasSaneOffsets(part)) return false;
    for (icalproperty* p = icalcomponent_get_first_property(part, ICAL_RRULE_PROPERTY);
         p != nullptr; p = icalcomponent_get_next_property(part, ICAL_RRULE_PROPERTY)) {
      if (!IsTameRule(icalproperty_get_rrule(p))) return false;
    }
  }
  return true;
}

}  // namespace

std::string WindowsZoneToIana(std::string_view name) {
  name = Trim(name);
  if (auto iana = Lookup(kWindowsIds, std::size(kWindowsIds), name); !iana.empty()) {
    return std::string(iana);
  }
  int offset = 0;
  std::string_view places;
  if (!SplitDisplayName(name, offset, places)) return {};
  if (auto iana = Lookup(kDisplayNames, std::size(kDisplayNames), places); !iana.empty()) {
    return std::string(iana);
  }
  if (offset == 0) return "Etc/UTC";
  if (offset % 60 != 0 || offset < -12 * 60 || offset > 14 * 60) return {};
  // Etc/GMT signs are POSIX-style, the opposite of ISO 8601: UTC-08:00 is Etc/GMT+8.
  int hours = offset / 60;
  return "Etc/GMT" + std::string(hours < 0 ? "+" : "-") +
         std::to_string(hours < 0 ? -hours : hours);
}

icaltimezone* ResolveTimeZone(icalcomponent* calendar, std::string_view tzid) {
  std::string id(Trim(tzid));
  if (id.empty()) return nullptr;
  if (calendar != nullptr) {
    icaltimezone* zone = icalcomponent_get_timezone(calendar, id.c_str());
    if (zone != nullptr && IsTameZone(zone)) return zone;
  }
  if (icaltimezone* zone = BuiltinZone(id)) return zone;
  // Prefixed TZIDs ("/mozilla.org/20050126_1/Europe/Berlin", "/softwarestudio.org/Olson_.../")
  // end with an Olson name: try each tail after a '/'.
  for (size_t slash = id.find('/'); slash != std::string::npos; slash = id.find('/', slash + 1)) {
    if (icaltimezone* zone = BuiltinZone(std::string_view(id).substr(slash + 1))) return zone;
  }
  std::string iana = WindowsZoneToIana(id);
  return iana.empty() ? nullptr : BuiltinZone(iana);
}

bool IsValidTime(const icaltimetype& t) {
  if (t.year < 1 || t.year > 9999 || t.month < 1 || t.month > 12 || t.day < 1 ||
      t.day > icaltime_days_in_month(t.month, t.year)) {
    return false;
  }
  return t.is_date || (t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 &&
                       t.second >= 0 && t.second <= 60);
}

int64_t CivilSeconds(const icaltimetype& t) {
  int64_t s =
      DaysFromCivil(t.year, static_cast<unsigned>(t.month), static_cast<unsigned>(t.day)) * kDay;
  return t.is_date ? s : s + t.hour * 3600 + t.minute * 60 + t.second;
}

// The zone's UTC offset, in seconds, at local time `local`.
int OffsetAtLocal(icaltimezone* zone, icaltimetype local) {
  if (zone == nullptr || local.is_date) return 0;
  int is_daylight = 0;
  return icaltimezone_get_utc_offset(zone, &local, &is_daylight);
}

namespace {

// UTC seconds -> icaltimetype in UTC (Howard Hinnant's civil_from_days), without time_t.
icaltimetype UtcFields(int64_t utc) {
  int64_t days = utc >= 0 ? utc / kDay : (utc - kDay + 1) / kDay;
  int64_t secs = utc - days * kDay;
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  icaltimetype t = icaltime_null_time();
  t.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  t.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  t.year = static_cast<int>(yoe + era * 400 + (t.month <= 2 ? 1 : 0));
  t.hour = static_cast<int>(secs / 3600);
  t.minute = static_cast<int>(secs / 60 % 60);
  t.second = static_cast<int>(secs % 60);
  return t;
}

}  // namespace

int OffsetAtUtc(icaltimezone* zone, int64_t utc) {
  if (zone == nullptr) return 0;
  icaltimetype t = UtcFields(utc);
  int is_daylight = 0;
  return icaltimezone_get_utc_offset_of_utc_time(zone, &t, &is_daylight);
}

model::Timestamp ToTimestamp(const When& w) {
  int offset = OffsetAtLocal(w.zone, w.local);
  return {CivilSeconds(w.local) - offset, offset / 60};
}

// Reads the time `t` of `prop` and resolves its TZID.
TimeError MakeWhen(icaltimetype t, icalproperty* prop, icalcomponent* calendar, When& out) {
  if (icaltime_is_null_time(t) || !IsValidTime(t)) return TimeError::kInvalid;
  out = When{t, nullptr};
  out.local.zone = nullptr;
  if (t.is_date || icaltime_is_utc(t)) return TimeError::kNone;
  icalparameter* param = icalproperty_get_first_parameter(prop, ICAL_TZID_PARAMETER);
  const char* tzid = param != nullptr ? icalparameter_get_tzid(param) : nullptr;
  if (tzid == nullptr ||
      std::string_view(tzid).find_first_not_of(" \t\"") == std::string_view::npos) {
    return TimeError::kNone;  // floating (no or blank TZID): read as UTC
  }
  out.zone = ResolveTimeZone(calendar, tzid);
  return out.zone == nullptr ? TimeError::kUnknownZone : TimeError::kNone;
}

}  // namespace rapport::ingest
