// `rapport serve`: the HTTP API and the dashboard (src/server), until SIGTERM or SIGINT.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace rapport::cli {

// Adds `serve` to `app`. After parsing, the returned function runs it and returns its exit code,
// or -1 when it was not chosen.
std::function<int()> AddServeCommand(CLI::App& app, const std::string& db);

}  // namespace rapport::cli
