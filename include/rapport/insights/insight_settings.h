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
  // Account engagement (docs/privacy.md): the epsilon the tenant may spend per calendar quarter,
  // and how many accounts a user counts for per period.
  std::string privacy_budget = "10";
  int accounts_per_user = 3;
  // The part of that budget one member or guest may spend on new releases per quarter (0 to 1),
  // so that no one of them can spend everyone's; admins are not capped.
  std::string member_release_share = "0.25";
};

// A share from 0 to 1 with at most 6 decimals ("0.25"), in millionths; nullopt when it is not one.
std::optional<int64_t> ParseShareMicro(std::string_view text);

// Every setting name with its value as `settings show` prints it.
std::vector<std::pair<std::string, std::string>> InsightSettingValues(const InsightSettings& s);

Result<InsightSettings> LoadInsightSettings(store::Store& store);

// Whether NAME is an insight setting; and if so, "" when VALUE is valid for it, else a sentence
// saying what it takes.
bool IsInsightSetting(std::string_view name);
std::string CheckInsightSetting(std::string_view name, std::string_view value);

}  // namespace rapport::insights
