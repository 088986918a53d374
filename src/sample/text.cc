#include "sample/text.h"

#include <array>
#include <charconv>

namespace rapport::sample {
namespace {

constexpr Word kFirstNames[] = {
    {"Aaron", "aaron"},       {"Abigail", "abigail"},   {"Adam", "adam"},
    {"Aisha", "aisha"},       {"Alex", "alex"},         {"Amara", "amara"},
    {"Ana", "ana"},           {"Anders", "anders"},     {"Anika", "anika"},
    {"Ben", "ben"},           {"Björn", "bjorn"},       {"Carla", "carla"},
    {"Carlos", "carlos"},     {"Chen", "chen"},         {"Chloé", "chloe"},
    {"Daniel", "daniel"},     {"Daria", "daria"},       {"David", "david"},
    {"Diego", "diego"},       {"Elena", "elena"},       {"Emily", "emily"},
    {"Emma", "emma"},         {"Ethan", "ethan"},       {"Fatima", "fatima"},
    {"François", "francois"}, {"Grace", "grace"},       {"Hannah", "hannah"},
    {"Hiro", "hiro"},         {"Ines", "ines"},         {"Isaac", "isaac"},
    {"Jack", "jack"},         {"Jane", "jane"},         {"Javier", "javier"},
    {"José", "jose"},         {"Julia", "julia"},       {"Jürgen", "jurgen"},
    {"Kai", "kai"},           {"Karen", "karen"},       {"Kenji", "kenji"},
    {"Laura", "laura"},       {"Leila", "leila"},       {"Liam", "liam"},
    {"Lucas", "lucas"},       {"Łukasz", "lukasz"},     {"Maya", "maya"},
    {"Mei", "mei"},           {"Mohammed", "mohammed"}, {"Nadia", "nadia"},
    {"Noah", "noah"},         {"Olivia", "olivia"},     {"Omar", "omar"},
    {"Priya", "priya"},       {"Rafael", "rafael"},     {"Raj", "raj"},
    {"Renée", "renee"},       {"Sam", "sam"},           {"Sara", "sara"},
    {"Sofia", "sofia"},       {"Søren", "soren"},       {"Tariq", "tariq"},
    {"Thomas", "thomas"},     {"Valeria", "valeria"},   {"Wei", "wei"},
    {"Yusuf", "yusuf"},       {"Zoë", "zoe"},           {"Zara", "zara"},
    {"Zoltan", "zoltan"},
};

// 67 first names and 60 last names: the sizes must stay coprime (see NameSequence).
static_assert(std::size(kFirstNames) == 67);

constexpr Word kLastNames[] = {
    {"Adams", "adams"},       {"Ahmed", "ahmed"},       {"Andersen", "andersen"},
    {"Bauer", "bauer"},       {"Becker", "becker"},     {"Brown", "brown"},
    {"Çelik", "celik"},       {"Chen", "chen"},         {"Clarke", "clarke"},
    {"Costa", "costa"},       {"Dubois", "dubois"},     {"Doe", "doe"},
    {"Evans", "evans"},       {"Fischer", "fischer"},   {"García", "garcia"},
    {"Gupta", "gupta"},       {"Hansen", "hansen"},     {"Hughes", "hughes"},
    {"Ito", "ito"},           {"Jensen", "jensen"},     {"Johnson", "johnson"},
    {"Kim", "kim"},           {"Kowalski", "kowalski"}, {"Lefèvre", "lefevre"},
    {"Lee", "lee"},           {"Lopez", "lopez"},       {"Martin", "martin"},
    {"Müller", "muller"},     {"Nakamura", "nakamura"}, {"Nguyen", "nguyen"},
    {"Novak", "novak"},       {"Núñez", "nunez"},       {"O'Brien", "obrien"},
    {"Okafor", "okafor"},     {"Olsen", "olsen"},       {"Patel", "patel"},
    {"Perez", "perez"},       {"Quinn", "quinn"},       {"Rossi", "rossi"},
    {"Santos", "santos"},     {"Schmidt", "schmidt"},   {"Silva", "silva"},
    {"Singh", "singh"},       {"Smith", "smith"},       {"Søndergaard", "sondergaard"},
    {"Suzuki", "suzuki"},     {"Tanaka", "tanaka"},     {"Taylor", "taylor"},
    {"Thompson", "thompson"}, {"Varga", "varga"},       {"Wagner", "wagner"},
    {"Walker", "walker"},     {"Wang", "wang"},         {"Weber", "weber"},
    {"Williams", "williams"}, {"Wilson", "wilson"},     {"Wójcik", "wojcik"},
    {"Yamamoto", "yamamoto"}, {"Young", "young"},       {"Zhang", "zhang"},
};

static_assert(std::size(kLastNames) == 60);

// Fictional companies (most from Microsoft's documentation set); always under .example.
constexpr Word kCompanies[] = {
    {"Fabrikam", "fabrikam"},
    {"Contoso", "contoso"},
    {"Adatum", "adatum"},
    {"Litware", "litware"},
    {"Tailspin", "tailspin"},
    {"Wingtip", "wingtip"},
    {"Woodgrove", "woodgrove"},
    {"Fourth Coffee", "fourthcoffee"},
    {"Alpine Ski", "alpineski"},
    {"Blue Yonder", "blueyonder"},
    {"Coho", "coho"},
    {"Lucerne", "lucerne"},
    {"Margie's", "margies"},
    {"Proseware", "proseware"},
    {"Relecloud", "relecloud"},
    {"Trey", "trey"},
    {"Wide World", "wideworld"},
    {"Humongous", "humongous"},
    {"Consolidated", "consolidated"},
    {"Graphic Design", "graphicdesign"},
    {"Lamna", "lamna"},
    {"Munson's", "munsons"},
    {"Southridge", "southridge"},
    {"VanArsdel", "vanarsdel"},
    {"Northbrook", "northbrook"},
};

// 25 companies and 16 sectors: coprime sizes, like the name lists.
static_assert(std::size(kCompanies) == 25);

constexpr Word kSectors[] = {
    {"", ""},
    {"Energy", "energy"},
    {"Health", "health"},
    {"Bank", "bank"},
    {"Logistics", "logistics"},
    {"Labs", "labs"},
    {"Retail", "retail"},
    {"Systems", "systems"},
    {"Foods", "foods"},
    {"Media", "media"},
    {"Capital", "capital"},
    {"Travel", "travel"},
    {"Pharma", "pharma"},
    {"Motors", "motors"},
    {"Insurance", "insurance"},
    {"Consulting", "consulting"},
};

static_assert(std::size(kSectors) == 16);

constexpr std::string_view kFreeMail[] = {"gmail.com", "outlook.com", "yahoo.com", "hotmail.com",
                                          "icloud.com"};

constexpr std::string_view kCodenames[] = {
    "Atlas", "Borealis", "Cascade", "Delta", "Ember",    "Fjord",  "Granite", "Harbor",
    "Iris",  "Juniper",  "Kestrel", "Lumen", "Meridian", "Nimbus", "Orchid",  "Pioneer",
};

constexpr std::string_view kSentences[] = {
    "Thanks for the quick turnaround on this.",
    "Could you send over the latest version when you have a moment?",
    "I have attached my comments inline; nothing major.",
    "Let me know if Thursday afternoon works for a call.",
    "From our side the paperwork is ready to sign.",
    "We are still waiting on legal, I expect an answer by Friday.",
    "Happy to walk you through the numbers next week.",
    "From what I heard the pilot went well, congratulations.",
    "Can we move our meeting to next Tuesday?",
    "I looped in a colleague who knows the details better than I do.",
    "The figures look right to me, please go ahead.",
    "Sorry for the slow reply, it has been a busy week.",
    "Please find the summary of today's discussion below.",
    "We agreed to revisit the timeline at the end of the quarter.",
    "Great to meet you yesterday, as promised here are the next steps.",
    "Could you confirm the delivery address for the shipment?",
    "I will update the forecast and share it by end of day.",
    "Following up on my last note, any news on your side?",
};

constexpr std::string_view kExternalSubjects[] = {
    "Renewal terms for %",
    "% pilot: next steps",
    "Pricing proposal",
    "Quick question about the % rollout",
    "Invoice query",
    "Agenda for Thursday",
    "% quarterly business review",
    "Contract redlines",
    "Intro call",
    "Follow-up from today's meeting",
    "Support escalation for %",
    "Café meeting on Friday?",
    "Next steps \xE2\x80\x94 %",  // an em dash: the subject needs encoded words
    "Security questionnaire",
};

constexpr std::string_view kInternalSubjects[] = {
    "Project % status",
    "% launch checklist",
    "Team offsite",
    "Budget review",
    "Notes from our 1:1",
    "Hiring plan for %",
    "Lunch?",
    "Draft deck for %",
    "Weekly sync",
    "Travel plans",
    "Über-quick review of the % plan",
    "Slides for Monday",
};

constexpr std::string_view kDayNames[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::string_view kMonthNames[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// RFC 2047 §5(3): in a phrase only letters, digits and "!*+-/" may stand for themselves.
bool IsQSafe(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!' ||
         c == '*' || c == '+' || c == '-' || c == '/';
}

// The Q form of one UTF-8 character starting at s[i]; advances i past it.
std::string QChar(std::string_view s, size_t& i) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t len = 1;
  auto lead = static_cast<unsigned char>(s[i]);
  if (lead >= 0xF0) {
    len = 4;
  } else if (lead >= 0xE0) {
    len = 3;
  } else if (lead >= 0xC0) {
    len = 2;
  }
  std::string q;
  for (size_t k = 0; k < len && i < s.size(); ++k, ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == ' ') {
      q += '_';
    } else if (IsQSafe(c)) {
      q += static_cast<char>(c);
    } else {
      q += '=';
      q += kHex[c >> 4];
      q += kHex[c & 15];
    }
  }
  return q;
}

// A display name needs quoting when it holds anything but atext and spaces (RFC 5322 §3.2.3).
bool NeedsQuotes(std::string_view name) {
  for (char c : name) {
    bool atext = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == ' ' ||
                 std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
    if (!atext) return true;
  }
  return false;
}

}  // namespace

std::span<const Word> FirstNames() {
  return kFirstNames;
}
std::span<const Word> LastNames() {
  return kLastNames;
}
std::span<const Word> CompanyNames() {
  return kCompanies;
}
std::span<const Word> CompanySectors() {
  return kSectors;
}
std::span<const std::string_view> FreeMailDomains() {
  return kFreeMail;
}
std::span<const std::string_view> ProjectCodenames() {
  return kCodenames;
}
std::span<const std::string_view> Sentences() {
  return kSentences;
}
std::span<const std::string_view> ExternalSubjects() {
  return kExternalSubjects;
}
std::span<const std::string_view> InternalSubjects() {
  return kInternalSubjects;
}

std::string FillTemplate(std::string_view templ, std::string_view value) {
  std::string out;
  for (char c : templ) {
    if (c == '%') {
      out += value;
    } else {
      out += c;
    }
  }
  return out;
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

void AppendEncodedWords(std::string& out, std::string_view utf8) {
  constexpr std::string_view kOpen = "=?UTF-8?Q?", kClose = "?=";
  constexpr size_t kMaxWord = 75;
  std::string word(kOpen);
  size_t i = 0;
  while (i < utf8.size()) {
    std::string q = QChar(utf8, i);
    if (word.size() + q.size() + kClose.size() > kMaxWord) {
      out += word;
      out += kClose;
      out += "\n ";
      word = kOpen;
    }
    word += q;
  }
  out += word;
  out += kClose;
}

void AppendHeaderText(std::string& out, std::string_view utf8) {
  if (IsAscii(utf8)) {
    out += utf8;
  } else {
    AppendEncodedWords(out, utf8);
  }
}

void AppendMailbox(std::string& out, std::string_view name, NameForm form,
                   std::string_view address) {
  if (form == NameForm::kAddressOnly || name.empty()) {
    out += address;
    return;
  }
  if (!IsAscii(name)) {
    AppendEncodedWords(out, name);
  } else if (form == NameForm::kPlain && !NeedsQuotes(name)) {
    out += name;
  } else {
    out += '"';
    for (char c : name) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += " <";
  out += address;
  out += '>';
}

int64_t DayOf(int64_t utc) {
  return utc >= 0 ? utc / 86400 : -((-utc + 86399) / 86400);
}
int64_t SecondOfDay(int64_t utc) {
  return utc - DayOf(utc) * 86400;
}
unsigned Weekday(int64_t days) {
  return static_cast<unsigned>(((days % 7) + 11) % 7);
}

void CivilFromDays(int64_t days, int64_t& year, unsigned& month, unsigned& day) {
  // Howard Hinnant's civil_from_days.
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<uint64_t>(z - era * 146097);
  uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  uint64_t mp = (5 * doy + 2) / 153;
  day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  year = static_cast<int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
}

void AppendNumber(std::string& out, uint64_t value) {
  std::array<char, 24> buf;
  auto res = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  out.append(buf.data(), res.ptr);
}

void AppendPadded(std::string& out, uint64_t value, int width) {
  std::array<char, 24> buf;
  auto res = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  for (auto n = res.ptr - buf.data(); n < width; ++n) out += '0';
  out.append(buf.data(), res.ptr);
}

void AppendClock(std::string& out, int64_t second_of_day, std::string_view separator) {
  AppendPadded(out, static_cast<uint64_t>(second_of_day / 3600), 2);
  out += separator;
  AppendPadded(out, static_cast<uint64_t>(second_of_day / 60 % 60), 2);
  out += separator;
  AppendPadded(out, static_cast<uint64_t>(second_of_day % 60), 2);
}

void AppendRfc5322Date(std::string& out, int64_t utc, int offset_minutes) {
  int64_t local = utc + int64_t{offset_minutes} * 60;
  int64_t days = DayOf(local), secs = SecondOfDay(local), year = 0;
  unsigned month = 0, day = 0;
  CivilFromDays(days, year, month, day);
  out += kDayNames[Weekday(days)];
  out += ", ";
  AppendNumber(out, day);
  out += ' ';
  out += kMonthNames[month - 1];
  out += ' ';
  AppendNumber(out, static_cast<uint64_t>(year));
  out += ' ';
  AppendClock(out, secs, ":");
  out += offset_minutes < 0 ? " -" : " +";
  int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  AppendPadded(out, static_cast<uint64_t>(magnitude / 60 * 100 + magnitude % 60), 4);
}

void AppendAsctime(std::string& out, int64_t utc) {
  int64_t days = DayOf(utc), secs = SecondOfDay(utc), year = 0;
  unsigned month = 0, day = 0;
  CivilFromDays(days, year, month, day);
  out += kDayNames[Weekday(days)];
  out += ' ';
  out += kMonthNames[month - 1];
  out += day < 10 ? "  " : " ";
  AppendNumber(out, day);
  out += ' ';
  AppendClock(out, secs, ":");
  out += ' ';
  AppendNumber(out, static_cast<uint64_t>(year));
}

}  // namespace rapport::sample
