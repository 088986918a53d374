// The features of the learned Who Knows Whom ranker (wkw_model.h), computed from ties.
#include <algorithm>
#include <cmath>
#include <set>

#include "rapport/insights/wkw_model.h"

namespace rapport::insights {
namespace {

constexpr double kDay = 86400.0;
constexpr int64_t kYearSeconds = 365 * 86400;

enum Feature : size_t {
  kRecentMonth,
  kYear,
  kYears,
  kWroteTo,
  kHeardFrom,
  kReplies,
  kMeetings,
  kRecency,
  kTieAge,
  kTwoWay,
  kCrowd,
  kAccountOthers,
  kAccountPeople,
  kAccountRecency,
  kFormula,
  kAccountFormula,
};

constexpr std::string_view kNames[kWkwFeatures] = {
    "contact_month",   "contact_year",   "contact_years",  "wrote_to_contact", "heard_from_contact",
    "replies",         "meetings",       "recency",        "tie_age",          "two_way",
    "crowd",           "account_others", "account_people", "account_recency",  "formula",
    "account_formula",
};

double Decay(int64_t age_seconds, double half_life_days) {
  return std::exp2(-static_cast<double>(age_seconds) / kDay / half_life_days);
}

double Recency(int64_t age_seconds) {
  return std::exp(-static_cast<double>(age_seconds) / kDay / 90.0);
}

bool Outgoing(InteractionKind k) {
  return k == InteractionKind::kEmailToContact || k == InteractionKind::kReplyToContact;
}
bool Incoming(InteractionKind k) {
  return k == InteractionKind::kEmailFromContact || k == InteractionKind::kReplyFromContact;
}

// The interactions of a list (sorted by time) strictly before `at`.
std::span<const Interaction> Before(std::span<const Interaction> list, int64_t at) {
  auto end = std::lower_bound(list.begin(), list.end(), at,
                              [](const Interaction& i, int64_t t) { return i.at < t; });
  return list.first(static_cast<size_t>(end - list.begin()));
}

void DirectFeatures(std::span<const Interaction> before, int64_t at, WkwFeatures& x) {
  if (before.empty()) return;
  double crowd = 0;
  bool out = false, in = false;
  for (const Interaction& i : before) {
    const int64_t age = at - i.at;
    x[kRecentMonth] += Decay(age, 30);
    x[kYear] += Decay(age, 365);
    x[kYears] += Decay(age, 1500);
    const double year = Decay(age, 365);
    if (Outgoing(i.kind)) x[kWroteTo] += year;
    if (Incoming(i.kind)) x[kHeardFrom] += year;
    if (i.kind == InteractionKind::kReplyToContact || i.kind == InteractionKind::kReplyFromContact)
      x[kReplies] += year;
    if (i.kind == InteractionKind::kMeeting) x[kMeetings] += year;
    out = out || Outgoing(i.kind) || i.kind == InteractionKind::kMeeting;
    in = in || Incoming(i.kind) || i.kind == InteractionKind::kMeeting;
    crowd += 1.0 / std::max(1, i.participants - 1);
  }
  for (size_t f : {kRecentMonth, kYear, kYears, kWroteTo, kHeardFrom, kReplies, kMeetings})
    x[f] = std::log1p(x[f]);
  x[kRecency] = Recency(at - before.back().at);
  x[kTieAge] = std::min(10.0, static_cast<double>(at - before.front().at) / kDay / 365.0);
  x[kTwoWay] = out && in ? 1.0 : 0.0;
  x[kCrowd] = crowd / static_cast<double>(before.size());
  x[kFormula] = std::log1p(TieRawScore(before, at));
}

}  // namespace

std::string_view WkwFeatureName(size_t feature) {
  return kNames[feature];
}

bool DealtWithContact(const WkwFeatures& x) {
  return x[kYears] > 0;
}

double DirectFormula(const WkwFeatures& x) {
  return x[kFormula];
}

double AccountFormula(const WkwFeatures& x) {
  return x[kAccountFormula];
}

WkwHistory::WkwHistory(std::vector<TieInteractions> ties,
                       const std::unordered_map<int64_t, std::string>& organisation_of,
                       std::optional<int64_t> prepared_at)
    : ties_(std::move(ties)), prepared_at_(prepared_at) {
  std::sort(ties_.begin(), ties_.end(), [](const TieInteractions& a, const TieInteractions& b) {
    return a.user != b.user ? a.user < b.user : a.contact < b.contact;
  });
  for (auto& t : ties_) SortInteractions(t.interactions);
  for (const auto& t : ties_) {
    auto org = organisation_of.find(t.contact);
    if (org == organisation_of.end() || org->second.empty()) continue;
    auto& touches = account_[{t.user, org->second}].touches;
    for (const auto& i : t.interactions) touches.push_back({i.at, t.contact, i});
  }
  for (auto& [key, account] : account_) {
    auto& touches = account.touches;
    std::sort(touches.begin(), touches.end(), [](const Touch& a, const Touch& b) {
      return a.at != b.at ? a.at < b.at : a.contact < b.contact;
    });
    // account_ is ordered by user, so each organisation's list is too.
    if (!touches.empty()) users_of_organisation_[key.second].push_back({key.first, touches[0].at});
  }
  for (size_t i = 0; i < ties_.size(); ++i) users_of_contact_[ties_[i].contact].push_back(i);
}

std::span<const Interaction> WkwHistory::Pair(int64_t user, int64_t contact) const {
  auto it = std::lower_bound(ties_.begin(), ties_.end(), std::make_pair(user, contact),
                             [](const TieInteractions& t, const std::pair<int64_t, int64_t>& k) {
                               return std::make_pair(t.user, t.contact) < k;
                             });
  if (it == ties_.end() || it->user != user || it->contact != contact) return {};
  return it->interactions;
}

WkwFeatures WkwHistory::FeaturesAt(int64_t user, int64_t contact, const std::string& organisation,
                                   int64_t at) const {
  WkwFeatures x{};
  DirectFeatures(Before(Pair(user, contact), at), at, x);
  if (organisation.empty()) return x;
  auto it = account_.find({user, organisation});
  if (it == account_.end()) return x;
  const Account& account = it->second;
  if (prepared_at_ != at) {
    AccountFeatures(account.touches, contact, at, x);
    return x;
  }
  std::call_once(account.prepared.filled, [&] { Fill(account.touches, at, account.prepared); });
  PreparedFeatures(account.prepared, contact, at, x);
  return x;
}

void WkwHistory::AccountFeatures(const std::vector<Touch>& touches, int64_t contact, int64_t at,
                                 WkwFeatures& x) {
  std::set<int64_t> people;
  std::vector<Interaction> others;
  int64_t last = 0;
  for (const Touch& t : touches) {
    if (t.at >= at) break;
    if (t.contact == contact) continue;
    x[kAccountOthers] += Decay(at - t.at, 365);
    if (at - t.at <= kYearSeconds) people.insert(t.contact);
    last = t.at;
    others.push_back(t.interaction);
  }
  x[kAccountFormula] = std::log1p(TieRawScore(others, at));
  x[kAccountOthers] = std::log1p(x[kAccountOthers]);
  x[kAccountPeople] = std::log1p(static_cast<double>(people.size()));
  if (last != 0) x[kAccountRecency] = Recency(at - last);
}

// AccountFeatures from prepared numbers: the same sums in the same order. The formula's terms
// were sorted once; leaving out the contact's keeps the others sorted, so they add up as
// TieRawScore adds the others' (equal terms in any order give the same sum).
void WkwHistory::PreparedFeatures(const Prepared& prepared, int64_t contact, int64_t at,
                                  WkwFeatures& x) {
  int64_t last = 0;
  for (const auto& step : prepared.steps) {
    if (step.contact == contact) continue;
    x[kAccountOthers] += step.year;
    last = step.at;
  }
  double raw = 0;
  for (const auto& [term, of] : prepared.terms) {
    if (of != contact) raw += term;
  }
  const auto& year = prepared.year_people;
  const size_t people =
      year.size() - (std::binary_search(year.begin(), year.end(), contact) ? 1 : 0);
  x[kAccountFormula] = std::log1p(raw);
  x[kAccountOthers] = std::log1p(x[kAccountOthers]);
  x[kAccountPeople] = std::log1p(static_cast<double>(people));
  if (last != 0) x[kAccountRecency] = Recency(at - last);
}

void WkwHistory::Fill(const std::vector<Touch>& touches, int64_t at, Prepared& p) {
  for (const Touch& t : touches) {
    if (t.at >= at) break;
    p.steps.push_back({t.at, t.contact, Decay(at - t.at, 365)});
    p.terms.emplace_back(TieTerm(t.interaction, at), t.contact);
    if (at - t.at <= kYearSeconds) p.year_people.push_back(t.contact);
  }
  std::sort(p.terms.begin(), p.terms.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::sort(p.year_people.begin(), p.year_people.end());
  p.year_people.erase(std::unique(p.year_people.begin(), p.year_people.end()), p.year_people.end());
}

std::vector<int64_t> WkwHistory::CandidatesAt(int64_t contact, const std::string& organisation,
                                              int64_t at) const {
  std::vector<int64_t> out;
  if (auto it = users_of_contact_.find(contact); it != users_of_contact_.end()) {
    for (size_t i : it->second) {
      const auto& list = ties_[i].interactions;
      if (!list.empty() && list.front().at < at) out.push_back(ties_[i].user);
    }
  }
  if (!organisation.empty()) {
    if (auto it = users_of_organisation_.find(organisation); it != users_of_organisation_.end()) {
      for (const auto& [user, first] : it->second) {
        if (first < at) out.push_back(user);
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace rapport::insights
