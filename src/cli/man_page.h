// rapport(1), written from the command line's own definition, so that the manual and --help
// never disagree. `rapport man-page` prints it; the build installs it.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace rapport::cli {

// The manual page of `app` and all its commands, in roff (man(7)).
std::string ManPage(const CLI::App& app, const std::string& version);

// Adds the hidden `man-page` command; the returned function prints the page and returns 0 when
// it was chosen, -1 otherwise.
std::function<int()> AddManPageCommand(CLI::App& app, const std::string& version);

}  // namespace rapport::cli
