#include "insights/engagement_rows.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace rapport::insights {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr int64_t kDay = 86400;

int64_t AtLeastZero(int64_t v) {
  return std::max<int64_t>(0, v);
}

// noisy sum / noisy count, clamped to [0, bound]; none when the count is not positive.
std::optional<int64_t> Average(int64_t sum, int64_t count, int64_t bound) {
  if (count <= 0) return std::nullopt;
  return std::clamp<int64_t>(sum / count, 0, bound);
}

// Activity for EngagementScore: e-mails, and meetings as three e-mails' worth.
double Activity(const EngagementRow& r) {
  return static_cast<double>(r.emails_to + r.emails_from + 3 * (r.meetings_to + r.meetings_from));
}

ordered_json Optional(const std::optional<int64_t>& v) {
  return v ? ordered_json(*v) : ordered_json(nullptr);
}

// A stored field of the type written, else an exception: a damaged body is refused, never
// read by a conversion that could overflow.
int64_t Int(const json& j, const char* key) {
  const json& v = j.at(key);
  if (!v.is_number_integer()) throw std::invalid_argument(std::string(key) + " is not an integer");
  return v.get<int64_t>();
}

double Number(const json& v) {
  if (!v.is_number()) throw std::invalid_argument("a noise scale or delta is not a number");
  return v.get<double>();
}

std::optional<int64_t> OptionalInt(const json& j, const char* key) {
  return j.at(key).is_null() ? std::nullopt : std::optional<int64_t>(Int(j, key));
}

// A row's numbers by their column names: one list for writing and reading a stored release.
struct Column {
  const char* name;
  int64_t EngagementRow::*count = nullptr;
  std::optional<int64_t> EngagementRow::*maybe = nullptr;
};
constexpr Column kColumns[] = {
    {"period_start", &EngagementRow::period_start},
    {"NoOfEmails_ToAccount", &EngagementRow::emails_to},
    {"NoOfEmails_FromAccount", &EngagementRow::emails_from},
    {"NoOfMeetings_ToAccount", &EngagementRow::meetings_to},
    {"NoOfMeetings_FromAccount", &EngagementRow::meetings_from},
    {"NoOfContactsInvolved_Emails", &EngagementRow::colleagues_emails},
    {"NoOfContactsInvolved_Meetings", &EngagementRow::colleagues_meetings},
    {"NoOfAccountContactsInvolved_Emails", &EngagementRow::contacts_emails},
    {"NoOfAccountContactsInvolved_Meetings", &EngagementRow::contacts_meetings},
    {"DaysSinceLastEmail", nullptr, &EngagementRow::days_since_email},
    {"DaysSinceLastMeeting", nullptr, &EngagementRow::days_since_meeting},
    {"AverageDuration_Of_Meetings", nullptr, &EngagementRow::meeting_minutes},
    {"AverageDuration_Of_AccountEmailReplies", nullptr, &EngagementRow::reply_minutes},
};

}  // namespace

