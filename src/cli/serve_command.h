// `rapport serve`: the HTTP API and the dashboard (src/server), until SIGTERM or SIGINT.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "rapport/status.h"

namespace rapport::cli {

struct ServeCommand {
  // Runs serve and returns its exit code, or -1 when it was not chosen.
  std::function<int()> run;
  // Whether the options given (or configured) go together, without serving: what
  // `rapport config check` asks of the [serve] section.
  std::function<Status()> check;
};

// Adds `serve` to `app`; call the returned functions after parsing.
ServeCommand AddServeCommand(CLI::App& app, const std::string& db);

}  // namespace rapport::cli
