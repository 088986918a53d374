// DirectoryImport: the directory import file (`rapport directory import FILE`) -> model::Directory.
//
// Contract:
// * ParseDirectoryFile() reads Microsoft Graph JSON when the text, after an optional UTF-8
//   byte-order mark and whitespace, starts with '{' or '['; anything else is read as CSV.
// * CSV (RFC 4180, UTF-8, see csv_rows.h): the first row names the columns, case-insensitively and
//   in any order: address (required), display_name, department, job_title, manager (the manager's
//   address),
//   role (member or guest; empty = member), aliases (';'-separated addresses or X.500 DNs
//   "/o=..."), groups (';'-separated group names). key = address. Each distinct group name
//   (compared case-insensitively; the first spelling wins) becomes a group keyed by its name whose
//   members are the addresses of the users listing it, in order of first appearance. Rows of
//   empty cells (as spreadsheets save them) are skipped.
// * Graph JSON: a response body {"value": [...]}, a bare array, or one object. Users and groups
//   are told apart by "@odata.type", else "@odata.context" (#users, #groups), else their fields.
//   User: key = id; address = mail, else the "SMTP:" proxy address, else userPrincipalName (a
//   guest's "alice_fabrikam.com#EXT#@..." is read as alice@fabrikam.com); aliases = the other
//   "smtp:" proxy addresses, "X500:" DNs without the prefix, and otherMails (unusable entries are
//   skipped); role from userType or an #EXT# userPrincipalName; manager = the expanded manager's
//   id (else its address); groups = ids of the expanded memberOf groups (directory roles and
//   administrative units are not groups), which also become groups, with the user as a member,
//   when they carry a displayName. Group: key = id, name = displayName, mail, members = ids of the
//   expanded user members. Null is the same as absent. `line` is the 1-based index of the item.
// * Any problem fails the whole file with one Status::InvalidArgument line, "FILE:LINE: what is
//   wrong (how to fix it)" for CSV and "FILE: item N (id X): ..." for JSON: bad CSV syntax or
//   UTF-8, a missing header, unknown or repeated columns, a wrong column count, an empty or
//   malformed address (it needs exactly one '@', a local part and a domain, and no spaces or
//   control characters), a bad role, the same user twice, an address claimed by two users (both
//   are named), a user who is their own manager, invalid JSON (with nlohmann's line and column),
//   an item that is neither a user nor a group, a user or group without an id or listed twice.
// * Text is UTF-8 without control characters; addresses are kept as written (the store
//   normalises them). Never crashes, whatever the input.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "rapport/model/directory.h"
#include "rapport/status.h"

namespace rapport::ingest {

Result<model::Directory> ParseDirectoryFile(std::string_view data, std::string_view file_name);
Result<model::Directory> ParseDirectoryCsv(std::string_view data, std::string_view file_name);
Result<model::Directory> ParseDirectoryGraphJson(std::string_view data, std::string_view file_name);

// Shared by the CSV and the Graph reader; not for other callers.
namespace directory_internal {

// local@domain with exactly one '@', both parts non-empty, no whitespace or control characters,
// valid UTF-8.
bool IsMailAddress(std::string_view s);

// An Exchange X.500 DN ("/o=Contoso/ou=.../cn=alice"): starts with "/o=", clean UTF-8.
bool IsX500Address(std::string_view s);

// ASCII lower case: how two spellings of one address are compared.
std::string FoldCase(std::string_view s);

// Which user (by line) owns each address, so that an address claimed twice is caught.
class AddressOwners {
 public:
  // Records that the user on `line` has `address`; returns the line of another user who already
  // has it, or 0.
  int Claim(std::string_view address, int line);

 private:
  std::map<std::string, int> owner_;  // folded address -> line
};

}  // namespace directory_internal
}  // namespace rapport::ingest
