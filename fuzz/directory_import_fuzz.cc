// libFuzzer target: the directory import file reader (CSV or Graph JSON) on arbitrary bytes.
//
// Besides "no crash and no sanitizer report", it checks what directory_import.h promises of a
// file it accepts: every user has a key and an address with an '@'; no two users share a key or
// an address (aliases included, compared case-insensitively); every text is valid UTF-8 without
// control characters; lines are positive.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "ingest/directory/directory_import.h"

#include "fuzz_invariants.h"

namespace rapport::ingest {
namespace {

using fuzz::IsCleanText;
using fuzz::Require;

void Clean(std::string_view s, const char* what) {
  Require(IsCleanText(s), what, s);
}

void CheckUser(const model::DirectoryUser& u, std::set<std::string>& keys,
               std::set<std::string>& addresses) {
  Require(!u.key.empty(), "user has a key", u.address);
  Require(u.address.find('@') != std::string::npos, "user address has an '@'", u.address);
  Require(u.line > 0, "user has a line", u.key);
  Require(keys.insert(u.key).second, "user keys are unique", u.key);
  Require(addresses.insert(directory_internal::FoldCase(u.address)).second,
          "an address belongs to one user", u.address);
  for (const auto& a : u.aliases) {
    Clean(a, "alias is clean");
    Require(addresses.insert(directory_internal::FoldCase(a)).second,
            "an alias belongs to one user", a);
  }
  for (const std::string* s : {&u.key, &u.address, &u.display_name, &u.department, &u.manager}) {
    Clean(*s, "user text is clean UTF-8");
  }
  for (const auto& g : u.groups) Clean(g, "group reference is clean");
}

void CheckGroup(const model::DirectoryGroup& g) {
  Require(!g.key.empty(), "group has a key", g.name);
  Require(g.line > 0, "group has a line", g.key);
  for (const std::string* s : {&g.key, &g.name, &g.mail}) Clean(*s, "group text is clean UTF-8");
  for (const auto& m : g.members) Clean(m, "member is clean");
}

}  // namespace
}  // namespace rapport::ingest

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rapport::ingest;  // NOLINT: a fuzz entry point
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto result = ParseDirectoryFile(input, "fuzz");
  if (!result.ok()) {
    rapport::fuzz::RequireOneLine(result.status().message());
    return 0;
  }
  std::set<std::string> keys, addresses;
  for (const auto& u : result->users) CheckUser(u, keys, addresses);
  for (const auto& g : result->groups) CheckGroup(g);
  return 0;
}
