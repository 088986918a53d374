#include "rapport/api/admin_actions.h"

#include <algorithm>

namespace rapport::api {

Result<consent::ConsentChange> GrantConsent(store::Store& store, consent::ConsentType type,
                                            std::string_view admin, std::string_view terms_version,
                                            const std::vector<std::string>& excluded_groups,
                                            int64_t now) {
  auto groups = store.ListGroups();
  if (!groups.ok()) return groups.status();
  for (const auto& g : excluded_groups) {
    if (std::find(groups->begin(), groups->end(), g) == groups->end()) {
      return Status::InvalidArgument(
          "group '" + g +
          "' is not in the directory, so excluding it would exclude nobody (rapport directory "
          "list shows the groups; import them first)");
    }
  }
  consent::ConsentLedger ledger(store);
  return ledger.Grant(type, admin, terms_version, excluded_groups, now);
}

}  // namespace rapport::api
