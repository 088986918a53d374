#include "cli/config_command.h"

#include <fmt/core.h>
#include <sys/stat.h>

#include <filesystem>
#include <memory>

#include "cli/commands.h"
#include "cli/config_file.h"
#include "rapport/store/store.h"

namespace rapport::cli {
namespace {

namespace fs = std::filesystem;

struct ConfigArgs {
  std::string path;        // --config or RAPPORT_CONFIG
  std::string check_path;  // config check's own argument
};

// The file this run reads: the one named, else the default when it exists; "" for none.
std::string ChosenPath(const std::string& named) {
  std::error_code error;
  if (!named.empty() || !fs::exists(kDefaultConfigPath, error)) return named;
  return kDefaultConfigPath;
}

Result<ConfigFile> Load(const std::string& path, bool named) {
  auto file = ConfigFile::Read(path);
  if (!file.ok() && !named && file.status().code() == Status::Code::kIoError) {
    return Status::IoError(file.status().message() +
                           " (run rapport as its user: sudo -u rapport rapport ...; or name "
                           "another file with --config)");
  }
  return file;
}

// What is wrong with the store setting beyond its form; "" when nothing.
std::string StoreProblem(const std::string& db) {
  if (store::IsPostgresUrl(db)) return "";  // the server is checked when rapport connects
  fs::path folder = fs::path(db).parent_path();
  if (folder.empty()) folder = ".";
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    return "the folder " + folder.string() +
           " does not exist: create it, owned by the user rapport runs as";
  }
  return "";
}

int Check(CLI::App& app, const std::string& path, bool named, const std::string& db,
          const std::function<Status()>& serve_check) {
  if (path.empty()) {
    return Fail(
        fmt::format("no configuration file: {} does not exist (name one: rapport config "
                    "check FILE; an example: /usr/share/doc/rapport/rapport.toml)",
                    kDefaultConfigPath));
  }
  auto file = Load(path, named);
  if (!file.ok()) return Fail(file.status().message());
  std::vector<std::string> sections = {""};
  for (const std::string& s : ConfigSections()) sections.push_back(s);
  std::vector<std::string> problems = file->ApplyTo(app, sections);
  auto where = [&](const std::string& key) {
    const int line = file->LineOf(key);
    return line > 0 ? fmt::format("{}:{}: {}", path, line, key == "serve" ? "[serve]" : key)
                    : fmt::format("{}: {} (not in the file)", path, key);
  };
  if (problems.empty()) {  // options that go together are judged once each holds its value
    if (std::string p = StoreProblem(db); !p.empty()) problems.push_back(where("db") + ": " + p);
    if (store::IsPostgresUrl(db) && app.get_option("--keys")->as<std::string>().empty()) {
      problems.push_back(where("keys") +
                         ": a store in PostgreSQL keeps its keys in a file on this host: set "
                         "keys = \"/var/lib/rapport/rapport.keys\" (or where yours is)");
    }
    if (Status s = serve_check(); !s.ok()) problems.push_back(where("serve") + ": " + s.message());
  }
  for (const std::string& p : problems) fmt::print(stderr, "{}\n", p);
  if (!problems.empty()) {
    return Fail(fmt::format("{}: {} problem{} (each line above says where); fix and check again",
                            path, problems.size(), problems.size() == 1 ? "" : "s"));
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IROTH)) {
    fmt::print(stderr, "rapport: warning: {} is readable by every user: chmod 640 it\n", path);
  }
  std::string keys;
  for (const std::string& key : file->Keys()) keys += (keys.empty() ? "" : ", ") + key;
  std::error_code error;
  // A database URL may hold a password: it is not printed.
  const std::string store =
      store::IsPostgresUrl(db)
          ? "a PostgreSQL database (reached when rapport connects)"
          : db + (fs::exists(db, error) ? " (exists)" : " (not made yet: rapport init makes it)");
  fmt::print("{}: ok ({})\nstore: {}\n", path, keys.empty() ? "sets nothing" : "sets " + keys,
             store);
  return 0;
}

}  // namespace

ConfigCommand AddConfigCommand(CLI::App& app, const std::string& db,
                               std::function<Status()> serve_check) {
  auto args = std::make_shared<ConfigArgs>();
  app.add_option("--config", args->path,
                 fmt::format("the configuration file (env RAPPORT_CONFIG; default {} when it "
                             "exists); flags win over it",
                             kDefaultConfigPath))
      ->envname("RAPPORT_CONFIG");
  auto* config = app.add_subcommand("config", "rapport's configuration file");
  config->require_subcommand(1);
  auto* check = config->add_subcommand(
      "check", "check a configuration file: each problem with its line; exit 1 when any");
  check->add_option("file", args->check_path, "the file (default: the one rapport would read)");

  ConfigCommand command;
  command.apply = [&app, config, args]() -> int {
    if (*config) return -1;  // config check reads the file itself, all of it
    const std::string path = ChosenPath(args->path);
    if (path.empty()) return -1;
    auto file = Load(path, !args->path.empty());
    if (!file.ok()) return Fail(file.status().message());
    std::vector<std::string> sections = {""};
    for (CLI::App* chosen : app.get_subcommands()) sections.push_back(chosen->get_name());
    // The file's key file belongs to the file's store: with another store named, its own.
    const bool other_store = app.get_option("--db")->count() > 0;
    const std::vector<std::string> problems = file->ApplyTo(
        app, sections, other_store ? std::vector<std::string>{"keys"} : std::vector<std::string>{});
    for (const std::string& p : problems) fmt::print(stderr, "rapport: error: {}\n", p);
    return problems.empty() ? -1 : 2;
  };
  command.run = [&app, &db, check, args, serve_check]() -> int {
    if (!*check) return -1;
    const std::string named = !args->check_path.empty() ? args->check_path : args->path;
    return Check(app, ChosenPath(named), !named.empty(), db, serve_check);
  };
  return command;
}

}  // namespace rapport::cli
