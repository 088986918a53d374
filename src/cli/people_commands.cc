// `rapport directory import|list` and `rapport people show`: who is who (SPEC §3).
#include <fmt/core.h>

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "cli/format.h"
#include "ingest/directory/directory_import.h"
#include "rapport/api/admin_documents.h"
#include "rapport/consent/policy.h"
#include "rapport/insights/tie_index.h"
#include "rapport/store/store.h"

namespace rapport::cli {
namespace {

using nlohmann::ordered_json;

ordered_json PersonJson(const store::PersonDetails& p) {
  auto when = [](const std::optional<int64_t>& t) -> ordered_json {
    return t ? ordered_json(IsoDate(*t)) : ordered_json(nullptr);
  };
  return {{"id", p.id},
          {"display_name", p.display_name},
          {"kind", p.kind},
          {"in_directory", p.in_directory},
          {"role_address", p.is_role},
          {"automated", p.automated},
          {"addresses", p.addresses},
          {"names", p.names},
          {"account", p.account.empty() ? ordered_json(nullptr) : ordered_json(p.account)},
          {"department", p.department},
          {"job_title", p.job_title},
          {"manager", p.manager.empty() ? ordered_json(nullptr) : ordered_json(p.manager)},
          {"groups", p.groups},
          {"messages_sent", p.messages_sent},
          {"messages_received", p.messages_received},
          {"messages_sent_bulk", p.messages_sent_bulk},
          {"meetings", p.meetings},
          {"first_seen", when(p.first_seen)},
          {"last_seen", when(p.last_seen)}};
}

}  // namespace

int RunDirectoryImport(const std::string& db, const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Fail("cannot read " + file + " (check the path)");
  std::stringstream data;
  data << in.rdbuf();
  auto directory = ingest::ParseDirectoryFile(data.str(), file);
  if (!directory.ok()) return Fail(directory.status().message());
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto imported = (*store)->ImportDirectory(*directory, file);
  if (!imported.ok()) return Fail(imported.status().message());
  // Colleagues are who the directory says: the tie index follows (what Who Knows Whom reads).
  auto refreshed = insights::RefreshTieIndex(**store);
  if (!refreshed.ok()) return Fail(refreshed.status().message());
  fmt::print("imported {} users and {} groups from {}\n", imported->users, imported->groups, file);
  fmt::print("people merged {}, split {}; addresses re-attributed {} (no mail re-read)\n",
             imported->resolution.people_merged, imported->resolution.people_split,
             imported->resolution.addresses_moved);
  return 0;
}

int RunDirectoryList(const std::string& db, bool json) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto entries = (*store)->ListDirectory();
  if (!entries.ok()) return Fail(entries.status().message());
  if (json) {
    auto doc = api::DirectoryDocument(**store);
    if (!doc.ok()) return Fail(doc.status().message());
    fmt::print("{}\n", doc->dump(2));
    return 0;
  }
  fmt::print("{:<36} {:<28} {:<7} {:<18} {}\n", "address", "name", "role", "department", "groups");
  size_t missing = 0;
  for (const auto& e : *entries) {
    std::string role = e.in_directory ? e.role : "member*";
    missing += e.in_directory ? 0 : 1;
    fmt::print("{:<36} {:<28} {:<7} {:<18} {}\n", e.address, e.display_name, role, e.department,
               Joined(e.groups));
  }
  if (missing > 0) {
    fmt::print("* {} internal people are not in the directory (at an internal domain)\n", missing);
  }
  return 0;
}

int RunPeopleShow(const std::string& db, const std::string& who, const std::string& as, bool json) {
  auto store = OpenStore(db);
  if (!store.ok()) return Fail(store.status().message());
  auto tenant = (*store)->Tenant();
  if (!tenant.ok()) return Fail(tenant.status().message());
  // Resolved first only to name the subject to the policy point; nothing is shown before it
  // allows, and whether someone exists is not told to a caller it denies.
  auto identity = (*store)->IdentifyPerson(who);
  const std::string subject =
      identity.ok() ? consent::SubjectAddress(who, identity->addresses) : who;
  consent::PolicyDecisionPoint pdp(**store);
  auto decision = pdp.Decide({as, tenant->name}, consent::InsightKind::kPerson, {subject}, Now());
  if (!decision.ok()) return Fail(decision.status().message());
  if (!decision->allow) return Fail("not allowed: " + decision->reason);
  if (!identity.ok()) return Fail(identity.status().message());
  auto person = (*store)->FindPerson(who);  // now with the activity counts
  if (!person.ok()) return Fail(person.status().message());
  const auto& p = *person;
  if (json) {
    fmt::print("{}\n", PersonJson(p).dump(2));
    return 0;
  }
  std::string kind = p.kind;
  if (p.kind == "internal" && !p.in_directory) kind += " (not in directory)";
  if (p.automated)
    kind += p.is_role ? ", role address: never a relationship"
                      : ", sends only bulk mail: never a relationship";
  fmt::print("person        {} (#{})\n", p.display_name.empty() ? "-" : p.display_name, p.id);
  fmt::print("kind          {}\n", kind);
  if (!p.account.empty()) fmt::print("account       {}\n", p.account);
  if (p.in_directory) {
    fmt::print("department    {}\n", p.department.empty() ? "-" : p.department);
    fmt::print("job title     {}\n", p.job_title.empty() ? "-" : p.job_title);
    fmt::print("manager       {}\n", p.manager.empty() ? "-" : p.manager);
    fmt::print("groups        {}\n", p.groups.empty() ? "-" : Joined(p.groups));
  }
  fmt::print("addresses     {}\n", Joined(p.addresses));
  fmt::print("names seen    {}\n", p.names.empty() ? "-" : Joined(p.names));
  fmt::print("messages      {} sent ({} bulk), {} received\n", p.messages_sent,
             p.messages_sent_bulk, p.messages_received);
  fmt::print("meetings      {}\n", p.meetings);
  if (p.first_seen)
    fmt::print("seen          {} .. {}\n", IsoDate(*p.first_seen), IsoDate(*p.last_seen));
  return 0;
}

}  // namespace rapport::cli
