// The organisation's directory kept in step with Entra ID: /users/delta and /groups/delta.
//
// Contract: each is a delta round like a folder's, its link kept as the cursor
// ("directory/users", "directory/groups") in the transaction of the changes it follows. Users
// and groups are keyed by their Entra object id; a change replaces what the directory held of
// them (addresses from mail and proxyAddresses, display name, department, job title, member or
// guest), a group's members@delta adds and removes members, and @removed items leave the
// directory. People are re-resolved from the new evidence once the pass is done (rapport sync does
// it).
#pragma once

#include <map>
#include <string>

#include "sync/graph/graph_paging.h"

namespace rapport::sync {

inline constexpr std::string_view kDirectoryUserPermission = "User.Read.All";
inline constexpr std::string_view kDirectoryGroupPermission = "GroupMember.Read.All";

// Both rounds (or what is left of them).
Status SyncGraphDirectory(const GraphPass& pass, const std::map<std::string, std::string>& cursors);

}  // namespace rapport::sync
