// `rapport accounts overview`: every account colleagues deal with, as relationship analytics sees
// it -- the dashboard's home page on the command line. The table is printed from the same
// document the API returns, so the two never disagree.
#include <fmt/core.h>

#include <limits>

#include "cli/format.h"
#include "cli/insight_runs.h"
#include "rapport/api/browse_documents.h"

namespace rapport::cli {
namespace {

std::string Text(const api::Document& v) {
  return v.is_null() ? "-" : v.is_string() ? v.get<std::string>() : v.dump();
}

void Print(const api::Document& doc, bool mine_only) {
  fmt::print("{} accounts, {} days to {} ({})\n", mine_only ? "your" : "colleagues'",
             doc["days"].get<int>(), Text(doc["as_of"]).substr(0, 10),
             doc["data_up_to"].is_null() ? "no data yet" : "data up to " + Text(doc["data_up_to"]));
  if (doc.contains("empty_reason")) {
    fmt::print("\n{}\n", Text(doc["empty_reason"]));
    return;
  }
  fmt::print("\n{:<32} {:>6} {:<5} {:<6} {:<11} {:>6} {:>7} {:>8} {:>10} {:>4}\n", "account",
             "health", "grade", "trend", "last", "by us", "by them", "meetings", "colleagues",
             "you");
  for (const auto& a : doc["accounts"]) {
    fmt::print("{:<32} {:>6} {:<5} {:<6} {:<11} {:>6} {:>7} {:>8} {:>10} {:>4}\n",
               Text(a["account"]), a["score"].get<int>(), Text(a["grade"]), Text(a["trend"]),
               Text(a["last_interaction"]).substr(0, 10), a["emails_by_us"].get<int>(),
               a["emails_by_them"].get<int>(), a["meetings"].get<int>(), a["colleagues"].get<int>(),
               a["my_interactions"].get<int>());
  }
  fmt::print("\n{} of {} accounts shown; you dealt with {} of them\n", Text(doc["shown"]),
             Text(doc["total"]), Text(doc["mine"]));
}

}  // namespace

int RunAccountsOverview(const std::string& db, const InsightArgs& args) {
  auto context = OpenInsight(db, args);
  if (!context) return context.code;
  auto overview =
      insights::ReviewAccounts(*context.store, *context.policy, context.request, args.days);
  if (!overview.ok()) return FailInsight(overview.status());
  const size_t limit = args.limit == 0 ? std::numeric_limits<size_t>::max() : args.limit;
  auto order = api::ParseAccountOrder(args.sort);
  if (!order.ok()) return FailInsight(order.status());
  const api::Document doc = api::AccountsOverviewDocument(*overview, args.mine, limit, *order);
  if (args.json) {
    fmt::print("{}\n", doc.dump(2));
  } else {
    Print(doc, args.mine);
  }
  return 0;
}

}  // namespace rapport::cli
