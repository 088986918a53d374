// libFuzzer target: address keys, name keys and the X-To/X-cc list reader on arbitrary bytes.
//
// The whole input is an address, a display name and an export list; split at its first '\n' it
// is also a (display name, address) pair for NameMatchesLocalPart. Besides "no crash and no
// sanitizer report", it checks the promises of address_identity.h and identity_hints.h:
// AddressKey, PlusBase and NameKey are idempotent; the key's kind is what its text says; the key
// and name key of clean text (valid UTF-8 without control characters) are clean; every export
// entry has a name or an alias, both clean.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ingest/identity/address_identity.h"
#include "ingest/identity/identity_hints.h"

#include "fuzz_invariants.h"

namespace rapport::ingest {
namespace {

using fuzz::IsCleanText;
using fuzz::Require;

void CheckAddressKey(std::string_view input) {
  std::string key = AddressKey(input);
  Require(AddressKey(key) == key, "AddressKey is idempotent", key);
  if (IsCleanText(input)) Require(IsCleanText(key), "key of clean text is clean", key);
  AddressKind kind = KeyKind(key);
  Require((kind == AddressKind::kNotes) == key.starts_with("notes:"), "notes kind", key);
  Require((kind == AddressKind::kX500) == key.starts_with("/"), "x500 kind", key);
  std::string base = PlusBase(key);
  Require(PlusBase(base) == base, "PlusBase is idempotent", base);
  Require(base.size() <= key.size(), "PlusBase only removes", base);
}

void CheckNames(std::string_view input) {
  std::string name_key = NameKey(input);
  Require(NameKey(name_key) == name_key, "NameKey is idempotent", name_key);
  if (IsCleanText(input)) Require(IsCleanText(name_key), "name key of clean text", name_key);
  size_t nl = input.find('\n');
  if (nl != std::string_view::npos) {
    NameMatchesLocalPart(input.substr(0, nl), input.substr(nl + 1));
  }
  NameMatchesLocalPart(input, input);
}

void CheckExportList(std::string_view input) {
  for (const ExportEntry& e : ParseExportList(input)) {
    Require(!e.name.empty() || !e.alias.empty(), "entry has a name or an alias", input);
    Require(IsCleanText(e.name), "entry name is clean", e.name);
    Require(IsCleanText(e.alias), "entry alias is clean", e.alias);
  }
}

}  // namespace
}  // namespace rapport::ingest

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  rapport::ingest::CheckAddressKey(input);
  rapport::ingest::CheckNames(input);
  rapport::ingest::CheckExportList(input);
  return 0;
}
