// The insight sub-commands and their options: who-knows, introduce, relationship, accounts
// overview, me, enrichment, budget, eval wkw, train.
#include "cli/insight_commands.h"

#include <memory>

#include "cli/insight_runs.h"

namespace rapport::cli {

std::function<int()> AddInsightCommands(CLI::App& app, const std::string& db) {
  auto args = std::make_shared<InsightArgs>();
  auto* who = app.add_subcommand("who-knows", "colleagues who know a contact, account or @domain");
  who->add_option("target", args->target, "an address, a person's name, an account or @domain")
      ->required();
  who->add_option("--as", args->as, "the caller's address (the policy decides)")->required();
  who->add_option("--top", args->top, "how many colleagues (default 5)")
      ->check(CLI::Range(1, 1000));
  who->add_option("--as-of", args->as_of, "evaluate at this UTC date (YYYY-MM-DD), not now");
  who->add_flag("--json", args->json, "print as JSON");

  auto* intro = app.add_subcommand("introduce",
                                   "draft a message asking a colleague for an "
                                   "introduction (.eml on stdout or --out)");
  intro->add_option("target", args->target, "the contact to be introduced to")->required();
  intro->add_option("--via", args->via, "the colleague who knows them")->required();
  intro->add_option("--as", args->as, "the caller's address (the policy decides)")->required();
  intro->add_option("--out", args->out, "write the message to this file");
  intro->add_option("--as-of", args->as_of, "evaluate at this UTC date (YYYY-MM-DD), not now");

  auto* rel = app.add_subcommand("relationship", "relationship analytics for a contact or account");
  rel->add_option("target", args->target, "an address, a person's name, an account or @domain")
      ->required();
  rel->add_option("--as", args->as, "the caller's address (the policy decides)")->required();
  rel->add_option("--days", args->days, "the window, in days to --as-of (default 60)")
      ->check(CLI::Range(7, 3650));
  rel->add_option("--as-of", args->as_of, "evaluate at this UTC date (YYYY-MM-DD), not now");
  rel->add_flag("--json", args->json, "print as JSON");

  // Under the `accounts` command main.cc made (import, list): the insight beside the data.
  auto* overview =
      app.get_subcommand("accounts")
          ->add_subcommand("overview",
                           "every account colleagues deal with: health, trend, last interaction");
  overview->add_option("--as", args->as, "the caller's address (the policy decides)")->required();
  overview->add_option("--days", args->days, "the window, in days to --as-of (default 60)")
      ->check(CLI::Range(7, 3650));
  overview->add_option("--as-of", args->as_of, "evaluate at this UTC date (YYYY-MM-DD), not now");
  overview->add_flag("--mine", args->mine, "only accounts you e-mailed or met in the window");
  overview
      ->add_option("--sort", args->sort, "recent (default), health, health-desc, falling or name")
      ->check(CLI::IsMember({"recent", "health", "health-desc", "falling", "name"}));
  overview->add_option("--limit", args->limit, "at most this many accounts (default: all)")
      ->check(CLI::Range(size_t{1}, size_t{1'000'000}));
  overview->add_flag("--json", args->json, "print as JSON");

  auto* me = app.add_subcommand("me", "your own insights: contacts, cold ties, replies owed");
  me->add_option("--as", args->as, "your address (personal insights are only for you)")->required();
  me->add_option("--days", args->days, "the window, in days to --as-of (default 28)")
      ->check(CLI::Range(7, 3650));
  me->add_option("--as-of", args->as_of, "evaluate at this UTC date (YYYY-MM-DD), not now");
  me->add_flag("--json", args->json, "print as JSON");

  auto* enrich = app.add_subcommand(
      "enrichment",
      "account engagement per period, differentially private (Office Enrichment CSV)");
  enrich->add_option("--as", args->as, "the caller's address (the policy decides)")->required();
  enrich->add_option("--period", args->period, "week, month or year")
      ->required()
      ->check(CLI::IsMember({"week", "month", "year"}));
  enrich->add_option("--from", args->from,
                     "first date (YYYY-MM-DD, tenant time zone), rounded down to a period");
  enrich->add_option("--to", args->to, "end date, exclusive, rounded up to a period");
  enrich->add_option("--epsilon", args->epsilon,
                     "privacy loss charged to each month read (default: enrichment_epsilon)");
  enrich->add_option("--delta", args->delta)->group("");  // refused with the reason: a setting
  enrich->add_flag("--dry-run", args->dry_run,
                   "say what the release would cost each month, release nothing");
  enrich->add_option("--k", args->k, "fewest contributing colleagues a row may have (default 5)")
      ->check(CLI::Range(2, 1000));
  enrich->add_option("--format", args->format, "csv (default) or json")
      ->check(CLI::IsMember({"csv", "json"}));
  enrich->add_flag("--json", args->json, "the same as --format json");
  enrich->add_option("--as-of", args->as_of,
                     "read data before this date (YYYY-MM-DD), not before today");

  auto* budget = app.add_subcommand("budget", "the privacy budget: every engagement release");
  budget->add_flag("--json", args->json, "print as JSON");

  auto* eval = app.add_subcommand("eval", "measure insights against held-out mail");
  eval->require_subcommand(1);
  auto* wkw = eval->add_subcommand("wkw", "rank colleagues before a date, score against after");
  wkw->add_option("--split", args->splits,
                  "UTC date (YYYY-MM-DD): learn before, test after (repeat for several)")
      ->required();
  wkw->add_option("--model", args->model,
                  "formula: the formula and the baselines only; learned or both (default): "
                  "also train and score the learned ranker")
      ->check(CLI::IsMember({"formula", "learned", "both"}));
  wkw->add_option("--horizon", args->horizon, "days after the split to test on (default 180)")
      ->check(CLI::Range(1, 3650));
  wkw->add_flag("--json", args->json, "print as JSON");

  auto* train = app.add_subcommand(
      "train", "learn Who Knows Whom's ranker and chances from this store's own history");
  train->add_flag("--json", args->json, "print as JSON");

  return [=, &db]() -> int {
    if (*train) return RunTrain(db, args->json);
    if (*who) return RunWhoKnows(db, *args);
    if (*intro) return RunIntroduce(db, *args);
    if (*wkw) return RunEvalWkw(db, *args);
    if (*rel) return RunRelationship(db, *args);
    if (*overview) return RunAccountsOverview(db, *args);
    if (*enrich) return RunEnrichment(db, *args);
    if (*budget) return RunBudget(db, args->json);
    if (*me) {
      if (me->count("--days") == 0) args->days = 28;
      return RunMe(db, *args);
    }
    return -1;
  };
}

}  // namespace rapport::cli
