// What the insight sub-commands were given, what they share (the store, the policy point and the
// caller's request), and the functions that run them.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "rapport/consent/policy.h"
#include "rapport/insights/who_knows_whom.h"
#include "rapport/store/store.h"

namespace rapport::cli {

struct InsightArgs {
  std::string target, as, as_of, via, out;
  std::vector<std::string> splits;  // eval wkw: one evaluation each
  std::string model = "both";       // eval wkw: formula, learned or both
  // enrichment
  std::string period, from, to, epsilon, format = "csv";
  std::string delta;  // refused: delta is the tenant's setting (privacy_delta_per_month)
  bool dry_run = false;
  int k = 5;
  size_t top = 5;
  int horizon = 180;
  int days = 60;
  bool json = false;
  bool mine = false;            // accounts overview: only the caller's own accounts
  size_t limit = 0;             // accounts overview: at most this many (0: all)
  std::string sort = "recent";  // accounts overview: api::ParseAccountOrder's names
};

// An open store, the policy point for this request, and the request itself.
struct InsightContext {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<consent::PolicyDecisionPoint> policy;
  insights::InsightRequest request;
  int code = 0;  // the exit code when opening failed
  explicit operator bool() const { return policy != nullptr; }
};

// Opens the store for args.as at --as-of (default now); on failure prints the one-line error and
// returns a context whose `code` is the exit code.
InsightContext OpenInsight(const std::string& db, const InsightArgs& args);

// Prints an insight's failure ("not allowed: REASON" for a denial) and returns 1.
int FailInsight(const Status& status);

int RunWhoKnows(const std::string& db, const InsightArgs& args);
int RunIntroduce(const std::string& db, const InsightArgs& args);
int RunEvalWkw(const std::string& db, const InsightArgs& args);
int RunRelationship(const std::string& db, const InsightArgs& args);
int RunMe(const std::string& db, const InsightArgs& args);
int RunAccountsOverview(const std::string& db, const InsightArgs& args);
int RunEnrichment(const std::string& db, const InsightArgs& args);
int RunBudget(const std::string& db, bool json);
int RunTrain(const std::string& db, bool json);

}  // namespace rapport::cli