EngagementRow RowFrom(const RowTotals& totals, const std::vector<int64_t>& n,
                      const ContributionBounds& bounds, int64_t pieces, int64_t period_start) {
  // Post-processing keeps the noisy columns consistent with each other and with the public
  // bounds: no more colleagues by e-mail than colleagues, no more e-mails than those colleagues'
  // pieces carry on average, nothing about meetings without a colleague who met the account.
  EngagementRow row;
  row.account_id = totals.account;
  row.period_start = period_start;
  const int64_t colleagues = AtLeastZero(n[0]);
  row.colleagues_meetings = std::min(AtLeastZero(n[2]), colleagues);
  // E-mail counts are capped by the colleague count, the least noisy column (the count by e-mail
  // has several times its noise, and capping by it would zero large rows now and then); then
  // the count by e-mail is at least what those e-mails need. The cap is the pieces' average bound
  // (bounds.emails each way), not the most one piece may carry (PieceMaximum): measured on the
  // 1,000-user sample (BENCHMARKS.md, issue 16), it takes more noise off small rows than it
  // takes truth off big ones.
  const int64_t mail_pieces = colleagues * pieces;
  const int64_t meeting_pieces = row.colleagues_meetings * pieces;
  row.emails_to = std::min(AtLeastZero(n[3]), mail_pieces * bounds.emails);
  row.emails_from = std::min(AtLeastZero(n[4]), mail_pieces * bounds.emails);
  const int64_t per_colleague = std::max<int64_t>(1, pieces * bounds.emails);
  const int64_t needed =
      (std::max(row.emails_to, row.emails_from) + per_colleague - 1) / per_colleague;
  row.colleagues_emails = std::clamp(AtLeastZero(n[1]), needed, colleagues);
  row.meetings_to = std::min(AtLeastZero(n[5]), meeting_pieces * bounds.meetings);
  row.meetings_from = std::min(AtLeastZero(n[6]), meeting_pieces * bounds.meetings);
  // The account's people reached by e-mail come with the colleagues who e-mailed them: a row
  // with no colleague by e-mail shows none (the demo showed 45 people and 0 e-mails).
  row.contacts_emails =
      std::min(AtLeastZero(n[7]), row.colleagues_emails * pieces * bounds.contacts);
  row.contacts_meetings = std::min(AtLeastZero(n[8]), meeting_pieces * bounds.contacts);
  if (row.colleagues_meetings > 0) {
    row.meeting_minutes = Average(n[10] * kMeetingUnit, n[9], bounds.meeting_minutes);
  }
  if (row.colleagues_emails > 0) {
    row.reply_minutes = Average(n[12] * kReplyUnit, n[11], bounds.reply_minutes);
  }
  return row;
}

void PostProcess(std::vector<EngagementRow>& rows, const std::vector<Period>& periods,
                 int64_t as_of) {
  std::map<int64_t, int64_t> period_end;
  for (const auto& p : periods) period_end[p.start] = p.end;
  // Days since: from the row's end (or as-of) back to the end of the account's latest released
  // period with any (e-mail / meeting), 0 when it is this one.
  std::map<int64_t, std::pair<std::optional<int64_t>, std::optional<int64_t>>> last;  // ends
  for (auto& r : rows) {
    const int64_t end = period_end[r.period_start];
    const int64_t reference = std::min(end, std::max(as_of, r.period_start));
    auto& [mail, meeting] = last[r.account_id];
    if (r.emails_to + r.emails_from > 0) mail = end;
    if (r.meetings_to + r.meetings_from > 0) meeting = end;
    auto since = [&](const std::optional<int64_t>& at) -> std::optional<int64_t> {
      if (!at) return std::nullopt;
      return *at == end ? 0 : (reference - *at) / kDay;
    };
    r.days_since_email = since(mail);
    r.days_since_meeting = since(meeting);
  }
  // EngagementScore: log activity relative to the period's busiest released account.
  std::map<int64_t, double> busiest;
  for (const auto& r : rows)
    busiest[r.period_start] = std::max(busiest[r.period_start], Activity(r));
  for (auto& r : rows) {
    const double top = busiest[r.period_start];
    r.engagement_score =
        top <= 0 ? 0
                 : static_cast<int>(std::lround(100 * std::log1p(Activity(r)) / std::log1p(top)));
  }
}

std::string ReleaseBody(const EngagementRelease& release) {
  const ReleaseParameters& p = release.parameters;
  ordered_json noise = ordered_json::object();
  for (const auto& [name, sd] : p.noise_sd) noise[name] = sd;
  ordered_json rows = ordered_json::array();
  for (const auto& r : release.rows) {
    ordered_json row{
        {"AccountId", r.account_id}, {"AccountName", r.account_name}, {"listed", r.listed}};
    for (const Column& c : kColumns)
      row[c.name] = c.count ? ordered_json(r.*c.count) : Optional(r.*c.maybe);
    row["EngagementScore"] = r.engagement_score;
    rows.push_back(std::move(row));
  }
  ordered_json months = ordered_json::array();
  for (const auto& m : release.months) {
    months.push_back({{"month", m.month},
                      {"epsilon_before", m.epsilon_before},
                      {"epsilon_after", m.epsilon_after},
                      {"delta_before", m.delta_before},
                      {"delta_after", m.delta_after},
                      {"rho_after", m.rho_after},
                      {"rho_budget", m.rho_budget}});
  }
  ordered_json measured = ordered_json::array();  // [account, period start, measures...]
  for (const auto& [account, periods] : release.measured) {
    for (const auto& [start, values] : periods) {
      ordered_json entry{account, start};
      for (int64_t v : values) entry.push_back(v);
      measured.push_back(std::move(entry));
    }
  }
  return ordered_json{{"level", PeriodLevelName(p.level)},
                      {"time_zone", p.time_zone},
                      {"from", p.from},
                      {"to", p.to},
                      {"cutoff", p.cutoff},
                      {"epsilon_num", p.epsilon.num},
                      {"epsilon_den", p.epsilon.den},
                      {"delta", p.delta},
                      {"rho", p.rho},
                      {"selection_delta", p.selection_delta},
                      {"k", p.k},
                      {"accounts_per_month", p.accounts_per_month},
                      {"rows_per_month", p.rows_per_month},
                      {"threshold", p.threshold},
                      {"noise_sd", noise},
                      {"epsilon_budget", release.epsilon_budget},
                      {"delta_budget", release.delta_budget},
                      {"months", months},
                      {"reused_periods", release.reused_periods},
                      {"estimated_periods", release.estimated_periods},
                      {"rows", rows},
                      {"measured", measured}}
      .dump();
}

