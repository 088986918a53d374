#include "cli/commands.h"
#include "cli/format.h"
#include "cli/insight_runs.h"
#include "rapport/insights/data_extent.h"

namespace rapport::cli {

InsightContext OpenInsight(const std::string& db, const InsightArgs& args) {
  InsightContext c;
  c.code = 1;
  const int64_t now = Now();
  std::optional<int64_t> given;
  if (!args.as_of.empty()) {
    auto parsed = ParseUtc("--as-of", args.as_of);
    if (!parsed.ok()) {
      c.code = Usage(parsed.status().message());
      return c;
    }
    given = *parsed;
  }
  auto store = OpenStore(db);
  if (!store.ok()) {
    Fail(store.status().message());
    return c;
  }
  auto tenant = (*store)->Tenant();
  if (!tenant.ok()) {
    Fail(tenant.status().message());
    return c;
  }
  auto as_of = insights::ResolveAsOf(**store, given, now);
  if (!as_of.ok()) {
    Fail(as_of.status().message());
    return c;
  }
  c.store = std::move(*store);
  c.policy = std::make_unique<consent::PolicyDecisionPoint>(*c.store);
  c.request = {{args.as, tenant->name}, as_of->as_of, now, as_of->data_up_to};
  c.code = 0;
  return c;
}

int FailInsight(const Status& status) {
  if (status.code() == Status::Code::kPermissionDenied) {
    return Fail("not allowed: " + status.message());
  }
  return Fail(status.message());
}

}  // namespace rapport::cli
