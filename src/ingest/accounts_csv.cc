#include "ingest/accounts_csv.h"

#include <map>
#include <string>

#include "ingest/encoded_word.h"
#include "ingest/header_block.h"
#include "ingest/mail_domains.h"

namespace rapport::ingest {
namespace {

struct Row {
  std::vector<std::string> fields;
  int line = 0;
};

Status Problem(std::string_view file, int line, const std::string& what) {
  return Status::InvalidArgument(std::string(file) + ":" + std::to_string(line) + ": " + what);
}

// RFC 4180 rows; quoted fields may hold commas, doubled quotes and line breaks.
Result<std::vector<Row>> SplitRows(std::string_view data, std::string_view file) {
  std::vector<Row> rows;
  Row row;
  std::string field;
  int line = 1;
  row.line = 1;
  bool quoted = false, after_quote = false;
  for (size_t i = 0; i < data.size(); ++i) {
    char c = data[i];
    if (quoted) {
      if (c == '"' && i + 1 < data.size() && data[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
        after_quote = true;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty() && !after_quote) {
      quoted = true;
    } else if (c == ',') {
      row.fields.push_back(std::move(field));
      field.clear();
      after_quote = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      row.fields.push_back(std::move(field));
      field.clear();
      after_quote = false;
      if (!(row.fields.size() == 1 && row.fields[0].empty())) rows.push_back(std::move(row));
      row = Row{};
      row.line = ++line;
    } else if (after_quote) {
      return Problem(file, line, "text after a closing quote (quote the whole field)");
    } else {
      field += c;
    }
  }
  if (quoted) return Problem(file, row.line, "a quote is not closed (close it or remove it)");
  row.fields.push_back(std::move(field));
  if (!(row.fields.size() == 1 && row.fields[0].empty())) rows.push_back(std::move(row));
  return rows;
}

bool IsUtf8(std::string_view s) {
  return SanitizeText(s).size() == s.size() || s.empty();
}

}  // namespace

Result<std::vector<model::AccountRecord>> ParseAccountsCsv(std::string_view data,
                                                           std::string_view file) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  auto rows = SplitRows(data, file);
  if (!rows.ok()) return rows.status();
  std::vector<model::AccountRecord> out;
  std::map<std::string, std::pair<std::string, int>> owner;  // domain -> (account, line)
  for (size_t r = 0; r < rows->size(); ++r) {
    const Row& row = (*rows)[r];
    if (r == 0 && !row.fields.empty() && EqualsIgnoreCase(TrimSpaces(row.fields[0]), "name"))
      continue;
    if (row.fields.size() != 2) {
      return Problem(
          file, row.line,
          std::to_string(row.fields.size()) + " columns; expected 2: name,domain[;domain...]");
    }
    model::AccountRecord account;
    account.name = std::string(TrimSpaces(row.fields[0]));
    account.line = row.line;
    if (!IsUtf8(row.fields[0]) || !IsUtf8(row.fields[1])) {
      return Problem(file, row.line, "text is not UTF-8 (save the file as UTF-8)");
    }
    if (account.name.empty()) return Problem(file, row.line, "the account name is empty");
    std::string_view domains = row.fields[1];
    while (!domains.empty()) {
      size_t semi = domains.find(';');
      std::string given(TrimSpaces(domains.substr(0, semi)));
      domains = semi == std::string_view::npos ? std::string_view() : domains.substr(semi + 1);
      if (given.empty()) continue;
      std::string org = given.find('@') == std::string::npos ? OrganisationDomain(given) : "";
      if (org.empty()) {
        return Problem(file, row.line,
                       "'" + given +
                           "' is not a company domain (write it like "
                           "fabrikam.com)");
      }
      if (IsFreeMailDomain(org)) {
        return Problem(file, row.line,
                       "'" + org +
                           "' is a free-mail domain; it cannot belong "
                           "to an account");
      }
      auto [it, fresh] = owner.emplace(org, std::make_pair(account.name, row.line));
      if (!fresh && it->second.first != account.name) {
        return Problem(file, row.line,
                       "'" + org + "' is already given to '" + it->second.first + "' on line " +
                           std::to_string(it->second.second));
      }
      account.domains.push_back(org);
    }
    if (account.domains.empty()) return Problem(file, row.line, "no domain for the account");
    out.push_back(std::move(account));
  }
  return out;
}

}  // namespace rapport::ingest
