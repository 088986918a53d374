// One rounding rule for every number rapport shows. A JSON document carries each measure rounded
// once (hours to 0.01, strengths to 0.0001, health values to 0.001), half away from zero; the CLI
// and the dashboard show that value, rounded again the same way to fewer digits (hours to 0.1,
// strengths to 0.01, chances to whole percents). Both start from the document's value, so they
// never disagree: rounding the raw value for one and the document's for the other can (7.649
// -> 7.65 -> 7.7, but 7.6).
#pragma once

#include <cmath>
#include <string>

#include <fmt/core.h>

namespace rapport::api {

inline double Rounded(double x, double unit) {  // half away from zero, to a multiple of 1/unit
  return std::round(x * unit) / unit;
}

// The precision documents carry.
inline double DocumentHours(double h) {
  return Rounded(h, 100);
}
inline double DocumentStrength(double s) {
  return Rounded(s, 10000);
}

// What the CLI prints (and the dashboard's fmtNumber shows) for a document's value.
inline std::string ShownHours(double h) {
  return fmt::format("{:.1f}", Rounded(DocumentHours(h), 10));
}
inline std::string ShownStrength(double s) {
  return fmt::format("{:.2f}", Rounded(DocumentStrength(s), 100));
}

// A chance (0..1) is carried to 0.0001 and shown in whole percents, from the document's value
// in integers so that no binary fraction tips a half; "<1 %" and ">99 %" at the ends, since a
// chance is never certain.
inline double DocumentChance(double p) {
  return Rounded(p, 10000);
}
inline std::string ShownChance(double p) {
  const long long ten_thousandths = std::llround(p * 10000);
  const long long percent = (ten_thousandths + 50) / 100;
  if (percent < 1) return "<1 %";
  if (percent > 99) return ">99 %";
  return fmt::format("{} %", percent);
}

}  // namespace rapport::api
