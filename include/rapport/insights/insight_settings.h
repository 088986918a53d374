// InsightSettings: the tenant settings that shape relationship analytics, personal insights and
// account engagement (SPEC §4.3-§4.5), read from the store, with defaults for what was never set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::insights {

struct InsightSettings {
  // The weight of each activity kind in the health score, each within 0.5 .. 1.5 (±50 %).
  double weight_email_sent = 1.0;      // e-mails we send them
  double weight_email_received = 1.0;  // e-mails they send us
  double weight_meeting = 1.0;         // meetings both sides attended
  // How often a healthy relationship is in touch: daily, weekly, biweekly or monthly.
  std::string expected_frequency = "weekly";
  int period_days = 7;
  int grade_good = 60;            // Good from here to 100
  int grade_fair = 40;            // Fair from here to grade_good - 1; Poor below
  std::string time_zone = "UTC";  // IANA name: weekly buckets start on Monday 00:00 there
  int cold_after_days = 30;       // a strong tie this long without contact is going cold
  // Account engagement (docs/privacy.md): the lifetime privacy budget of each calendar month of
  // data, as (epsilon, delta); what a release asks for when it names no epsilon (and the most a
  // member or guest may ask for); how many accounts a colleague counts for per month; and how
  // many new releases a member or guest may make per calendar month (admins are not capped).
  std::string epsilon_per_month = "4";
  std::string delta_per_month = "1e-7";
  std::string release_epsilon = "3";
  int accounts_per_user = 7;
  int member_releases_per_month = 4;
};

// Every setting name with its value as `settings show` prints it.
std::vector<std::pair<std::string, std::string>> InsightSettingValues(const InsightSettings& s);

Result<InsightSettings> LoadInsightSettings(store::Store& store);

// Whether NAME is an insight setting; and if so, "" when VALUE is valid for it, else a sentence
// saying what it takes.
bool IsInsightSetting(std::string_view name);
std::string CheckInsightSetting(std::string_view name, std::string_view value);

}  // namespace rapport::insights
