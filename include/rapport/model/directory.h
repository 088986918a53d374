// The organisation's directory as an import file describes it (SPEC §3): its users and groups.
// Plain values straight from the file; the store normalises addresses and resolves references.
#pragma once

#include <string>
#include <vector>

namespace rapport::model {

enum class DirectoryRole { kMember, kGuest };

struct DirectoryUser {
  std::string key;      // stable identifier: the Graph object id, else the primary address
  std::string address;  // primary SMTP address, as written
  // Other addresses of the same mailbox, as written: SMTP aliases and Exchange X.500 DNs
  // ("/o=Contoso/ou=Exchange Administrative Group/cn=Recipients/cn=alice").
  std::vector<std::string> aliases;
  std::string display_name;
  std::string department;
  std::string manager;  // the manager's key or primary address; empty when none
  DirectoryRole role = DirectoryRole::kMember;
  std::vector<std::string> groups;  // keys or names of groups the user is a member of
  int line = 0;                     // where in the import file (line, or item index for JSON)
  // A delta page that said nothing of the manager: the one already known stays.
  bool manager_unchanged = false;
  std::string job_title = {};  // "" when the directory has none
};

struct DirectoryGroup {
  std::string key;                   // stable identifier: the Graph object id, else the name
  std::string name;                  // display name, e.g. "M&A"
  std::string mail;                  // the group's own address; empty when it has none
  std::vector<std::string> members;  // user keys or addresses
  int line = 0;
  // A delta (Graph members@delta): `members` join and `members_removed` leave; the other
  // members stay. Otherwise `members` is the whole list.
  bool members_incremental = false;
  std::vector<std::string> members_removed = {};
};

struct Directory {
  std::vector<DirectoryUser> users;
  std::vector<DirectoryGroup> groups;
  // Keys of users and groups deleted from the directory (Graph delta "@removed" items).
  std::vector<std::string> removed_users = {};
  std::vector<std::string> removed_groups = {};
};

}  // namespace rapport::model
