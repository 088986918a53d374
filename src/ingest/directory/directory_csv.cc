// The CSV directory file (see directory_import.h for the columns and the checks).
#include <array>
#include <map>
#include <string>
#include <vector>

#include "ingest/csv_rows.h"
#include "ingest/directory/directory_import.h"
#include "ingest/mail/encoded_word.h"
#include "ingest/mail/header_block.h"

namespace rapport::ingest {
namespace {

using directory_internal::AddressOwners;
using directory_internal::FoldCase;
using directory_internal::IsMailAddress;
using directory_internal::IsX500Address;
using model::DirectoryUser;

enum Column {
  kAddress,
  kDisplayName,
  kDepartment,
  kJobTitle,
  kManager,
  kRole,
  kAliases,
  kGroups,
  kColumns
};
constexpr std::array<std::string_view, kColumns> kColumnNames = {
    "address", "display_name", "department", "job_title", "manager", "role", "aliases", "groups"};
constexpr std::string_view kKnownColumns =
    "address, display_name, department, job_title, manager, role, aliases, groups";

// Where each known column is in a row; -1 when the file does not have it.
using ColumnIndex = std::array<int, kColumns>;

std::string Quoted(std::string_view s) {
  return QuotedForMessage(s);
}

Result<ColumnIndex> ReadHeader(const std::vector<CsvRow>& rows, std::string_view file) {
  if (rows.empty()) {
    return CsvProblem(file, 1,
                      "no header row (start the file with a row naming the columns: " +
                          std::string(kKnownColumns) + ")");
  }
  const CsvRow& header = rows[0];
  ColumnIndex index;
  index.fill(-1);
  for (size_t i = 0; i < header.fields.size(); ++i) {
    std::string_view name = TrimSpaces(header.fields[i]);
    if (name.find('@') != std::string_view::npos) {
      return CsvProblem(file, header.line,
                        "no header row: the first row holds the address " + Quoted(name) +
                            " (add a first row naming the columns, such as address,display_name)");
    }
    if (name.empty()) {
      return CsvProblem(file, header.line,
                        "column " + std::to_string(i + 1) + " has no name (name it or remove it)");
    }
    int k = 0;
    while (k < kColumns && !EqualsIgnoreCase(name, kColumnNames[k])) ++k;
    if (k == kColumns) {
      return CsvProblem(file, header.line,
                        "unknown column " + Quoted(SanitizeText(name)) +
                            " (the known columns are " + std::string(kKnownColumns) + ")");
    }
    if (index[k] >= 0) {
      return CsvProblem(file, header.line,
                        "the column " + Quoted(kColumnNames[k]) + " appears twice (keep one)");
    }
    index[k] = static_cast<int>(i);
  }
  if (index[kAddress] < 0) {
    return CsvProblem(file, header.line,
                      "no address column (name the column of user addresses 'address')");
  }
  return index;
}

// The trimmed cell of column `k`; empty when the file has no such column.
std::string_view Cell(const CsvRow& row, const ColumnIndex& index, Column k) {
  return index[k] < 0 ? std::string_view() : TrimSpaces(row.fields[static_cast<size_t>(index[k])]);
}

// Free text: a quoted line break or tab becomes a space.
std::string TextCell(const CsvRow& row, const ColumnIndex& index, Column k) {
  return std::string(TrimSpaces(SanitizeText(Cell(row, index, k))));
}

// The non-empty, trimmed items of a ';'-separated list.
std::vector<std::string_view> SplitList(std::string_view list) {
  std::vector<std::string_view> items;
  while (!list.empty()) {
    size_t semi = list.find(';');
    std::string_view item = TrimSpaces(list.substr(0, semi));
    if (!item.empty()) items.push_back(item);
    list = semi == std::string_view::npos ? std::string_view() : list.substr(semi + 1);
  }
  return items;
}

bool ContainsFolded(const std::vector<std::string>& list, std::string_view s) {
  for (const std::string& x : list) {
    if (EqualsIgnoreCase(x, s)) return true;
  }
  return false;
}

Status ReadRole(std::string_view role, const CsvRow& row, std::string_view file, DirectoryUser& u) {
  if (role.empty() || EqualsIgnoreCase(role, "member")) return Status::Ok();
  if (!EqualsIgnoreCase(role, "guest")) {
    return CsvProblem(file, row.line,
                      "the role " + Quoted(SanitizeText(role)) +
                          " is neither member nor guest (leave it empty for a member)");
  }
  u.role = model::DirectoryRole::kGuest;
  return Status::Ok();
}

Status ReadAliases(std::string_view list, const CsvRow& row, std::string_view file,
                   DirectoryUser& u) {
  for (std::string_view alias : SplitList(list)) {
    if (!IsMailAddress(alias) && !IsX500Address(alias)) {
      return CsvProblem(file, row.line,
                        "the alias " + Quoted(SanitizeText(alias)) +
                            " is not an email address or an X.500 DN (separate aliases with ';')");
    }
    // The same address twice within one row is harmless: keep it once.
    if (!EqualsIgnoreCase(alias, u.address) && !ContainsFolded(u.aliases, alias)) {
      u.aliases.emplace_back(alias);
    }
  }
  return Status::Ok();
}

Status ReadManager(std::string_view manager, const CsvRow& row, std::string_view file,
                   DirectoryUser& u) {
  if (manager.empty()) return Status::Ok();
  if (!IsMailAddress(manager)) {
    return CsvProblem(file, row.line,
                      "the manager " + Quoted(SanitizeText(manager)) +
                          " is not an email address (write the manager's address)");
  }
  if (EqualsIgnoreCase(manager, u.address) || ContainsFolded(u.aliases, manager)) {
    return CsvProblem(file, row.line,
                      "the manager " + Quoted(manager) +
                          " is the user themself (leave manager empty or name another user)");
  }
  u.manager = std::string(manager);
  return Status::Ok();
}

Result<DirectoryUser> ReadUser(const CsvRow& row, const ColumnIndex& index, std::string_view file) {
  DirectoryUser u;
  u.line = row.line;
  std::string_view address = Cell(row, index, kAddress);
  if (address.empty()) {
    return CsvProblem(file, row.line, "the address is empty (each row needs the user's address)");
  }
  if (!IsMailAddress(address)) {
    return CsvProblem(file, row.line,
                      Quoted(SanitizeText(address)) +
                          " is not an email address (write it like alice@contoso.com)");
  }
  u.address = u.key = std::string(address);
  u.display_name = TextCell(row, index, kDisplayName);
  u.department = TextCell(row, index, kDepartment);
  u.job_title = TextCell(row, index, kJobTitle);
  RAPPORT_RETURN_IF_ERROR(ReadRole(Cell(row, index, kRole), row, file, u));
  RAPPORT_RETURN_IF_ERROR(ReadAliases(Cell(row, index, kAliases), row, file, u));
  RAPPORT_RETURN_IF_ERROR(ReadManager(Cell(row, index, kManager), row, file, u));
  for (std::string_view group : SplitList(Cell(row, index, kGroups))) {
    std::string name(TrimSpaces(SanitizeText(group)));  // "\x01" would leave no name
    if (!name.empty() && !ContainsFolded(u.groups, name)) u.groups.push_back(std::move(name));
  }
  return u;
}

bool IsEmptyRow(const CsvRow& row) {
  for (const std::string& field : row.fields) {
    if (!TrimSpaces(field).empty()) return false;
  }
  return true;
}

// Fails when the user's primary address is another row's, or any of its addresses is.
class Claims {
 public:
  explicit Claims(std::string_view file) : file_(file) {}

