// The Microsoft Graph JSON directory file (see directory_import.h for what is read and checked).
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ingest/csv_rows.h"
#include "ingest/directory/directory_import.h"
#include "ingest/graph_fields.h"
#include "ingest/mail/encoded_word.h"
#include "ingest/mail/header_block.h"

namespace rapport::ingest {
namespace {

using directory_internal::AddressOwners;
using directory_internal::FoldCase;
using directory_internal::IsMailAddress;
using directory_internal::IsX500Address;
using graph::Field;
using graph::json;
using graph::Str;
using graph::Text;
using model::DirectoryGroup;
using model::DirectoryUser;

constexpr int kMaxDepth = 64;
constexpr std::string_view kExportHint =
    "export with $select=id,mail,userPrincipalName,proxyAddresses";

std::string Quoted(std::string_view s) {
  return QuotedForMessage(s);
}

// Only nlohmann's message for a parse error, which the DOM parser without exceptions drops.
class ErrorSax : public nlohmann::json_sax<json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    std::string_view what = e.what();  // "[json.exception.parse_error.101] parse error at ..."
    if (size_t close = what.find("] "); close != std::string_view::npos)
      what.remove_prefix(close + 2);
    message = SanitizeText(what);  // the last token read is quoted in it, maybe with raw bytes
    return false;
  }
  std::string message = "unreadable";
};

Result<json> ParseJson(std::string_view text, std::string_view file) {
  // Deep nesting is no directory export; discarding it keeps the tree (and its walk) shallow.
  bool too_deep = false;
  json::parser_callback_t limit = [&too_deep](int depth, json::parse_event_t, json&) {
    if (depth > kMaxDepth) too_deep = true;
    return depth <= kMaxDepth;
  };
  json doc = json::parse(text.begin(), text.end(), limit, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    ErrorSax sax;
    json::sax_parse(text.begin(), text.end(), &sax);
    return Status::InvalidArgument(std::string(file) + ": invalid JSON: " + sax.message +
                                   " (export the file again; it may be cut short)");
  }
  if (too_deep) {
    return Status::InvalidArgument(std::string(file) + ": JSON nested deeper than " +
                                   std::to_string(kMaxDepth) +
                                   " levels (not a Graph export of users or groups)");
  }
  return doc;
}

enum class Kind { kUser, kGroup, kOther };

// "#microsoft.graph.user" -> "user".
std::string_view TypeName(std::string_view type) {
  if (!type.empty() && type.front() == '#') type.remove_prefix(1);
  constexpr std::string_view kNamespace = "microsoft.graph.";
  if (StartsWithIgnoreCase(type, kNamespace)) type.remove_prefix(kNamespace.size());
  return type;
}

// The entity set an "@odata.context" names: "...$metadata#users(id,mail)/$entity" -> "users",
// "...#Collection(microsoft.graph.group)" -> "group".
std::string ContextName(std::string_view context) {
  size_t hash = context.find('#');
  if (hash == std::string_view::npos) return {};
  context.remove_prefix(hash + 1);
  constexpr std::string_view kCollection = "Collection(";
  if (context.starts_with(kCollection)) {
    context.remove_prefix(kCollection.size());
    return std::string(TypeName(context.substr(0, context.find(')'))));
  }
  std::string name, segment;  // the last path segment that is not "$entity", without "(...)"
  int parens = 0;
  for (char c : context) {
    if (c == '(') ++parens;
    if (parens == 0 && c == '/') {
      if (!segment.empty() && segment.front() != '$') name = segment;
      segment.clear();
    } else if (parens == 0) {
      segment += c;
    }
    if (c == ')' && parens > 0) --parens;
  }
  if (!segment.empty() && segment.front() != '$') name = segment;
  return name;
}

Kind KindFromName(std::string_view name) {
  if (EqualsIgnoreCase(name, "user") || EqualsIgnoreCase(name, "users")) return Kind::kUser;
  if (EqualsIgnoreCase(name, "group") || EqualsIgnoreCase(name, "groups")) return Kind::kGroup;
  return Kind::kOther;
}

