#include "rapport/insights/insight_settings.h"

#include <charconv>
#include <cstdlib>

#include "ingest/calendar/icalendar_zones.h"
#include "rapport/insights/discrete_laplace.h"

namespace rapport::insights {
namespace {

constexpr std::string_view kWeightSent = "health_weight_email_sent";
constexpr std::string_view kWeightReceived = "health_weight_email_received";
constexpr std::string_view kWeightMeeting = "health_weight_meeting";
constexpr std::string_view kFrequency = "expected_frequency";
constexpr std::string_view kGrades = "grade_ranges";
constexpr std::string_view kTimeZone = "time_zone";
constexpr std::string_view kColdAfter = "cold_after_days";
constexpr std::string_view kEpsilonMonth = "privacy_epsilon_per_month";
constexpr std::string_view kDeltaMonth = "privacy_delta_per_month";
constexpr std::string_view kReleaseEpsilon = "enrichment_epsilon";
constexpr std::string_view kAccountsPerUser = "enrichment_accounts_per_user";
constexpr std::string_view kMemberReleases = "member_releases_per_month";

constexpr std::string_view kNames[] = {kWeightSent,     kWeightReceived,  kWeightMeeting,
                                       kFrequency,      kGrades,          kTimeZone,
                                       kColdAfter,      kEpsilonMonth,    kDeltaMonth,
                                       kReleaseEpsilon, kAccountsPerUser, kMemberReleases};

bool ParseDouble(std::string_view text, double& out) {
  const std::string s(text);
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size();
}

bool ParseInt(std::string_view text, int& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

int PeriodDays(std::string_view frequency) {
  if (frequency == "daily") return 1;
  if (frequency == "weekly") return 7;
  if (frequency == "biweekly") return 14;
  if (frequency == "monthly") return 30;
  return 0;
}

// "60,40" -> good 60, fair 40.
bool ParseGrades(std::string_view text, int& good, int& fair) {
  const size_t comma = text.find(',');
  if (comma == std::string_view::npos) return false;
  return ParseInt(text.substr(0, comma), good) && ParseInt(text.substr(comma + 1), fair) &&
         0 < fair && fair < good && good <= 100;
}

std::string FormatWeight(double w) {
  std::string s = std::to_string(w);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

bool IsInsightSetting(std::string_view name) {
  for (std::string_view known : kNames) {
    if (name == known) return true;
  }
  return false;
}

std::string CheckInsightSetting(std::string_view name, std::string_view value) {
  if (name == kWeightSent || name == kWeightReceived || name == kWeightMeeting) {
    double w = 0;
    if (!ParseDouble(value, w) || w < 0.5 || w > 1.5) return "a weight from 0.5 to 1.5 (±50 %)";
  } else if (name == kFrequency) {
    if (PeriodDays(value) == 0) return "daily, weekly, biweekly or monthly";
  } else if (name == kGrades) {
    int good = 0, fair = 0;
    if (!ParseGrades(value, good, fair)) return "GOOD,FAIR: where Good and Fair start (60,40)";
  } else if (name == kTimeZone) {
    if (!ingest::ResolveTimeZone(nullptr, value)) return "an IANA time zone (Europe/Berlin)";
  } else if (name == kColdAfter) {
    int days = 0;
    if (!ParseInt(value, days) || days < 1 || days > 3650) return "days, from 1 to 3650";
  } else if (name == kEpsilonMonth || name == kReleaseEpsilon) {
    auto e = ParsePositiveDecimal(value);
    // Above 10 or so a month is barely protected; tests use up to 1000 for noise-free numbers.
    if (!e.ok() || e->num > 1000 * e->den) return "an epsilon above 0 and at most 1000, like 4";
  } else if (name == kDeltaMonth) {
    double d = 0;
    if (!ParseDouble(value, d) || !(d > 0 && d <= 1e-5)) {
      return "a delta above 0 and at most 1e-5, like 1e-7";
    }
  } else if (name == kAccountsPerUser) {
    int n = 0;
    if (!ParseInt(value, n) || n < 1 || n > 50) return "a number of accounts, from 1 to 50";
  } else if (name == kMemberReleases) {
    int n = 0;
    if (!ParseInt(value, n) || n < 0 || n > 1000) return "a number of releases, from 0 to 1000";
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> InsightSettingValues(const InsightSettings& s) {
  return {{std::string(kWeightSent), FormatWeight(s.weight_email_sent)},
          {std::string(kWeightReceived), FormatWeight(s.weight_email_received)},
          {std::string(kWeightMeeting), FormatWeight(s.weight_meeting)},
          {std::string(kFrequency), s.expected_frequency},
          {std::string(kGrades), std::to_string(s.grade_good) + "," + std::to_string(s.grade_fair)},
          {std::string(kTimeZone), s.time_zone},
          {std::string(kColdAfter), std::to_string(s.cold_after_days)},
          {std::string(kEpsilonMonth), s.epsilon_per_month},
          {std::string(kDeltaMonth), s.delta_per_month},
          {std::string(kReleaseEpsilon), s.release_epsilon},
          {std::string(kAccountsPerUser), std::to_string(s.accounts_per_user)},
          {std::string(kMemberReleases), std::to_string(s.member_releases_per_month)}};
}

Result<InsightSettings> LoadInsightSettings(store::Store& store) {
  InsightSettings s;
  for (std::string_view name : kNames) {
    auto value = store.Setting(name);
    if (!value.ok()) return value.status();
    // A value that no longer checks out (set by hand in the file) keeps the default.
    if (!*value || !CheckInsightSetting(name, **value).empty()) continue;
    const std::string& v = **value;
    if (name == kWeightSent) ParseDouble(v, s.weight_email_sent);
    if (name == kWeightReceived) ParseDouble(v, s.weight_email_received);
    if (name == kWeightMeeting) ParseDouble(v, s.weight_meeting);
    if (name == kFrequency) {
      s.expected_frequency = v;
      s.period_days = PeriodDays(v);
    }
    if (name == kGrades) ParseGrades(v, s.grade_good, s.grade_fair);
    if (name == kTimeZone) s.time_zone = v;
    if (name == kColdAfter) ParseInt(v, s.cold_after_days);
    if (name == kEpsilonMonth) s.epsilon_per_month = v;
    if (name == kDeltaMonth) s.delta_per_month = v;
    if (name == kReleaseEpsilon) s.release_epsilon = v;
    if (name == kAccountsPerUser) ParseInt(v, s.accounts_per_user);
    if (name == kMemberReleases) ParseInt(v, s.member_releases_per_month);
  }
  return s;
}

}  // namespace rapport::insights
