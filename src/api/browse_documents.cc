#include "rapport/api/browse_documents.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>

#include "rapport/api/iso_time.h"

namespace rapport::api {
namespace {

Document StandingJson(const insights::AccountStanding& a) {
  return {{"account", a.name},
          {"score", a.score},
          {"grade", a.grade},
          {"previous_score", a.previous_score},
          {"trend", a.trend},
          {"last_interaction",
           a.last_interaction ? Document(IsoTime(*a.last_interaction)) : Document(nullptr)},
          {"emails_by_us", a.emails_by_us},
          {"emails_by_them", a.emails_by_them},
          {"meetings", a.meetings},
          {"colleagues", a.colleagues},
          {"my_interactions", a.my_interactions}};
}

std::string EmptyReason(const insights::AccountsOverview& o, bool mine_only, size_t total) {
  const std::string span = std::to_string(2 * o.days) + " days to " + IsoDate(o.as_of);
  if (mine_only && total > 0) {
    return std::string("You e-mailed or met no account's people in the ") + std::to_string(o.days) +
           " days to " + IsoDate(o.as_of) +
           "; your colleagues did: show everyone's accounts, or choose a longer window.";
  }
  return std::string("No colleague e-mailed or met any account's people in the ") + span +
         ". Choose an earlier date or a longer window, or bring in more mail (rapport ingest, "
         "rapport sync); accounts come from the people mail reaches and from rapport accounts "
         "import.";
}

constexpr std::pair<std::string_view, AccountOrder> kOrders[] = {
    {"recent", AccountOrder::kRecent},
    {"health", AccountOrder::kHealth},
    {"health-desc", AccountOrder::kHealthDesc},
    {"falling", AccountOrder::kFalling},
    {"name", AccountOrder::kName}};

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Whether `a` comes before `b` in `order`; the overview's own order settles the rest.
bool Before(const insights::AccountStanding& a, const insights::AccountStanding& b,
            AccountOrder order) {
  const auto drop = [](const insights::AccountStanding& x) { return x.previous_score - x.score; };
  switch (order) {
    case AccountOrder::kRecent:
      return false;
    case AccountOrder::kHealth:
      return a.score < b.score;
    case AccountOrder::kHealthDesc:
      return a.score > b.score;
    case AccountOrder::kFalling:
      if ((a.trend == "down") != (b.trend == "down")) return a.trend == "down";
      return drop(a) > drop(b);
    case AccountOrder::kName:
      return Lower(a.name) < Lower(b.name);
  }
  return false;
}

}  // namespace

Result<AccountOrder> ParseAccountOrder(std::string_view text) {
  for (const auto& [name, order] : kOrders) {
    if (name == text) return order;
  }
  return Status::InvalidArgument(std::string("'").append(text) +
                                 "' is not an order (recent, health, health-desc, falling, name)");
}

Document AccountsOverviewDocument(const insights::AccountsOverview& o, bool mine_only, size_t limit,
                                  AccountOrder order) {
  std::vector<const insights::AccountStanding*> listed;
  size_t mine = 0;
  for (const auto& a : o.accounts) {
    if (a.my_interactions > 0) ++mine;
    if (!mine_only || a.my_interactions > 0) listed.push_back(&a);
  }
  std::stable_sort(listed.begin(), listed.end(),
                   [order](const auto* a, const auto* b) { return Before(*a, *b, order); });
  Document accounts = Document::array();
  for (const auto* a : listed) {
    if (accounts.size() < limit) accounts.push_back(StandingJson(*a));
  }
  std::string_view sort = "recent";
  for (const auto& [name, each] : kOrders) {
    if (each == order) sort = name;
  }
  Document out{{"as_of", IsoTime(o.as_of)},
               {"data_up_to", o.data_up_to ? Document(IsoDate(*o.data_up_to)) : Document(nullptr)},
               {"days", o.days},
               {"sort", sort},
               {"total", o.accounts.size()},
               {"mine", mine},
               {"shown", accounts.size()},
               {"accounts", std::move(accounts)}};
  if (out["shown"] == 0) out["empty_reason"] = EmptyReason(o, mine_only, o.accounts.size());
  return out;
}

Document SuggestionsDocument(const std::vector<insights::Suggestion>& suggestions) {
  Document out = Document::array();
  for (const auto& s : suggestions) {
    out.push_back(
        {{"kind", s.kind}, {"label", s.label}, {"target", s.target}, {"detail", s.detail}});
  }
  return out;
}

Document ReleasedEngagementDocument(const std::vector<insights::ReleasedRow>& rows) {
  Document out{{"rows", Document::array()}};
  for (const auto& r : rows) {
    out["rows"].push_back({{"level", insights::PeriodLevelName(r.level)},
                           {"release_id", r.release_id},
                           {"released_at", IsoTime(r.released_at)},
                           {"row", EngagementRowDocument(r.row, r.level)}});
  }
  if (rows.empty()) {
    out["empty_reason"] =
        "Nothing about this account has been released. Account engagement is released under "
        "differential privacy on the Account engagement page (rapport enrichment); an account "
        "whose noisy count of colleagues is below k gets no row.";
  }
  return out;
}

}  // namespace rapport::api
