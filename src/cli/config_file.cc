#include "cli/config_file.h"

#include <fmt/core.h>

#include <toml++/toml.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace rapport::cli {

namespace {

struct Entry {
  std::string section;  // "" at the top level
  std::string key;      // "" for a section's header
  const toml::node* node;
  int line;

  // "db", "serve.listen"; a section's header: "serve".
  std::string Name() const {
    return key.empty() ? section : section.empty() ? key : section + "." + key;
  }
};

}  // namespace

struct ConfigFile::Table {
  toml::table root;
  std::vector<Entry> entries;  // every key of `root` with its section, in file order
};

namespace {

// Options that are not settings: asking for help, the output's format, the file itself.
bool Settable(const CLI::Option& option) {
  for (const char* name : {"help", "help-all", "version", "config", "json"}) {
    if (option.check_lname(name)) return false;
  }
  return true;
}

// The key naming `option`: its first long name, dashes as underscores; a positional by its name.
std::string KeyOf(const CLI::Option& option) {
  std::string key =
      option.get_lnames().empty() ? option.get_name(true, false) : option.get_lnames().front();
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

CLI::Option* FindOption(CLI::App& app, const std::string& key) {
  for (CLI::Option* option : app.get_options()) {
    if (Settable(*option) && KeyOf(*option) == key) return option;
  }
  return nullptr;
}

std::string KnownKeys(CLI::App& app) {
  std::string keys;
  for (CLI::Option* option : app.get_options()) {
    if (!Settable(*option)) continue;
    keys += (keys.empty() ? "" : ", ") + KeyOf(*option);
  }
  return keys;
}

// One TOML value as the text a command line would give; false when it is not a scalar.
bool AsArgument(const toml::node& node, std::string& out) {
  if (auto s = node.value_exact<std::string>()) {
    out = *s;
  } else if (auto b = node.value_exact<bool>()) {
    out = *b ? "true" : "false";
  } else if (auto i = node.value_exact<int64_t>()) {
    out = std::to_string(*i);
  } else if (auto d = node.value_exact<double>()) {
    out = fmt::format("{}", *d);
  } else {
    return false;
  }
  return true;
}

// "--threads: Value 500 not in range..." -> "Value 500 not in range...": the key is said already.
std::string WithoutOptionName(std::string message) {
  const size_t colon = message.find(": ");
  if (message.rfind("--", 0) == 0 && colon != std::string::npos) message.erase(0, colon + 2);
  return message;
}

// Puts `node` through `option` as if given on the command line; "" or what went wrong.
std::string Apply(CLI::Option& option, const toml::node& node) {
  const bool flag = option.get_expected_max() == 0;
  std::vector<std::string> values;
  std::string value;
  if (const toml::array* list = node.as_array()) {
    if (flag || option.get_items_expected_max() <= 1) {
      return "takes one value, not a list";
    }
    if (list->empty()) return "";  // an empty list: the option's default
    for (const toml::node& item : *list) {
      if (!AsArgument(item, value)) return "a list of plain values (strings or numbers)";
      values.push_back(value);
    }
  } else if (!AsArgument(node, value)) {
    return "takes a plain value (a string, a number, true or false), not a date, time or table";
  } else if (flag && !node.is_boolean()) {
    return "takes true or false";
  } else {
    values.push_back(value);
  }
  try {
    for (const std::string& v : values) option.add_result(v);
    option.run_callback();
  } catch (const CLI::Error& e) {
    return WithoutOptionName(e.what());
  }
  return "";
}

// Every key of the file with its section, in file order.
std::vector<Entry> Entries(const toml::table& root) {
  std::vector<Entry> entries;
  for (const auto& [key, node] : root) {
    const int line = static_cast<int>(key.source().begin.line);
    if (const toml::table* section = node.as_table()) {
      entries.push_back({std::string(key.str()), "", &node, line});
      for (const auto& [inner, value] : *section) {
        entries.push_back({std::string(key.str()), std::string(inner.str()), &value,
                           static_cast<int>(inner.source().begin.line)});
      }
    } else {
      entries.push_back({"", std::string(key.str()), &node, line});
    }
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.line < b.line; });
  return entries;
}

}  // namespace

ConfigFile::ConfigFile(std::unique_ptr<Table> table, std::string path)
    : table_(std::move(table)), path_(std::move(path)) {}
ConfigFile::ConfigFile(ConfigFile&&) noexcept = default;
ConfigFile& ConfigFile::operator=(ConfigFile&&) noexcept = default;
ConfigFile::~ConfigFile() = default;

Result<ConfigFile> ConfigFile::Parse(std::string_view text, const std::string& path) {
  auto table = std::make_unique<Table>();
  try {
    table->root = toml::parse(text, path);
    table->entries = Entries(table->root);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(fmt::format("{}:{}:{}: {} (the file is TOML: toml.io)", path,
                                               e.source().begin.line, e.source().begin.column,
                                               e.description()));
  }
  return ConfigFile(std::move(table), path);
}

Result<ConfigFile> ConfigFile::Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status::IoError(
        fmt::format("cannot read the configuration file {}: {}", path, std::strerror(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

std::vector<std::string> ConfigFile::ApplyTo(CLI::App& app,
                                             const std::vector<std::string>& sections,
                                             const std::vector<std::string>& skip) const {
  std::vector<std::string> problems;
  auto problem = [&](const Entry& e, const std::string& what) {
    const std::string name = e.key.empty() ? "[" + e.section + "]" : e.Name();
    problems.push_back(fmt::format("{}:{}: {}: {}", path_, e.line, name, what));
  };
  const auto& known = ConfigSections();
  for (const Entry& e : table_->entries) {
    if (e.key.empty()) {  // a section's header
      if (std::find(known.begin(), known.end(), e.section) == known.end()) {
        problem(e,
                "not a section rapport reads (sections: serve, sync; global options such as "
                "db go above the first section)");
      }
      continue;
    }
    if (!e.section.empty() && std::find(known.begin(), known.end(), e.section) == known.end()) {
      continue;  // said once, at the section
    }
    CLI::App* command = e.section.empty() ? &app : app.get_subcommand(e.section);
    CLI::Option* option = FindOption(*command, e.key);
    if (option == nullptr) {
      problem(e, e.node->is_table()
                     ? "a table where " + std::string(e.section) + " takes plain keys"
                     : fmt::format("no such option of rapport{}{} (it has: {})",
                                   e.section.empty() ? "" : " ", e.section, KnownKeys(*command)));
      continue;
    }
    const bool applied = std::find(sections.begin(), sections.end(), e.section) != sections.end();
    if (!applied || option->count() > 0) continue;  // the command line and environment win
    if (std::find(skip.begin(), skip.end(), e.Name()) != skip.end()) continue;
    if (std::string what = Apply(*option, *e.node); !what.empty()) problem(e, what);
  }
  return problems;
}

std::vector<std::string> ConfigFile::Keys() const {
  std::vector<std::string> keys;
  for (const Entry& e : table_->entries) {
    if (!e.key.empty()) keys.push_back(e.Name());
  }
  return keys;
}

int ConfigFile::LineOf(const std::string& key) const {
  for (const Entry& e : table_->entries) {
    if (e.Name() == key) return e.line;
  }
  return 0;
}

}  // namespace rapport::cli
