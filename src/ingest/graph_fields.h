// Type-checked access to Graph JSON fields, shared by the Graph parsers.
//
// Graph documentation examples carry placeholders of the wrong type ("isRead": "true",
// "sentDateTime": "datetime-value"), so every accessor treats a field of the wrong type as absent
// and none of them can throw. Text returned by the *Text helpers has passed SanitizeText.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "ingest/mail/encoded_word.h"
#include "rapport/model/message.h"

namespace rapport::ingest::graph {

using json = nlohmann::json;

inline const json* Field(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

inline std::string_view Str(const json& obj, const char* key) {
  const json* v = Field(obj, key);
  if (v == nullptr || !v->is_string()) return {};
  return v->get_ref<const std::string&>();
}

inline std::string Text(const json& obj, const char* key) {
  return SanitizeText(Str(obj, key));
}

inline std::optional<bool> Bool(const json& obj, const char* key) {
  const json* v = Field(obj, key);
  if (v == nullptr || !v->is_boolean()) return std::nullopt;
  return v->get<bool>();
}

// "Local@Example.COM" -> "Local@example.com", as address_list.h does for mail headers, so the
// same person has the same address whichever source named them; empty unless local@domain.
inline std::string NormalizeAddress(std::string_view raw) {
  std::string s = SanitizeText(raw);
  size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  if (b == std::string::npos) return {};
  s = s.substr(b, e - b + 1);
  size_t at = s.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == s.size()) return {};
  for (size_t i = at + 1; i < s.size(); ++i) {
    if (s[i] >= 'A' && s[i] <= 'Z') s[i] = static_cast<char>(s[i] + 32);
  }
  return s;
}

// A Graph recipient ({"emailAddress": {"name", "address"}}); nullopt when it names nobody.
inline std::optional<model::Mailbox> MailboxOf(const json* recipient) {
  const json* email = recipient != nullptr ? Field(*recipient, "emailAddress") : nullptr;
  if (email == nullptr) return std::nullopt;
  model::Mailbox m{Text(*email, "name"), NormalizeAddress(Str(*email, "address"))};
  if (m.name.empty() && m.address.empty()) return std::nullopt;
  return m;
}

}  // namespace rapport::ingest::graph