bool HasAny(const json& item, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    const json* v = Field(item, k);
    if (v != nullptr && !v->is_null()) return true;
  }
  return false;
}

// What the item is: its @odata.type, else its own or its collection's context, else its fields.
// `what` describes an item that is neither a user nor a group, for the error.
Kind ItemKind(const json& item, std::string_view collection_context, std::string& what) {
  std::string_view type = Str(item, "@odata.type");
  if (!type.empty()) {
    what = Quoted(SanitizeText(type)) + " is not a user or a group";
    return KindFromName(TypeName(type));
  }
  std::string_view context = Str(item, "@odata.context");
  if (context.empty()) context = collection_context;
  Kind kind = KindFromName(ContextName(context));
  if (kind != Kind::kOther) return kind;
  if (HasAny(item, {"groupTypes", "securityEnabled", "mailEnabled", "members", "members@delta"})) {
    return Kind::kGroup;
  }
  if (HasAny(item, {"userPrincipalName", "mail", "proxyAddresses", "otherMails", "userType",
                    "department", "manager", "memberOf", "givenName", "surname", "jobTitle"})) {
    return Kind::kUser;
  }
  what = "neither a user nor a group";
  return Kind::kOther;
}

// The JSON strings of an array field (others skipped), sanitised and trimmed.
std::vector<std::string> Strings(const json& item, const char* key) {
  std::vector<std::string> out;
  const json* list = Field(item, key);
  if (list == nullptr || !list->is_array()) return out;
  for (const json& v : *list) {
    if (v.is_string()) out.emplace_back(TrimSpaces(SanitizeText(v.get_ref<const std::string&>())));
  }
  return out;
}

// The objects of an expanded navigation property (members, memberOf).
std::vector<const json*> Objects(const json& item, const char* key) {
  std::vector<const json*> out;
  const json* list = Field(item, key);
  if (list == nullptr || !list->is_array()) return out;
  for (const json& v : *list) {
    if (v.is_object()) out.push_back(&v);
  }
  return out;
}

// True when an expanded directory object is of `type` or does not say.
bool IsTypeOrUntyped(const json& object, std::string_view type) {
  std::string_view t = Str(object, "@odata.type");
  return t.empty() || EqualsIgnoreCase(TypeName(t), type);
}

struct ProxyAddresses {
  std::string primary;               // "SMTP:" (upper case): the primary address
  std::vector<std::string> aliases;  // "smtp:" addresses and "X500:" DNs
};

ProxyAddresses ReadProxyAddresses(const json& item) {
  ProxyAddresses p;
  for (const std::string& entry : Strings(item, "proxyAddresses")) {
    size_t colon = entry.find(':');
    if (colon == std::string::npos) continue;
    std::string_view prefix = std::string_view(entry).substr(0, colon);
    std::string value(TrimSpaces(std::string_view(entry).substr(colon + 1)));
    if (EqualsIgnoreCase(prefix, "smtp") && IsMailAddress(value)) {
      if (prefix == "SMTP" && p.primary.empty()) {
        p.primary = std::move(value);
      } else {
        p.aliases.push_back(std::move(value));
      }
    } else if (EqualsIgnoreCase(prefix, "x500") && IsX500Address(value)) {
      p.aliases.push_back(std::move(value));
    }  // SIP:, EUM:, X400: ... are not mail addresses
  }
  return p;
}

// A guest's userPrincipalName "alice_fabrikam.com#EXT#@contoso.onmicrosoft.com" encodes the
// address the guest mails from, alice@fabrikam.com (domains have no '_'); other names as given.
std::string AddressFromUpn(const std::string& upn) {
  size_t ext = FoldCase(upn).find("#ext#");
  if (ext == std::string::npos) return upn;
  size_t underscore = upn.rfind('_', ext);
  if (underscore == std::string::npos || underscore == 0) return upn;
  return upn.substr(0, underscore) + "@" + upn.substr(underscore + 1, ext - underscore - 1);
}

