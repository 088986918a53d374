// The sample generator's built-in vocabulary (names, companies, subjects, sentences) and the
// header encodings it needs (RFC 2047 encoded words, quoted display names, RFC 5322 dates).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace rapport::sample {

// A word as shown (UTF-8, may hold accents) and as used in addresses and domains (ASCII).
struct Word {
  std::string_view display;
  std::string_view ascii;
};

std::span<const Word> FirstNames();
std::span<const Word> LastNames();
std::span<const Word> CompanyNames();    // combined with CompanySectors() into account names
std::span<const Word> CompanySectors();  // the first entry is empty: "Fabrikam" alone
std::span<const std::string_view> FreeMailDomains();
std::span<const std::string_view> ProjectCodenames();
std::span<const std::string_view> Sentences();  // some start with "From ", as real mail does

// Subject templates; '%' stands for an account name or a project codename.
std::span<const std::string_view> ExternalSubjects();
std::span<const std::string_view> InternalSubjects();
std::string FillTemplate(std::string_view templ, std::string_view value);

// How a display name is written in an address header.
enum class NameForm : uint8_t {
  kPlain,        // Jane Doe <jane.doe@x>
  kQuoted,       // "Jane Doe" <jane.doe@x>
  kLastFirst,    // "Doe, Jane" <jane.doe@x>
  kAddressOnly,  // jane.doe@x
};

bool IsAscii(std::string_view s);

// Appends `utf8` as RFC 2047 Q encoded words of at most 75 characters each, split on character
// boundaries and separated by folding whitespace. Strict enough for a phrase (display name).
void AppendEncodedWords(std::string& out, std::string_view utf8);

// Appends unstructured header text (Subject): as is when ASCII, else encoded words.
void AppendHeaderText(std::string& out, std::string_view utf8);

// Appends one mailbox in the given form; non-ASCII names become encoded words.
void AppendMailbox(std::string& out, std::string_view name, NameForm form,
                   std::string_view address);

// "Tue, 7 Apr 2026 09:15:02 -0700": the local time at `offset_minutes` east of UTC.
void AppendRfc5322Date(std::string& out, int64_t utc, int offset_minutes);

// "Tue Apr  7 16:15:02 2026" in UTC, as mbox "From " lines write it.
void AppendAsctime(std::string& out, int64_t utc);

// Days since 1970-01-01 to (year, month 1..12, day 1..31), proleptic Gregorian.
void CivilFromDays(int64_t days, int64_t& year, unsigned& month, unsigned& day);

// Floor division and modulo by 86400 (times before 1970 stay correct).
int64_t DayOf(int64_t utc);
int64_t SecondOfDay(int64_t utc);
// 0 = Sunday .. 6 = Saturday.
unsigned Weekday(int64_t days);

void AppendNumber(std::string& out, uint64_t value);
void AppendPadded(std::string& out, uint64_t value, int width);
// "HH<sep>MM<sep>SS" of a second of the day ("09:05:00", or "090500" with an empty separator).
void AppendClock(std::string& out, int64_t second_of_day, std::string_view separator);

}  // namespace rapport::sample
