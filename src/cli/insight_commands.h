// The insight sub-commands (SPEC §4): who-knows, introduce, relationship, me, eval. Each asks the
// policy decision point first, through the insights library.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace rapport::cli {

// Adds the insight sub-commands to `app`. After parsing, the returned function runs the one
// chosen and returns its exit code, or -1 when none was. `db` is read when it runs. `app` must
// already have the `accounts` command: `accounts overview` is added to it.
std::function<int()> AddInsightCommands(CLI::App& app, const std::string& db);

}  // namespace rapport::cli