class Builder {
 public:
  // `delta_page`: the items are a page of a delta round, where a user without manager news
  // keeps the manager already known.
  Builder(std::string_view file, bool delta_page) : file_(file), delta_page_(delta_page) {}

  Status Add(const json& item, int line, std::string_view collection_context) {
    std::string label = "item " + std::to_string(line);
    if (!item.is_object()) return Problem(label, "not a JSON object (list users and groups)");
    std::string id = Text(item, "id");
    if (!id.empty()) label += " (id " + id + ")";
    std::string what;
    const Kind kind = ItemKind(item, collection_context, what);
    if (Field(item, "@removed") != nullptr && kind != Kind::kOther && !id.empty()) {
      // A delta's tombstone: deleted (or soft-deleted, "changed") from the directory.
      (kind == Kind::kUser ? dir_.removed_users : dir_.removed_groups).push_back(id);
      return Status::Ok();
    }
    switch (kind) {
      case Kind::kUser:
        return AddUser(item, id, line, label);
      case Kind::kGroup:
        return AddGroup(item, id, line, label);
      case Kind::kOther:
        break;
    }
    return Problem(label, what + " (export users from /users and groups from /groups)");
  }

  model::Directory Take() { return std::move(dir_); }

 private:
  Status Problem(const std::string& label, const std::string& what) const {
    return Status::InvalidArgument(std::string(file_) + ": " + label + ": " + what);
  }

  Status AddUser(const json& item, const std::string& id, int line, const std::string& label);
  Status ReadAddresses(const json& item, const std::string& label, DirectoryUser& u) const;
  Status ReadRole(const json& item, const std::string& label, DirectoryUser& u) const;
  Status ReadManager(const json& item, const std::string& label, DirectoryUser& u) const;
  void ReadMemberOf(const json& item, DirectoryUser& u);
  Status ClaimAddresses(const DirectoryUser& u, const std::string& label);
  Status AddGroup(const json& item, const std::string& id, int line, const std::string& label);
  size_t GroupFor(const std::string& key, int line);
  void AddMember(size_t group, const std::string& member);

  std::string_view file_;
  bool delta_page_ = false;
  model::Directory dir_;
  std::map<std::string, std::string> user_labels_;  // user id -> label of its item
  std::map<int, std::string> labels_by_line_;       // users' items, to name the other claimant
  AddressOwners owners_;
  std::map<std::string, size_t> group_index_;         // group id -> position in dir_.groups
  std::set<std::string> listed_groups_;               // group ids that were items of their own
  std::set<std::pair<size_t, std::string>> members_;  // (group position, member) already added
};

Status Builder::ReadAddresses(const json& item, const std::string& label, DirectoryUser& u) const {
  ProxyAddresses proxies = ReadProxyAddresses(item);
  std::string mail(TrimSpaces(Text(item, "mail")));
  std::string upn(TrimSpaces(Text(item, "userPrincipalName")));
  const char* field = !mail.empty()              ? "mail"
                      : !proxies.primary.empty() ? "SMTP proxy address"
                                                 : "userPrincipalName";
  u.address = !mail.empty()              ? mail
              : !proxies.primary.empty() ? proxies.primary
                                         : AddressFromUpn(upn);
  if (u.address.empty()) {
    return Problem(label,
                   "user has no mail, userPrincipalName or SMTP proxy address (export with "
                   "$select=mail,userPrincipalName,proxyAddresses)");
  }
  if (!IsMailAddress(u.address)) {
    return Problem(label, std::string("the ") + field + " " + Quoted(u.address) +
                              " is not an email address (fix it in the directory)");
  }
  if (!proxies.primary.empty()) proxies.aliases.insert(proxies.aliases.begin(), proxies.primary);
  for (std::string& other : Strings(item, "otherMails")) {
    if (IsMailAddress(other)) proxies.aliases.push_back(std::move(other));
  }
  std::set<std::string> seen = {FoldCase(u.address)};
  for (std::string& alias : proxies.aliases) {
    if (seen.insert(FoldCase(alias)).second) u.aliases.push_back(std::move(alias));
  }
  return Status::Ok();
}

