// libFuzzer target: the accounts import file reader (`rapport accounts import FILE`) on arbitrary
// bytes.
//
// Besides "no crash and no sanitizer report", it checks what accounts_csv.h promises of a file it
// accepts: every account has a name of clean UTF-8, a line (rows in file order) and at least one
// domain; every domain is a lower-case company domain (no '@', not free mail, clean text); no
// domain belongs to two accounts. A refused file gets one line.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "ingest/directory/accounts_csv.h"
#include "ingest/identity/mail_domains.h"

#include "fuzz_invariants.h"

namespace rapport::ingest {
namespace {

using fuzz::IsCleanText;
using fuzz::Require;

bool IsLowerCase(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return false;
  }
  return true;
}

void CheckAccounts(const std::vector<model::AccountRecord>& accounts) {
  std::map<std::string, std::string> owner;  // domain -> account
  int previous_line = 0;
  for (const auto& a : accounts) {
    Require(!a.name.empty(), "account has a name", a.name);
    Require(IsCleanText(a.name), "account name is clean UTF-8", a.name);
    Require(a.line > previous_line, "accounts come in file order", a.name);
    previous_line = a.line;
    Require(!a.domains.empty(), "account has a domain", a.name);
    for (const auto& d : a.domains) {
      Require(!d.empty() && d.find('@') == std::string::npos, "domain is a domain", d);
      Require(IsCleanText(d) && IsLowerCase(d), "domain is clean lower-case text", d);
      Require(!IsFreeMailDomain(d), "domain is not free mail", d);
      auto [it, fresh] = owner.emplace(d, a.name);
      Require(fresh || it->second == a.name, "a domain belongs to one account", d);
    }
  }
}

}  // namespace
}  // namespace rapport::ingest

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::ingest;  // NOLINT: a fuzz entry point
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto result = ParseAccountsCsv(input, "fuzz");
  if (!result.ok()) {
    rapport::fuzz::RequireOneLine(result.status().message());
    return 0;
  }
  CheckAccounts(*result);
  return 0;
}
