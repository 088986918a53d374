#include "ingest/mail/date_time.h"

#include <cstddef>
#include <string>
#include <vector>

#include "ingest/mail/header_block.h"

namespace rapport::ingest {
namespace {

struct Word {
  std::string_view text;
  bool numeric = false;
};

// Splits on whitespace, commas and comments; keeps ':' inside words ("12:50:00") and a leading
// sign on zones.
std::vector<Word> Words(std::string_view s) {
  std::vector<Word> words;
  size_t i = 0;
  int depth = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '(') {
      ++depth;
      ++i;
      continue;
    }
    if (c == ')') {
      if (depth > 0) --depth;
      ++i;
      continue;
    }
    if (depth > 0 || c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t' && s[j] != ',' && s[j] != '(' &&
           s[j] != '\r' && s[j] != '\n') {
      ++j;
    }
    Word w{s.substr(i, j - i)};
    w.numeric = !w.text.empty();
    for (char d : w.text) w.numeric = w.numeric && d >= '0' && d <= '9';
    words.push_back(w);
    i = j;
  }
  return words;
}

std::optional<int> Number(std::string_view s, size_t max_digits) {
  if (s.empty() || s.size() > max_digits) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<unsigned> Month(std::string_view w) {
  static constexpr std::string_view kNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                "jul", "aug", "sep", "oct", "nov", "dec"};
  if (w.size() < 3) return std::nullopt;
  for (unsigned m = 0; m < 12; ++m) {
    if (EqualsIgnoreCase(w.substr(0, 3), kNames[m])) return m + 1;
  }
  return std::nullopt;
}

bool IsDayName(std::string_view w) {
  static constexpr std::string_view kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (w.size() < 3) return false;
  for (auto d : kDays) {
    if (EqualsIgnoreCase(w.substr(0, 3), d)) return true;
  }
  return false;
}

// Zone as minutes east of UTC.
std::optional<int> Zone(std::string_view w) {
  if ((w[0] == '+' || w[0] == '-') && w.size() == 5) {
    auto hh = Number(w.substr(1, 2), 2), mm = Number(w.substr(3, 2), 2);
    if (!hh || !mm || *mm > 59 || *hh > 18) return std::nullopt;
    int minutes = *hh * 60 + *mm;
    return w[0] == '-' ? -minutes : minutes;
  }
  struct Named {
    std::string_view name;
    int minutes;
  };
  static constexpr Named kNamed[] = {
      {"UT", 0},      {"UTC", 0},     {"GMT", 0},    {"Z", 0},      {"EST", -300}, {"EDT", -240},
      {"CST", -360},  {"CDT", -300},  {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420},
      {"AKST", -540}, {"AKDT", -480}, {"HST", -600}, {"WET", 0},    {"WEST", 60},  {"BST", 60},
      {"CET", 60},    {"CEST", 120},  {"MET", 60},   {"MEST", 120}, {"EET", 120},  {"EEST", 180},
      {"MSK", 180},   {"IST", 330},   {"SGT", 480},  {"HKT", 480},  {"JST", 540},  {"KST", 540},
      {"AEST", 600},  {"AEDT", 660},  {"NZST", 720}, {"NZDT", 780}};
  for (const auto& n : kNamed) {
    if (EqualsIgnoreCase(w, n.name)) return n.minutes;
  }
  if (w.size() == 1 && ((w[0] >= 'A' && w[0] <= 'Z') || (w[0] >= 'a' && w[0] <= 'z')) &&
      w[0] != 'J' && w[0] != 'j') {
    return 0;  // military zones are unreliable in practice; RFC 5322 §4.3 says read as -0000
  }
  // An unknown zone name says nothing usable about the offset; §4.3 reads such zones as -0000.
  bool alphabetic = w.size() <= 5;
  for (char c : w) alphabetic = alphabetic && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
  if (alphabetic) return 0;
  return std::nullopt;
}

bool ParseTime(std::string_view w, int& h, int& m, int& s) {
  size_t c1 = w.find(':');
  if (c1 == std::string_view::npos) return false;
  size_t c2 = w.find(':', c1 + 1);
  auto hh = Number(w.substr(0, c1), 2);
  auto mm = Number(w.substr(c1 + 1, c2 == std::string_view::npos ? w.npos : c2 - c1 - 1), 2);
  std::optional<int> ss = 0;
  if (c2 != std::string_view::npos) ss = Number(w.substr(c2 + 1), 2);
  if (!hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 60) return false;
  h = *hh;
  m = *mm;
  s = *ss == 60 ? 59 : *ss;  // a leap second is kept within its minute
  return true;
}

// "00:01+0000": some mailers leave out the space that RFC 5322 §3.3 requires before a numeric zone.
// Splits such a word in two so that the time and the zone are read as usual.
void SplitGluedZone(std::vector<Word>& w, size_t i) {
  size_t sign = w[i].text.find_first_of("+-");
  if (sign == std::string_view::npos || sign == 0) return;
  Word zone{w[i].text.substr(sign)};
  w[i].text = w[i].text.substr(0, sign);
  w.insert(w.begin() + static_cast<std::ptrdiff_t>(i) + 1, zone);
}

// A 12-hour clock marker after the time ("06:09:22 PM EDT", not RFC 5322 but real): consumes it
// and moves the hour onto the 24-hour clock.
void ApplyMeridiem(const std::vector<Word>& w, size_t& i, int& h) {
  if (i >= w.size()) return;
  bool am = EqualsIgnoreCase(w[i].text, "AM"), pm = EqualsIgnoreCase(w[i].text, "PM");
  if (!am && !pm) return;
  if (pm && h < 12) h += 12;
  if (am && h == 12) h = 0;
  ++i;
}

unsigned DaysInMonth(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<model::Timestamp> ParseDateTime(std::string_view value) {
  std::vector<Word> w = Words(value);
  size_t i = 0;
  if (i < w.size() && !w[i].numeric && IsDayName(w[i].text)) ++i;
  // day month year  |  month day year (some old mailers)
  if (i + 3 > w.size()) return std::nullopt;
  std::optional<int> day;
  std::optional<unsigned> month;
  if (w[i].numeric) {
    day = Number(w[i].text, 2);
    month = Month(w[i + 1].text);
  } else {
    month = Month(w[i].text);
    day = Number(w[i + 1].text, 2);
  }
  auto year = Number(w[i + 2].text, 4);
  if (!day || !month || !year) return std::nullopt;
  size_t ydigits = w[i + 2].text.size();
  if (ydigits == 2) *year += *year < 50 ? 2000 : 1900;
  if (ydigits == 3) *year += 1900;
  i += 3;
  int h = 0, mi = 0, s = 0;
  if (i < w.size()) SplitGluedZone(w, i);
  if (i >= w.size() || !ParseTime(w[i].text, h, mi, s)) return std::nullopt;
  ++i;
  ApplyMeridiem(w, i, h);
  int zone = 0;
  if (i < w.size()) {
    auto z = Zone(w[i].text);
    if (!z) return std::nullopt;
    zone = *z;
  }
  if (*year < 1900 || *year > 9999 || *day < 1 ||
      static_cast<unsigned>(*day) > DaysInMonth(*year, *month)) {
    return std::nullopt;
  }
  int64_t local =
      DaysFromCivil(*year, *month, static_cast<unsigned>(*day)) * 86400 + h * 3600 + mi * 60 + s;
  return model::Timestamp{local - zone * 60, zone};
}

}  // namespace rapport::ingest
