// rapport's configuration file (TOML): a value for any flag of rapport itself and of the
// commands that run as services, so that a unit file says only `rapport --config FILE serve`.
//
// Layout: top-level keys are rapport's global options (db, keys); a section per command
// ([serve], [sync]) holds that command's options. A key is the flag's long name with dashes as
// underscores (--ready-sync-within is ready_sync_within); a repeatable option or a list takes an
// array. A flag given on the command line, or through its environment variable (RAPPORT_DB,
// RAPPORT_KEYS), wins over the file. Secrets are never values: options name the files that hold
// them (oidc_client_secret_file).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/status.h"

namespace rapport::cli {

class ConfigFile {
 public:
  // Parses `text` (`path` names it in messages). A TOML syntax error is InvalidArgument
  // "PATH:LINE:COLUMN: what".
  static Result<ConfigFile> Parse(std::string_view text, const std::string& path);
  // Reads `path` and parses it; IoError names the file and why it could not be read.
  static Result<ConfigFile> Read(const std::string& path);

  ConfigFile(ConfigFile&&) noexcept;
  ConfigFile& operator=(ConfigFile&&) noexcept;
  ~ConfigFile();

  // Sets each option of `app` that the file names and that was not given on the command line or
  // by its environment variable, through the option's own checks. `sections` are the ones to
  // apply ("" is the top level, "serve" the subcommand of that name); every other section is
  // still checked to be one rapport reads. Returns one line per problem, "PATH:LINE: KEY: what",
  // in file order; empty when everything named was applied.
  // `skip`: keys ("keys", "serve.listen") left unapplied whatever the command line says.
  std::vector<std::string> ApplyTo(CLI::App& app, const std::vector<std::string>& sections,
                                   const std::vector<std::string>& skip = {}) const;

  // Every key the file sets, as "serve.listen" (top level: "db"), in file order.
  std::vector<std::string> Keys() const;
  // The line of `key` ("serve" for a section), or 0 when the file does not name it.
  int LineOf(const std::string& key) const;
  const std::string& path() const { return path_; }

 private:
  struct Table;
  ConfigFile(std::unique_ptr<Table> table, std::string path);
  std::unique_ptr<Table> table_;
  std::string path_;
};

// The commands whose options a configuration file may set, beside the top level.
inline const std::vector<std::string>& ConfigSections() {
  static const std::vector<std::string> sections = {"serve", "sync"};
  return sections;
}

}  // namespace rapport::cli
