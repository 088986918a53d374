#include "ingest/directory/accounts_csv.h"

#include <map>
#include <string>

#include "ingest/csv_rows.h"
#include "ingest/identity/mail_domains.h"
#include "ingest/mail/encoded_word.h"
#include "ingest/mail/header_block.h"

namespace rapport::ingest {

Result<std::vector<model::AccountRecord>> ParseAccountsCsv(std::string_view data,
                                                           std::string_view file) {
  auto rows = SplitCsvRows(data, file);
  if (!rows.ok()) return rows.status();
  std::vector<model::AccountRecord> out;
  std::map<std::string, std::pair<std::string, int>> owner;  // domain -> (account, line)
  for (size_t r = 0; r < rows->size(); ++r) {
    const CsvRow& row = (*rows)[r];
    if (r == 0 && !row.fields.empty() && EqualsIgnoreCase(TrimSpaces(row.fields[0]), "name"))
      continue;
    if (row.fields.size() != 2) {
      return CsvProblem(
          file, row.line,
          std::to_string(row.fields.size()) + " columns; expected 2: name,domain[;domain...]");
    }
    model::AccountRecord account;
    // Control characters (a quoted line break, say) would reach terminals through `accounts list`.
    account.name = std::string(TrimSpaces(SanitizeText(row.fields[0])));
    account.line = row.line;
    if (account.name.empty()) return CsvProblem(file, row.line, "the account name is empty");
    std::string_view domains = row.fields[1];
    while (!domains.empty()) {
      size_t semi = domains.find(';');
      std::string given(TrimSpaces(domains.substr(0, semi)));
      domains = semi == std::string_view::npos ? std::string_view() : domains.substr(semi + 1);
      if (given.empty()) continue;
      std::string org = given.find('@') == std::string::npos ? OrganisationDomain(given) : "";
      if (org.empty()) {
        return CsvProblem(
            file, row.line,
            QuotedForMessage(given) + " is not a company domain (write it like fabrikam.com)");
      }
      if (IsFreeMailDomain(org)) {
        return CsvProblem(
            file, row.line,
            QuotedForMessage(org) + " is a free-mail domain; it cannot belong to an account");
      }
      auto [it, fresh] = owner.emplace(org, std::make_pair(account.name, row.line));
      if (!fresh && it->second.first != account.name) {
        return CsvProblem(file, row.line,
                          QuotedForMessage(org) + " is already given to " +
                              QuotedForMessage(it->second.first) + " on line " +
                              std::to_string(it->second.second));
      }
      account.domains.push_back(org);
    }
    if (account.domains.empty()) return CsvProblem(file, row.line, "no domain for the account");
    out.push_back(std::move(account));
  }
  return out;
}

}  // namespace rapport::ingest
