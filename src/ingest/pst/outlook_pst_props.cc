// Typed MAPI property reads over libpff record sets (see outlook_pst_internal.h).
#include <cstring>

#include "ingest/mail/address_list.h"
#include "ingest/mail/encoded_word.h"
#include "ingest/pst/outlook_pst_internal.h"

namespace rapport::ingest::pst {
namespace {

// MAPI value types (PT_*).
constexpr uint32_t kPtShort = 0x0002;
constexpr uint32_t kPtLong = 0x0003;
constexpr uint32_t kPtBoolean = 0x000b;
constexpr uint32_t kPtString8 = 0x001e;
constexpr uint32_t kPtUnicode = 0x001f;
constexpr uint32_t kPtSystime = 0x0040;
constexpr uint32_t kPtBinary = 0x0102;

// Bounds what one property may make us allocate; a corrupt size cannot exhaust memory.
constexpr size_t kMaxValueBytes = 64u << 20;

constexpr int64_t kFileTimeTicksPerSecond = 10'000'000;
constexpr int64_t kUnixEpochInFileTimeSeconds = 11'644'473'600;
constexpr int64_t kYear4500Unix = 79'839'129'600;

std::optional<uint32_t> ValueType(libpff_record_entry_t* entry) {
  uint32_t type = 0;
  if (entry == nullptr || libpff_record_entry_get_value_type(entry, &type, nullptr) != 1) {
    return std::nullopt;
  }
  return type;
}

std::optional<std::string> ReadUtf8(libpff_record_entry_t* entry) {
  auto type = ValueType(entry);
  if (!type || (*type != kPtUnicode && *type != kPtString8)) return std::nullopt;
  size_t size = 0;
  if (libpff_record_entry_get_data_as_utf8_string_size(entry, &size, nullptr) != 1 || size == 0 ||
      size > kMaxValueBytes) {
    return std::nullopt;
  }
  std::string out(size, '\0');
  if (libpff_record_entry_get_data_as_utf8_string(entry, reinterpret_cast<uint8_t*>(out.data()),
                                                  size, nullptr) != 1) {
    return std::nullopt;
  }
  out.resize(std::strlen(out.c_str()));  // the size counts the terminating NUL
  return out;
}

std::optional<std::string> ReadBinary(libpff_record_entry_t* entry) {
  if (ValueType(entry) != kPtBinary) return std::nullopt;
  size_t size = 0;
  if (libpff_record_entry_get_data_size(entry, &size, nullptr) != 1 || size > kMaxValueBytes) {
    return std::nullopt;
  }
  std::string out(size, '\0');
  if (size > 0 && libpff_record_entry_get_data(entry, reinterpret_cast<uint8_t*>(out.data()), size,
                                               nullptr) != 1) {
    return std::nullopt;
  }
  return out;
}

std::optional<int64_t> ReadTime(libpff_record_entry_t* entry) {
  uint64_t filetime = 0;
  if (ValueType(entry) != kPtSystime ||
      libpff_record_entry_get_data_as_filetime(entry, &filetime, nullptr) != 1) {
    return std::nullopt;
  }
  return FileTimeToUnix(filetime);
}

std::optional<int64_t> ReadInteger(libpff_record_entry_t* entry) {
  auto type = ValueType(entry);
  if (type == kPtLong) {
    uint32_t v = 0;
    if (libpff_record_entry_get_data_as_32bit_integer(entry, &v, nullptr) != 1) return std::nullopt;
    return static_cast<int32_t>(v);
  }
  if (type == kPtShort) {
    uint16_t v = 0;
    if (libpff_record_entry_get_data_as_16bit_integer(entry, &v, nullptr) != 1) return std::nullopt;
    return static_cast<int16_t>(v);
  }
  return std::nullopt;
}

std::optional<bool> ReadBoolean(libpff_record_entry_t* entry) {
  uint8_t v = 0;
  if (ValueType(entry) != kPtBoolean ||
      libpff_record_entry_get_data_as_boolean(entry, &v, nullptr) != 1) {
    return std::nullopt;
  }
  return v != 0;
}

// True when the entry is the named property (set, lid). libpff's own lookup by type compares the
// long id only, without the property set, so LID 0x0023 (CleanGlobalObjectId) would also match
// the ordinary tag 0x0023 (PR_ORIGINATOR_DELIVERY_REPORT_REQUESTED): hence this check.
bool IsNamed(libpff_record_entry_t* entry, const Guid& set, uint32_t lid) {
  libpff_name_to_id_map_entry_t* name = nullptr;  // a view owned by the file
  if (libpff_record_entry_get_name_to_id_map_entry(entry, &name, nullptr) != 1 || !name) {
    return false;
  }
  uint8_t kind = 0;
  uint32_t number = 0;
  Guid guid{};
  return libpff_name_to_id_map_entry_get_type(name, &kind, nullptr) == 1 &&
         kind == LIBPFF_NAME_TO_ID_MAP_ENTRY_TYPE_NUMERIC &&
         libpff_name_to_id_map_entry_get_number(name, &number, nullptr) == 1 && number == lid &&
         libpff_name_to_id_map_entry_get_guid(name, guid.data(), guid.size(), nullptr) == 1 &&
         guid == set;
}

bool LooksLikeSmtp(std::string_view a) {
  return !a.empty() && a.front() != '/' && a.find('@') != std::string_view::npos;
}

}  // namespace

std::optional<int64_t> FileTimeToUnix(uint64_t filetime) {
  if (filetime == 0) return std::nullopt;
  int64_t seconds = static_cast<int64_t>(filetime / kFileTimeTicksPerSecond);
  int64_t unix_seconds = seconds - kUnixEpochInFileTimeSeconds;
  if (unix_seconds < 0 || unix_seconds >= kYear4500Unix) return std::nullopt;
  return unix_seconds;
}

PropertyRow::PropertyRow(libpff_item_t* item, int set_index) {
  libpff_record_set_t* set = nullptr;
  if (item && libpff_item_get_record_set_by_index(item, set_index, &set, nullptr) == 1) set_ = set;
}

libpff_record_entry_t* PropertyRow::Find(uint32_t tag) const {
  libpff_record_entry_t* entry = nullptr;
  if (set_ == nullptr) return nullptr;
  // IGNORE_NAME_TO_ID_MAP: match the stored tag itself, never a named property whose long id
  // happens to equal it.
  uint8_t flags =
      LIBPFF_ENTRY_VALUE_FLAG_MATCH_ANY_VALUE_TYPE | LIBPFF_ENTRY_VALUE_FLAG_IGNORE_NAME_TO_ID_MAP;
  if (libpff_record_set_get_entry_by_type(set_, tag, 0, &entry, flags, nullptr) != 1) {
    return nullptr;
  }
  return entry;
}

libpff_record_entry_t* PropertyRow::FindNamed(const Guid& set, uint32_t lid) const {
  int count = 0;
  if (set_ == nullptr || libpff_record_set_get_number_of_entries(set_, &count, nullptr) != 1) {
    return nullptr;
  }
  for (int i = 0; i < count; ++i) {
    libpff_record_entry_t* entry = nullptr;
    if (libpff_record_set_get_entry_by_index(set_, i, &entry, nullptr) == 1 && entry &&
        IsNamed(entry, set, lid)) {
      return entry;
    }
  }
  return nullptr;
}

std::optional<std::string> PropertyRow::RawString(uint32_t tag) const {
  return ReadUtf8(Find(tag));
}

std::optional<std::string> PropertyRow::String(uint32_t tag) const {
  // SanitizeText also drops the two control characters Outlook puts before a subject to mark
  // the length of its "RE: " prefix.
  auto s = ReadUtf8(Find(tag));
  if (!s) return std::nullopt;
  return SanitizeText(*s);
}

std::optional<std::string> PropertyRow::Binary(uint32_t tag) const {
  return ReadBinary(Find(tag));
}
std::optional<int64_t> PropertyRow::Time(uint32_t tag) const {
  return ReadTime(Find(tag));
}
std::optional<int64_t> PropertyRow::Integer(uint32_t tag) const {
  return ReadInteger(Find(tag));
}
std::optional<bool> PropertyRow::Boolean(uint32_t tag) const {
  return ReadBoolean(Find(tag));
}

std::optional<std::string> PropertyRow::NamedBinary(const Guid& set, uint32_t lid) const {
  return ReadBinary(FindNamed(set, lid));
}
std::optional<int64_t> PropertyRow::NamedTime(const Guid& set, uint32_t lid) const {
  return ReadTime(FindNamed(set, lid));
}
std::optional<int64_t> PropertyRow::NamedInteger(const Guid& set, uint32_t lid) const {
  return ReadInteger(FindNamed(set, lid));
}
std::optional<bool> PropertyRow::NamedBoolean(const Guid& set, uint32_t lid) const {
  return ReadBoolean(FindNamed(set, lid));
}

RecipientTable::RecipientTable(libpff_item_t* message) {
  libpff_item_t* table = nullptr;
  if (libpff_message_get_recipients(message, &table, nullptr) != 1 || table == nullptr) return;
  table_.reset(table);
  if (libpff_item_get_number_of_record_sets(table, &count_, nullptr) != 1 || count_ < 0) {
    count_ = 0;
  }
}

model::Mailbox MapiMailbox(const std::optional<std::string>& name,
                           std::initializer_list<std::optional<std::string>> addresses) {
  model::Mailbox box;
  for (const auto& a : addresses) {
    if (!a || !LooksLikeSmtp(*a)) continue;
    // Through the address parser so the domain is lower-cased as for header addresses.
    for (auto& m : ParseAddressList(*a)) {
      if (!m.address.empty()) {
        box.address = std::move(m.address);
        break;
      }
    }
    if (!box.address.empty()) break;
  }
  if (name) box.name = *name;
  return box;
}

model::Mailbox MapiAuthor(const PropertyRow& row) {
  model::Mailbox from = MapiMailbox(
      row.String(tag::kSentRepresentingName),
      {row.String(tag::kSentRepresentingSmtp), row.String(tag::kSentRepresentingEmail)});
  if (!from.address.empty()) return from;
  return MapiMailbox(row.String(tag::kSenderName),
                     {row.String(tag::kSenderSmtp), row.String(tag::kSenderEmail)});
}

}  // namespace rapport::ingest::pst