Status Builder::ReadRole(const json& item, const std::string& label, DirectoryUser& u) const {
  std::string type = Text(item, "userType");
  if (!type.empty() && !EqualsIgnoreCase(type, "Member") && !EqualsIgnoreCase(type, "Guest")) {
    return Problem(label, "userType " + Quoted(type) + " is neither Member nor Guest");
  }
  bool external = FoldCase(Str(item, "userPrincipalName")).find("#ext#") != std::string::npos;
  if (external || EqualsIgnoreCase(type, "Guest")) u.role = model::DirectoryRole::kGuest;
  return Status::Ok();
}

Status Builder::ReadManager(const json& item, const std::string& label, DirectoryUser& u) const {
  const json* manager = Field(item, "manager");
  if (Field(item, "manager@delta") != nullptr) {
    // A delta's news of the manager: the entry not marked @removed is the new one; with none,
    // the manager was taken away.
    for (const json* m : Objects(item, "manager@delta")) {
      if (Field(*m, "@removed") == nullptr && !Text(*m, "id").empty()) manager = m;
    }
    if (manager == nullptr) return Status::Ok();
  } else if (manager == nullptr && delta_page_) {
    u.manager_unchanged = true;
    return Status::Ok();
  }
  if (manager == nullptr || !manager->is_object()) return Status::Ok();
  for (const char* key : {"id", "mail", "userPrincipalName"}) {
    u.manager = std::string(TrimSpaces(Text(*manager, key)));
    if (!u.manager.empty()) break;
  }
  auto same = [&](const std::string& a) { return EqualsIgnoreCase(u.manager, a); };
  if (u.manager == u.key || same(u.address) ||
      std::any_of(u.aliases.begin(), u.aliases.end(), same)) {
    return Problem(label, "the user is their own manager (fix the manager in the directory)");
  }
  return Status::Ok();
}

void Builder::ReadMemberOf(const json& item, DirectoryUser& u) {
  for (const json* group : Objects(item, "memberOf")) {
    // Directory roles and administrative units come in memberOf too; they are not groups.
    if (!IsTypeOrUntyped(*group, "group")) continue;
    std::string id = Text(*group, "id");
    if (id.empty() || std::find(u.groups.begin(), u.groups.end(), id) != u.groups.end()) continue;
    u.groups.push_back(id);
    std::string name = Text(*group, "displayName");
    if (name.empty() && group_index_.count(id) == 0) continue;  // only a reference
    size_t position = GroupFor(id, u.line);
    DirectoryGroup& g = dir_.groups[position];
    if (g.name.empty()) {
      g.name = std::move(name);
      g.mail = Text(*group, "mail");
    }
    AddMember(position, u.key);
  }
}

Status Builder::ClaimAddresses(const DirectoryUser& u, const std::string& label) {
  labels_by_line_[u.line] = label;
  std::vector<const std::string*> addresses = {&u.address};
  for (const std::string& alias : u.aliases) addresses.push_back(&alias);
  for (const std::string* address : addresses) {
    int other = owners_.Claim(*address, u.line);
    if (other != 0) {
      return Problem(label, Quoted(*address) + " is also an address of " + labels_by_line_[other] +
                                "; an address belongs to one user (fix the directory)");
    }
  }
  return Status::Ok();
}

