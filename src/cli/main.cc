// rapport: a thin command line over the library (SPEC §5).
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "cli/config_command.h"
#include "cli/format.h"
#include "cli/insight_commands.h"
#include "cli/man_page.h"
#include "cli/serve_command.h"
#include "cli/sync_commands.h"

int main(int argc, char** argv) {
  using namespace rapport::cli;
  CLI::App app{"rapport: relationship insights from mail and meeting metadata, under consent"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "rapport " RAPPORT_VERSION);
  // Through envname, so that an option set by its variable counts as given: the configuration
  // file does not override it.
  std::string db = "rapport.db";
  app.add_option("--db", db, "store file (env RAPPORT_DB; default ./rapport.db)")
      ->envname("RAPPORT_DB");
  std::string keys;
  app.add_option("--keys", keys, "the store's key file (env RAPPORT_KEYS; default <db>.keys)")
      ->envname("RAPPORT_KEYS");

  InitArgs init;
  auto* init_cmd = app.add_subcommand("init", "create the tenant in a new store");
  init_cmd->add_option("--tenant", init.tenant, "organisation name")->required();
  init_cmd->add_option("--domain", init.domains, "internal mail domain (repeat for several)")
      ->required();
  init_cmd->add_option("--retention-days", init.retention_days, "keep data N days (0 = forever)")
      ->check(CLI::NonNegativeNumber);
  init_cmd->add_flag("--keep-subjects", init.keep_subjects, "store message subjects");
  init_cmd
      ->add_option("--admin", init.admins,
                   "who may grant consent and add admins: an address (repeat for several)")
      ->required();
  init_cmd->add_flag("--fold-plus-addresses", init.fold_plus_addresses,
                     "treat alice+tag@x as alice@x (one person)");

  IngestArgs ingest;
  auto* ingest_cmd = app.add_subcommand("ingest", "read mail files into the store");
  ingest_cmd->add_option("paths", ingest.paths, "Maildir folders, mbox files, .eml files")
      ->required();
  ingest_cmd->add_option("--format", ingest.format, "auto (default), maildir, mbox or eml")
      ->check(CLI::IsMember({"auto", "maildir", "mbox", "eml"}));
  ingest_cmd->add_flag("--rescan", ingest.rescan, "read files again even when unchanged");
  ingest_cmd->add_flag("--json", ingest.json, "print the summary as JSON");
  ingest_cmd->add_option("--batch", ingest.batch, "messages per transaction")
      ->check(CLI::Range(1, 1'000'000));
  ingest_cmd->add_flag("--train,!--no-train", ingest.train,
                       "train Who Knows Whom's ranker when stale (default) or not");

  bool stats_json = false;
  auto* stats_cmd = app.add_subcommand("stats", "what the store holds");
  stats_cmd->add_flag("--json", stats_json, "print as JSON");

  SampleArgs sample;
  auto* sample_cmd =
      app.add_subcommand("sample", "write a synthetic sample organisation's mail to a folder");
  sample_cmd->add_option("--out", sample.out, "folder to create")->required();
  sample_cmd->add_option("--messages", sample.messages, "how many messages")
      ->check(CLI::Range(uint64_t{1}, uint64_t{100'000'000}));
  sample_cmd->add_option("--users", sample.users, "internal users (default: 1 per 2,000 messages)")
      ->check(CLI::Range(uint64_t{2}, uint64_t{100'000}));
  sample_cmd->add_option("--seed", sample.seed, "random seed (same seed, same files)");
  sample_cmd->add_option("--layout", sample.layout, "maildir (default) or mbox")
      ->check(CLI::IsMember({"maildir", "mbox"}));
  sample_cmd->add_option("--domain", sample.domain, "the organisation's internal domain");

  std::string accounts_file;
  bool accounts_json = false;
  auto* accounts_cmd = app.add_subcommand("accounts", "customer companies (accounts)");
  accounts_cmd->require_subcommand(1);
  auto* accounts_import =
      accounts_cmd->add_subcommand("import", "import accounts from CSV: name,domain[;domain...]");
  accounts_import->add_option("file", accounts_file, "CSV file")->required();
  auto* accounts_list = accounts_cmd->add_subcommand("list", "list accounts and their people");
  accounts_list->add_flag("--json", accounts_json, "print as JSON");

  std::string directory_file;
  bool directory_json = false;
  auto* directory_cmd = app.add_subcommand("directory", "the organisation's users and groups");
  directory_cmd->require_subcommand(1);
  auto* directory_import = directory_cmd->add_subcommand(
      "import", "import users and groups: CSV, or Microsoft Graph user/group JSON");
  directory_import->add_option("file", directory_file, "CSV or JSON file")->required();
  auto* directory_list =
      directory_cmd->add_subcommand("list", "list directory users and internal people");
  directory_list->add_flag("--json", directory_json, "print as JSON");

  std::string person;
  bool people_json = false;
  auto* people_cmd = app.add_subcommand("people", "people resolved from addresses");
  people_cmd->require_subcommand(1);
  auto* people_show = people_cmd->add_subcommand("show", "one person: addresses, kind, activity");
  people_show->add_option("who", person, "an address (SMTP, X.500, IMCEAEX) or a full name")
      ->required();
  std::string people_as;
  people_show->add_option("--as", people_as, "the caller's address (the policy decides)")
      ->required();
  people_show->add_flag("--json", people_json, "print as JSON");

  ConsentGrantArgs grant;
  std::string revoke_type, revoke_by, grant_id;
  bool consent_json = false;
  auto* consent_cmd = app.add_subcommand(
      "consent", "what the organisation has consented to: grant, revoke, history");
  consent_cmd->require_subcommand(1);
  auto* consent_grant = consent_cmd->add_subcommand("grant", "grant a consent type (admins only)");
  consent_grant->add_option("type", grant.type, "personal, aggregated or identifiable")->required();
  consent_grant->add_option("--by", grant.by, "the granting admin's address")->required();
  consent_grant->add_option("--exclude-group", grant.exclude_groups,
                            "a directory group whose members are left out (repeat for several)");
  consent_grant->add_option("--terms-version", grant.terms_version, "version of the terms agreed");
  auto* consent_revoke = consent_cmd->add_subcommand("revoke", "revoke a consent type (admins)");
  consent_revoke->add_option("type", revoke_type, "personal, aggregated or identifiable")
      ->required();
  consent_revoke->add_option("--by", revoke_by, "the revoking admin's address")->required();
  auto* consent_status = consent_cmd->add_subcommand("status", "each type: in force, since, by");
  consent_status->add_flag("--json", consent_json, "print as JSON");
  auto* consent_history = consent_cmd->add_subcommand("history", "every grant and revoke");
  consent_history->add_flag("--json", consent_json, "print as JSON");
  std::string consent_anchor, consent_anchor_out;
  auto* consent_verify = consent_cmd->add_subcommand("verify", "check the ledger's hash chain");
  consent_verify->add_option("--anchor", consent_anchor,
                             "also check the ledger still holds this anchored head");
  auto* consent_anchor_cmd =
      consent_cmd->add_subcommand("anchor", "print the ledger's head, signed, to keep elsewhere");
  consent_anchor_cmd->add_option("--out", consent_anchor_out, "write it to this file");
  auto* consent_receipt =
      consent_cmd->add_subcommand("receipt", "a grant's consent receipt (JSON)");
  consent_receipt->add_option("grant_id", grant_id, "as consent history shows it")->required();

  AccessCheckArgs access;
  auto* access_cmd = app.add_subcommand("access", "check whether a user may see an insight");
  access_cmd->require_subcommand(1);
  auto* access_check =
      access_cmd->add_subcommand("check", "may USER see this insight? (the decision is audited)");
  access_check->add_option("--as", access.as, "the caller's address")->required();
  access_check
      ->add_option("--insight", access.insight,
                   "who-knows-whom, relationship, personal or engagement")
      ->required();
  access_check->add_option("--subject", access.subject, "the person it is about, if any");
  access_check->add_option("--tenant", access.tenant, "the tenant asked in (default: this one)");
  access_check->add_flag("--json", access.json, "print as JSON");

  bool audit_json = false;
  std::string audit_since, audit_until;
  rapport::api::AuditQuery audit_query;
  auto* audit_cmd = app.add_subcommand("audit", "the access audit ledger");
  audit_cmd->require_subcommand(1);
  auto* audit_list =
      audit_cmd->add_subcommand("list", "who looked at what (allowed or not), and admin changes");
  audit_list->add_flag("--json", audit_json, "print as JSON");
  audit_list->add_option("--since", audit_since, "only entries from this UTC date (YYYY-MM-DD)");
  audit_list->add_option("--until", audit_until, "only entries before this UTC date");
  audit_list->add_option("--subject", audit_query.subject, "only decisions about this person");
  audit_list->add_option("--who", audit_query.who, "only what this user asked");
  audit_list->add_option("--what", audit_query.what,
                         "only this insight (who-knows-whom, relationship, personal, engagement, "
                         "person) or admin change (admin-add, admin-remove)");
  audit_list->add_option("--decision", audit_query.decision, "allow or deny")
      ->check(CLI::IsMember({"allow", "deny"}));
  audit_list->add_option("--limit", audit_query.limit, "at most this many entries")
      ->check(CLI::Range(size_t{1}, size_t{1} << 30));
  audit_list->add_option("--after", audit_query.after,
                         "the next page: entries after this seq (the last one shown)");
  audit_list->add_flag("--newest-first", audit_query.newest_first, "the latest entries first");
  std::string audit_anchor, audit_anchor_out;
  auto* audit_verify = audit_cmd->add_subcommand("verify", "check the audit ledger's hash chain");
  audit_verify->add_option("--anchor", audit_anchor,
                           "also check the ledger still holds this anchored head");
  auto* audit_anchor_cmd =
      audit_cmd->add_subcommand("anchor", "print the ledger's head, signed, to keep elsewhere");
  audit_anchor_cmd->add_option("--out", audit_anchor_out, "write it to this file");

  std::string backup_to, restore_from;
  auto* backup_cmd = app.add_subcommand(
      "backup", "copy the store (one consistent state, while it is in use) and its key file");
  backup_cmd->add_option("--to", backup_to, "the new backup file (FILE, and FILE.keys beside it)")
      ->required();
  auto* restore_cmd = app.add_subcommand(
      "restore", "make the store at --db from a backup, checking both ledgers on arrival");
  restore_cmd->add_option("--from", restore_from, "the backup file rapport backup wrote")
      ->required();
  auto* compact_cmd = app.add_subcommand(
      "compact", "give the store's free pages back to the disk (after a purge or an upgrade)");
  std::string migrate_from, migrate_to;
  auto* migrate_cmd = app.add_subcommand(
      "migrate", "copy a SQLite store into PostgreSQL, checking both ledgers on arrival");
  migrate_cmd->add_option("--from", migrate_from, "the SQLite store file (its key file: --keys)")
      ->required();
  migrate_cmd->add_option("--to", migrate_to, "an empty PostgreSQL database: postgresql://...")
      ->required();

  OptOutArgs optout;
  auto* optout_cmd = app.add_subcommand("optout", "people who asked to be left out of insights");
  optout_cmd->require_subcommand(1);
  for (const char* action : {"add", "remove", "list"}) {
    auto* sub = optout_cmd->add_subcommand(action, std::string(action) + " an opt-out");
    sub->callback([&optout, action] { optout.action = action; });
    if (std::string(action) != "list") {
      sub->add_option("user", optout.user, "the user's address")->required();
    }
    if (std::string(action) == "add") {
      sub->add_option("--scope", optout.scope, "identifiable (default) or all")
          ->check(CLI::IsMember({"identifiable", "all"}));
    }
    if (std::string(action) == "list") sub->add_flag("--json", optout.json, "print as JSON");
  }

  AdminArgs admin;
  auto* admin_cmd = app.add_subcommand("admin", "the tenant's admins (changes: admins only)");
  admin_cmd->require_subcommand(1);
  for (const char* action : {"add", "remove", "list"}) {
    const std::string a = action;
    auto* sub = admin_cmd->add_subcommand(
        a, a == "list" ? "list the admins" : a + " an admin (recorded in the audit ledger)");
    sub->callback([&admin, action] { admin.action = action; });
    if (a == "list") {
      sub->add_flag("--json", admin.json, "print as JSON");
      continue;
    }
    sub->add_option("address", admin.address, "the admin's address")->required();
    sub->add_option("--by", admin.by, "the admin making the change");
  }

  TokenCreateArgs token_create_args;
  bool token_json = false;
  int64_t token_id = 0;
  auto* token_cmd = app.add_subcommand("token", "personal access tokens (for the HTTP API)");
  token_cmd->require_subcommand(1);
  auto* token_create = token_cmd->add_subcommand("create", "a new token for a user, shown once");
  token_create->add_option("--user", token_create_args.user, "the user's address")->required();
  token_create->add_option("--expires", token_create_args.expires,
                           "expiry date, YYYY-MM-DD (00:00 UTC); default: until revoked");
  token_create->add_flag("--json", token_create_args.json, "print as JSON");
  auto* token_list = token_cmd->add_subcommand("list", "every token (never the token itself)");
  token_list->add_flag("--json", token_json, "print as JSON");
  auto* token_revoke = token_cmd->add_subcommand("revoke", "revoke a token");
  token_revoke->add_option("id", token_id, "the token's id, as token list shows it")->required();

  bool settings_json = false;
  std::string setting_name, setting_value, setting_by;
  auto* settings_cmd = app.add_subcommand("settings", "tenant settings");
  settings_cmd->require_subcommand(1);
  auto* settings_show = settings_cmd->add_subcommand("show", "the settings the policy reads");
  settings_show->add_flag("--json", settings_json, "print as JSON");
  auto* settings_set = settings_cmd->add_subcommand("set", "change a setting (admins only)");
  settings_set->add_option("name", setting_name, "a setting rapport settings show lists")
      ->required();
  settings_set->add_option("value", setting_value, "its new value")->required();
  settings_set->add_option("--by", setting_by, "the admin's address")->required();

  bool purge_expired = false;
  auto* purge_cmd = app.add_subcommand("purge", "remove collected data");
  purge_cmd->add_flag("--expired", purge_expired, "what is older than the tenant's retention_days")
      ->required();

  auto run_insight = AddInsightCommands(app, db);
  auto serve = AddServeCommand(app, db);
  auto run_sync = AddSyncCommands(app, db);
  auto config = AddConfigCommand(app, db, serve.check);
  auto man_page = AddManPageCommand(app, RAPPORT_VERSION);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string what = e.what();
    if (*init_cmd && what == "--admin is required") {  // what a new tenant most needs to know
      what = "init needs --admin EMAIL: the person who may grant consent and add other admins";
    }
    std::fprintf(stderr, "rapport: usage error: %s (see rapport --help)\n", what.c_str());
    return 2;
  }

  if (int code = man_page(); code >= 0) return code;
  if (int code = config.apply(); code >= 0) return code;
  SetKeysPath(keys);
  if (int code = config.run(); code >= 0) return code;
  if (int code = run_insight(); code >= 0) return code;
  if (int code = serve.run(); code >= 0) return code;
  if (int code = run_sync(); code >= 0) return code;
  if (*init_cmd) return RunInit(db, init);
  if (*ingest_cmd) return RunIngest(db, ingest);
  if (*stats_cmd) return RunStats(db, stats_json);
  if (*sample_cmd) return RunSample(sample);
  if (*accounts_import) return RunAccountsImport(db, accounts_file);
  if (*accounts_list) return RunAccountsList(db, accounts_json);
  if (*directory_import) return RunDirectoryImport(db, directory_file);
  if (*directory_list) return RunDirectoryList(db, directory_json);
  if (*people_show) return RunPeopleShow(db, person, people_as, people_json);
  if (*consent_grant) return RunConsentGrant(db, grant);
  if (*consent_revoke) return RunConsentRevoke(db, revoke_type, revoke_by);
  if (*consent_status) return RunConsentStatus(db, consent_json);
  if (*consent_history) return RunConsentHistory(db, consent_json);
  if (*consent_verify) return RunConsentVerify(db, consent_anchor);
  if (*consent_anchor_cmd) return RunConsentAnchor(db, consent_anchor_out);
  if (*consent_receipt) return RunConsentReceipt(db, grant_id);
  if (*access_check) return RunAccessCheck(db, access);
  if (*audit_list) {
    int64_t since = 0;
    if (!audit_since.empty()) {
      auto at = ParseUtc("--since", audit_since);
      if (!at.ok()) return Usage(at.status().message());
      since = *at;
    }
    audit_query.since = since;
    if (!audit_until.empty()) {
      auto at = ParseUtc("--until", audit_until);
      if (!at.ok()) return Usage(at.status().message());
      audit_query.until = *at;
    }
    return RunAuditList(db, audit_json, audit_query);
  }
  if (*audit_verify) return RunAuditVerify(db, audit_anchor);
  if (*backup_cmd) return RunBackup(db, backup_to);
  if (*restore_cmd) return RunRestore(db, restore_from);
  if (*compact_cmd) return RunCompact(db);
  if (*migrate_cmd) return RunMigrate(migrate_from, migrate_to);
  if (*audit_anchor_cmd) return RunAuditAnchor(db, audit_anchor_out);
  if (*optout_cmd) return RunOptOut(db, optout);
  if (*admin_cmd) return RunAdmin(db, admin);
  if (*token_create) return RunTokenCreate(db, token_create_args);
  if (*token_list) return RunTokenList(db, token_json);
  if (*token_revoke) return RunTokenRevoke(db, token_id);
  if (*purge_cmd) return RunPurgeExpired(db);
  if (*settings_show) return RunSettingsShow(db, settings_json);
  if (*settings_set) return RunSettingsSet(db, setting_name, setting_value, setting_by);
  return 2;
}