  Status Add(const DirectoryUser& u) {
    auto [it, fresh] = primary_.emplace(FoldCase(u.address), u.line);
    if (!fresh) {
      return CsvProblem(file_, u.line,
                        Quoted(u.address) + " is already the user on line " +
                            std::to_string(it->second) + " (merge the two rows)");
    }
    RAPPORT_RETURN_IF_ERROR(Claim(u.address, u.line));
    for (const std::string& alias : u.aliases) RAPPORT_RETURN_IF_ERROR(Claim(alias, u.line));
    return Status::Ok();
  }

 private:
  Status Claim(const std::string& address, int line) {
    int other = owners_.Claim(address, line);
    if (other == 0) return Status::Ok();
    return CsvProblem(file_, line,
                      Quoted(address) + " is also an address of the user on line " +
                          std::to_string(other) +
                          "; an address belongs to one user (remove it from one of the rows)");
  }

  std::string_view file_;
  std::map<std::string, int> primary_;  // folded primary address -> line
  AddressOwners owners_;
};

// One group per distinct name, in order of first appearance; users' group names are rewritten
// to the first spelling so that they match the group keys.
std::vector<model::DirectoryGroup> CollectGroups(std::vector<DirectoryUser>& users) {
  std::vector<model::DirectoryGroup> groups;
  std::map<std::string, size_t> index;  // folded name -> position in `groups`
  for (DirectoryUser& u : users) {
    for (std::string& name : u.groups) {
      auto [it, fresh] = index.emplace(FoldCase(name), groups.size());
      if (fresh) groups.push_back({name, name, "", {}, u.line});
      model::DirectoryGroup& g = groups[it->second];
      name = g.key;
      g.members.push_back(u.address);
    }
  }
  return groups;
}

}  // namespace

Result<model::Directory> ParseDirectoryCsv(std::string_view data, std::string_view file) {
  auto rows = SplitCsvRows(data, file);
  if (!rows.ok()) return rows.status();
  auto index = ReadHeader(*rows, file);
  if (!index.ok()) return index.status();
  const size_t width = (*rows)[0].fields.size();
  model::Directory dir;
  Claims claims(file);
  for (size_t r = 1; r < rows->size(); ++r) {
    const CsvRow& row = (*rows)[r];
    if (IsEmptyRow(row)) continue;  // spreadsheets save ",,,," for rows they consider used
    if (row.fields.size() != width) {
      return CsvProblem(file, row.line,
                        std::to_string(row.fields.size()) + " columns; the header has " +
                            std::to_string(width) + " (quote a field that holds a comma)");
    }
    auto user = ReadUser(row, *index, file);
    if (!user.ok()) return user.status();
    RAPPORT_RETURN_IF_ERROR(claims.Add(*user));
    dir.users.push_back(std::move(*user));
  }
  dir.groups = CollectGroups(dir.users);
  return dir;
}

}  // namespace rapport::ingest
