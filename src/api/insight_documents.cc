#include "rapport/api/insight_documents.h"

#include <cmath>

#include "rapport/api/iso_time.h"
#include "rapport/api/rounding.h"

namespace rapport::api {
namespace {

Document When(const std::optional<int64_t>& t) {
  return t ? Document(IsoTime(*t)) : Document(nullptr);
}

Document Hours(const std::optional<double>& h) {
  return h ? Document(DocumentHours(*h)) : Document(nullptr);
}

Document ColleagueJson(const insights::KnownColleague& c) {
  const auto& e = c.tie.explanation;
  return {{"name", c.colleague.name},
          {"address", c.colleague.address},
          {"job_title", c.colleague.job_title},
          {"department", c.colleague.department},
          {"strength", DocumentStrength(c.tie.strength)},
          {"label", insights::TieLabelName(c.tie.label)},
          {"contacts_known", c.contacts},
          {"via_account", c.via_account},
          {"chance", c.chance ? Document(DocumentChance(*c.chance)) : Document(nullptr)},
          {"why", insights::TieReasons(c.tie)},
          {"explanation",
           {{"emails_to", e.emails_to + e.replies_to},
            {"emails_from", e.emails_from + e.replies_from},
            {"replies_to", e.replies_to},
            {"replies_from", e.replies_from},
            {"meetings", e.meetings},
            {"first", When(e.first)},
            {"last", When(e.last)}}}};
}

Document SideJson(const insights::SideKpis& s) {
  return {{"emails_sent", s.emails_sent},
          {"emails_received", s.emails_received},
          {"replies", s.replies},
          {"meetings_organised", s.meetings_organised},
          {"hours_spent", DocumentHours(s.hours_spent)},
          {"median_response_hours", Hours(s.median_response_hours)}};
}

Document TiesJson(const std::vector<insights::ContactTie>& ties) {
  Document out = Document::array();
  for (const auto& t : ties) {
    const auto& e = t.tie.explanation;
    out.push_back(
        {{"name", t.contact.name},
         {"address", t.contact.address},
         {"account", t.contact.account.empty() ? Document(nullptr) : Document(t.contact.account)},
         {"strength", DocumentStrength(t.tie.strength)},
         {"label", insights::TieLabelName(t.tie.label)},
         {"emails_to", e.emails_to + e.replies_to},
         {"emails_from", e.emails_from + e.replies_from},
         {"meetings", e.meetings},
         {"last", When(e.last)}});
  }
  return out;
}

constexpr const char* kColumns[] = {"AccountId",
                                    "AccountName",
                                    "AggregationLevel",
                                    "AggregationStartDate",
                                    "NoOfEmails_ToAccount",
                                    "NoOfEmails_FromAccount",
                                    "NoOfMeetings_ToAccount",
                                    "NoOfMeetings_FromAccount",
                                    "NoOfContactsInvolved_Emails",
                                    "NoOfContactsInvolved_Meetings",
                                    "NoOfAccountContactsInvolved_Emails",
                                    "NoOfAccountContactsInvolved_Meetings",
                                    "DaysSinceLastEmail",
                                    "DaysSinceLastMeeting",
                                    "AverageDuration_Of_Meetings",
                                    "AverageDuration_Of_AccountEmailReplies",
                                    "EngagementScore"};

Document Cell(const std::optional<int64_t>& v) {
  return v ? Document(*v) : Document(nullptr);
}

std::vector<Document> Cells(const insights::EngagementRow& r, insights::PeriodLevel level) {
  return {r.account_id,
          r.account_name,
          std::string(insights::PeriodLevelName(level)),
          IsoDate(r.period_start),
          r.emails_to,
          r.emails_from,
          r.meetings_to,
          r.meetings_from,
          r.colleagues_emails,
          r.colleagues_meetings,
          r.contacts_emails,
          r.contacts_meetings,
          Cell(r.days_since_email),
          Cell(r.days_since_meeting),
          Cell(r.meeting_minutes),
          Cell(r.reply_minutes),
          r.engagement_score};
}

// RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled.
std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

Document MonthsJson(const insights::EngagementRelease& release) {
  Document out = Document::array();
  for (const auto& m : release.months) {
    out.push_back({{"month", insights::MonthName(m.month)},
                   {"epsilon_before", m.epsilon_before},
                   {"epsilon_after", m.epsilon_after},
                   {"delta_before", m.delta_before},
                   {"delta_after", m.delta_after}});
  }
  return out;
}

Document PrivacyJson(const insights::EngagementRelease& release) {
  const auto& p = release.parameters;
  Document noise = Document::object();
  for (const auto& [name, sd] : p.noise_sd) noise[name] = sd;
  return {{"release", release.id},
          {"repeated", release.repeated},
          {"reused_periods", release.reused_periods},
          {"estimated_periods", release.estimated_periods},
          {"released_at", release.released_at ? Document(IsoTime(release.released_at)) : nullptr},
          {"level", insights::PeriodLevelName(p.level)},
          {"time_zone", p.time_zone},
          {"from", IsoDate(p.from)},
          {"to", IsoDate(p.to)},
          {"cutoff", IsoDate(p.cutoff)},
          {"epsilon", static_cast<double>(p.epsilon.num) / static_cast<double>(p.epsilon.den)},
          {"rho", p.rho},
          {"delta", p.delta},
          {"selection_delta", p.selection_delta},
          {"k", p.k},
          {"accounts_per_colleague_per_month", p.accounts_per_month},
          {"rows_per_colleague_month", p.rows_per_month},
          {"threshold_unlisted", p.threshold},
          {"noise_sd", noise},
          {"epsilon_per_month", release.epsilon_budget},
          {"delta_per_month", release.delta_budget},
          {"months", MonthsJson(release)}};
}

// The day the data at hand ends (UTC), or null for an empty store.
Document DataUpTo(const std::optional<int64_t>& at) {
  return at ? Document(IsoDate(*at)) : Document(nullptr);
}

}  // namespace

std::string TargetKindName(insights::Target::Kind kind) {
  switch (kind) {
    case insights::Target::Kind::kPerson:
      return "contact";
    case insights::Target::Kind::kAccount:
      return "account";
    case insights::Target::Kind::kDomain:
      return "domain";
  }
  return "contact";
}

Document WhoKnowsWhomDocument(const insights::WhoKnowsWhomAnswer& a) {
  Document out{{"target", {{"kind", TargetKindName(a.target.kind)}, {"label", a.target.label}}},
               {"as_of", IsoTime(a.as_of)},
               {"data_up_to", DataUpTo(a.data_up_to)},
               {"ranked_by", a.ranked_by},
               {"ranker_note", a.ranker_note},
               {"chance_horizon_days",
                a.chance_horizon_days ? Document(a.chance_horizon_days) : Document(nullptr)},
               {"colleagues", Document::array()}};
  for (const auto& c : a.colleagues) out["colleagues"].push_back(ColleagueJson(c));
  return out;
}

Document RelationshipDocument(const insights::RelationshipAnswer& a) {
  Document out{{"target", a.target.label},
               {"target_kind", TargetKindName(a.target.kind)},
               {"as_of", IsoTime(a.as_of)},
               {"data_up_to", DataUpTo(a.data_up_to)},
               {"days", a.days},
               {"by_us", SideJson(a.by_us)},
               {"by_them", SideJson(a.by_them)},
               {"meetings", a.meetings},
               {"last_interaction", When(a.last_interaction)},
               {"next_interaction", When(a.next_interaction)},
               {"most_contacted", Document::array()},
               {"timeline", Document::array()}};
  for (const auto& c : a.most_contacted) {
    out["most_contacted"].push_back({{"name", c.colleague.name},
                                     {"address", c.colleague.address},
                                     {"job_title", c.colleague.job_title},
                                     {"department", c.colleague.department},
                                     {"interactions", c.interactions}});
  }
  for (const auto& w : a.timeline) {
    out["timeline"].push_back({{"week", IsoDate(w.week_start)},
                               {"emails_by_us", w.emails_by_us},
                               {"emails_by_them", w.emails_by_them},
                               {"meetings", w.meetings}});
  }
  Document factors = Document::array();
  for (const auto& f : a.health.factors) {
    factors.push_back({{"name", f.name},
                       {"value", Rounded(f.value, 1000)},
                       {"weight", f.weight},
                       {"points", f.points},
                       {"detail", f.detail}});
  }
  out["health"] = {{"score", a.health.score},
                   {"grade", a.health.grade},
                   {"trend", a.trend},
                   {"previous_score", a.previous_score},
                   {"factors", factors},
                   {"adjustment", a.health.adjustment},
                   {"adjustment_reason", a.health.adjustment_reason}};
  return out;
}

Document PersonalDocument(const insights::PersonalAnswer& a) {
  Document out{{"me", a.me.address},
               {"as_of", IsoTime(a.as_of)},
               {"data_up_to", DataUpTo(a.data_up_to)},
               {"days", a.days},
               {"top_contacts", TiesJson(a.top_contacts)},
               {"going_cold", TiesJson(a.going_cold)},
               {"cold_after_days", a.cold_after_days},
               {"awaiting_reply", Document::array()},
               {"awaiting_reply_total", a.awaiting_reply_total},
               {"my_median_response_hours", Hours(a.my_median_response_hours)},
               {"others_median_response_hours", Hours(a.others_median_response_hours)},
               {"meeting_hours_per_week", DocumentHours(a.meeting_hours_per_week)},
               {"upcoming_external_meetings", Document::array()}};
  for (const auto& w : a.awaiting_reply) {
    out["awaiting_reply"].push_back(
        {{"from", w.from.address}, {"name", w.from.name}, {"received", IsoTime(w.received_at)}});
  }
  for (const auto& m : a.upcoming_external) {
    Document people = Document::array();
    for (const auto& p : m.external) people.push_back(p.address);
    out["upcoming_external_meetings"].push_back(
        {{"start", IsoTime(m.start)}, {"end", IsoTime(m.end)}, {"external", people}});
  }
  return out;
}

Document EngagementPreviewDocument(const insights::EngagementPreview& preview) {
  Document out{{"allowed", preview.verdict.ok()}, {"privacy", PrivacyJson(preview.release)}};
  if (!preview.verdict.ok()) out["reason"] = preview.verdict.message();
  return out;
}

Document EngagementRowDocument(const insights::EngagementRow& r, insights::PeriodLevel level) {
  Document row = Document::object();
  const auto cells = Cells(r, level);
  for (size_t i = 0; i < cells.size(); ++i) row[kColumns[i]] = cells[i];
  return row;
}

Document EngagementDocument(const insights::EngagementRelease& release) {
  Document rows = Document::array();
  for (const auto& r : release.rows) {
    rows.push_back(EngagementRowDocument(r, release.parameters.level));
  }
  return {{"privacy", PrivacyJson(release)}, {"rows", rows}};
}

std::string EngagementCsv(const insights::EngagementRelease& release) {
  std::string out;
  for (const char* c : kColumns) {
    if (!out.empty()) out += ',';
    out += c;
  }
  out += "\r\n";
  for (const auto& r : release.rows) {
    bool first = true;
    for (const auto& cell : Cells(r, release.parameters.level)) {
      if (!first) out += ',';
      first = false;
      if (cell.is_string()) {
        out += CsvField(cell.get<std::string>());
      } else if (!cell.is_null()) {
        out += cell.dump();
      }
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace rapport::api
