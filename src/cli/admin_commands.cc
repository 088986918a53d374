// `rapport admin add|remove|list`: who may grant consent, change settings and add admins. Every
// change is checked and audited by consent::AdminRoster; the tenant never loses its last admin.
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/format.h"
#include "rapport/consent/admin_roster.h"

namespace rapport::cli {

int RunAdmin(const std::string& db, const AdminArgs& args) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  consent::AdminRoster roster(**store);
  if (args.action == "list") {
    auto admins = roster.List();
    if (!admins.ok()) return Fail(admins.status().message());
    if (args.json) {
      fmt::print("{}\n", nlohmann::json(*admins).dump(2));
    } else if (admins->empty()) {
      fmt::print("no admin yet: name the first with rapport admin add EMAIL\n");
    } else {
      for (const auto& a : *admins) fmt::print("{}\n", a);
    }
    return 0;
  }
  auto admins = roster.List();
  if (!admins.ok()) return Fail(admins.status().message());
  Status st;
  if (args.action == "add" && admins->empty()) {
    st = roster.AddFirst(args.address, Now());  // a store made before init required an admin
  } else if (args.by.empty()) {
    return Usage("say which admin makes the change: --by ADMIN");
  } else if (args.action == "add") {
    st = roster.Add(args.by, args.address, Now());
  } else {
    st = roster.Remove(args.by, args.address, Now());
  }
  if (!st.ok()) return Fail(st.message());
  fmt::print("{} {} an admin (recorded in the audit ledger)\n", args.address,
             args.action == "add" ? "is now" : "is no longer");
  return 0;
}

}  // namespace rapport::cli