Result<EngagementRelease> ParseReleaseBody(const std::string& body) {
  EngagementRelease out;
  try {
    const json j = json::parse(body);
    ReleaseParameters& p = out.parameters;
    auto level = ParsePeriodLevel(j.at("level").get<std::string>());
    if (!level.ok()) return level.status();
    p.level = *level;
    p.time_zone = j.at("time_zone").get<std::string>();
    p.from = Int(j, "from");
    p.to = Int(j, "to");
    p.cutoff = Int(j, "cutoff");
    p.epsilon = {static_cast<uint64_t>(Int(j, "epsilon_num")),
                 static_cast<uint64_t>(Int(j, "epsilon_den"))};
    p.delta = Number(j.at("delta"));
    p.rho = Number(j.at("rho"));
    p.selection_delta = Number(j.at("selection_delta"));
    p.k = static_cast<int>(Int(j, "k"));
    p.accounts_per_month = static_cast<int>(Int(j, "accounts_per_month"));
    p.rows_per_month = Int(j, "rows_per_month");
    p.threshold = Int(j, "threshold");
    for (const auto& [name, sd] : j.at("noise_sd").items()) {
      p.noise_sd.emplace_back(name, Number(sd));
    }
    out.epsilon_budget = Number(j.at("epsilon_budget"));
    out.delta_budget = Number(j.at("delta_budget"));
    out.reused_periods = j.contains("reused_periods") ? Int(j, "reused_periods") : 0;
    out.estimated_periods = j.contains("estimated_periods") ? Int(j, "estimated_periods") : 0;
    for (const auto& m : j.at("months")) {
      out.months.push_back({Int(m, "month"), Number(m.at("epsilon_before")),
                            Number(m.at("epsilon_after")), Number(m.at("delta_before")),
                            Number(m.at("delta_after")), Number(m.at("rho_after")),
                            Number(m.at("rho_budget"))});
    }
    for (const auto& r : j.at("rows")) {
      EngagementRow row;
      row.account_id = Int(r, "AccountId");
      row.account_name = r.at("AccountName").get<std::string>();
      row.listed = r.at("listed").get<bool>();
      for (const Column& c : kColumns) {
        if (c.count) {
          row.*c.count = Int(r, c.name);
        } else {
          row.*c.maybe = OptionalInt(r, c.name);
        }
      }
      row.engagement_score = static_cast<int>(Int(r, "EngagementScore"));
      out.rows.push_back(std::move(row));
    }
    if (j.contains("measured")) {  // releases before the estimate across periods have none
      for (const auto& entry : j.at("measured")) {
        std::vector<int64_t> values;
        for (const auto& v : entry) {
          if (!v.is_number_integer()) throw std::invalid_argument("a measure is not an integer");
          values.push_back(v.get<int64_t>());
        }
        if (values.size() < 2) throw std::invalid_argument("a measured entry is short");
        out.measured[values[0]][values[1]].assign(values.begin() + 2, values.end());
      }
    }
  } catch (const std::exception& e) {
    std::string msg = "a stored engagement release is damaged or from an older version (";
    msg += e.what();
    msg += "); run rapport budget to see the ledger";
    return Status::Corruption(msg);
  }
  return out;
}

}  // namespace rapport::insights
