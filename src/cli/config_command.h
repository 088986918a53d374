// Where a run's configuration comes from, and `rapport config check`.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "rapport/status.h"

namespace rapport::cli {

// The file read when neither --config nor RAPPORT_CONFIG names one (and only when it exists).
inline constexpr const char* kDefaultConfigPath = "/etc/rapport/rapport.toml";

struct ConfigCommand {
  // After parsing, before running: applies the configuration file to the global options and the
  // chosen command. Returns -1 to go on, or the exit code when the file is wrong.
  std::function<int()> apply;
  // Runs `config check` and returns its exit code, or -1 when it was not chosen.
  std::function<int()> run;
};

// Adds --config and `config check` to `app`. `db`: the store option, as parsed (checked by
// config check); `serve_check`: whether serve's options go together.
ConfigCommand AddConfigCommand(CLI::App& app, const std::string& db,
                               std::function<Status()> serve_check);

}  // namespace rapport::cli
