// `rapport connect` (live mailbox sources) and `rapport sync` (keeping the store in step).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace rapport::cli {

// Adds `connect` and `sync` to `app`. After parsing, the returned function runs the one chosen
// and returns its exit code, or -1 when neither was.
std::function<int()> AddSyncCommands(CLI::App& app, const std::string& db);

}  // namespace rapport::cli