Status Builder::AddUser(const json& item, const std::string& id, int line,
                        const std::string& label) {
  if (id.empty()) return Problem(label, "user has no id (" + std::string(kExportHint) + ")");
  auto [it, fresh] = user_labels_.emplace(id, label);
  if (!fresh) {
    return Problem(label, "the same user id as " + it->second + " (export each user once)");
  }
  DirectoryUser u;
  u.key = id;
  u.line = line;
  u.display_name = Text(item, "displayName");
  u.department = Text(item, "department");
  u.job_title = Text(item, "jobTitle");
  RAPPORT_RETURN_IF_ERROR(ReadAddresses(item, label, u));
  RAPPORT_RETURN_IF_ERROR(ReadRole(item, label, u));
  RAPPORT_RETURN_IF_ERROR(ReadManager(item, label, u));
  RAPPORT_RETURN_IF_ERROR(ClaimAddresses(u, label));
  ReadMemberOf(item, u);
  dir_.users.push_back(std::move(u));
  return Status::Ok();
}

// The position in dir_.groups of the group `key`, added when new.
size_t Builder::GroupFor(const std::string& key, int line) {
  auto [it, fresh] = group_index_.emplace(key, dir_.groups.size());
  if (fresh) dir_.groups.push_back({key, "", "", {}, line});
  return it->second;
}

// A member once, however many times memberOf and members name it.
void Builder::AddMember(size_t group, const std::string& member) {
  if (members_.emplace(group, member).second) dir_.groups[group].members.push_back(member);
}

Status Builder::AddGroup(const json& item, const std::string& id, int line,
                         const std::string& label) {
  if (id.empty()) {
    return Problem(label, "group has no id (export with $select=id,displayName,mail)");
  }
  if (!listed_groups_.insert(id).second) {
    return Problem(label, "the same group id appears twice (export each group once)");
  }
  size_t position = GroupFor(id, line);
  DirectoryGroup& g = dir_.groups[position];
  g.line = line;  // its own item says more than the member it was first seen in
  g.name = Text(item, "displayName");
  g.mail = Text(item, "mail");
  for (const json* member : Objects(item, "members")) {
    // Nested groups, devices and contacts are members too, but the directory relates people.
    if (!IsTypeOrUntyped(*member, "user")) continue;
    std::string member_id = Text(*member, "id");
    if (!member_id.empty()) AddMember(position, member_id);
  }
  // A delta query's changes to the members: those marked @removed left, the others joined.
  if (Field(item, "members@delta") != nullptr) g.members_incremental = true;
  for (const json* member : Objects(item, "members@delta")) {
    if (!IsTypeOrUntyped(*member, "user")) continue;
    std::string member_id = Text(*member, "id");
    if (member_id.empty()) continue;
    if (Field(*member, "@removed") != nullptr) {
      g.members_removed.push_back(member_id);
    } else {
      AddMember(position, member_id);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<model::Directory> ParseDirectoryGraphJson(std::string_view data, std::string_view file) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  auto doc = ParseJson(data, file);
  if (!doc.ok()) return doc.status();
  if (!doc->is_object() && !doc->is_array()) {
    return Status::InvalidArgument(std::string(file) + ": the JSON is a " + doc->type_name() +
                                   ", not Graph users or groups (export /users or /groups)");
  }
  if (const json* error = Field(*doc, "error"); error != nullptr && error->is_object()) {
    return Status::InvalidArgument(
        std::string(file) + ": a Graph error response, not a directory: " + Text(*error, "code") +
        ": " + Text(*error, "message"));
  }
  // Graph marks a delta round's pages by their links (…/delta?$skiptoken= or $deltatoken=).
  const bool delta_page = Field(*doc, "@odata.deltaLink") != nullptr ||
                          Str(*doc, "@odata.nextLink").find("/delta") != std::string_view::npos;
  Builder builder(file, delta_page);
  const json* value = Field(*doc, "value");
  if (doc->is_object() && (value == nullptr || !value->is_array())) {
    RAPPORT_RETURN_IF_ERROR(builder.Add(*doc, 1, {}));
    return builder.Take();
  }
  const json& items = doc->is_array() ? *doc : *value;
  std::string_view context = Str(*doc, "@odata.context");
  int line = 0;
  for (const json& item : items) RAPPORT_RETURN_IF_ERROR(builder.Add(item, ++line, context));
  return builder.Take();
}

}  // namespace rapport::ingest
