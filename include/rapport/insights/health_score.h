// HealthScore: how healthy a relationship is, 0-100, with a grade and the factors behind it
// (SPEC §4.3). docs/relationships.md gives the formula.
//
// Contract: a pure function of what happened in the window and the tenant's settings. Factors
// (each 0..1, weights in brackets):
//   activity (40)       weighted e-mails and meetings against one e-mail each way per period
//   reciprocity (20)    the smaller side's e-mails over the larger's (meetings alone count as 1)
//   responsiveness (20) 1 / (1 + median reply hours / 24); left out when no reply was measured
//   recency (20)        1 within a period of the last interaction, else period / days since
// score = round(100 * sum(weight * value) / sum(weight of the factors measured)); one-way traffic
// (reciprocity 0) is no relationship, so its score stays below Fair. Each factor's points are its
// share of that score, whole numbers by largest remainder so that they add up to it exactly; the
// one-way cap is an adjustment of its own: sum(points) + adjustment == score.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rapport/insights/insight_settings.h"

namespace rapport::insights {

struct HealthInputs {
  int days = 60;  // the window's length
  int emails_by_us = 0, emails_by_them = 0, meetings = 0;
  std::vector<double> response_hours;  // every reply's latency in the window, both ways
  std::optional<int64_t> last_interaction;
  int64_t as_of = 0;
};

struct HealthFactor {
  std::string name;  // activity, reciprocity, responsiveness, recency
  double value = 0;  // 0..1
  double weight = 0;
  std::string detail;  // what drove it, in words
  int points = 0;      // its share of the score (see above)
};

struct HealthScore {
  int score = 0;
  std::string grade;  // Good, Fair or Poor
  std::vector<HealthFactor> factors;
  int adjustment = 0;  // <= 0: the one-way cap; "" reason when none
  std::string adjustment_reason = {};
};

HealthScore ComputeHealth(const HealthInputs& in, const InsightSettings& settings);
std::string GradeFor(int score, const InsightSettings& settings);
double Median(std::vector<double> values);  // 0 for none

}  // namespace rapport::insights
