// libFuzzer target: a configuration file (TOML) read and applied to a command line shaped like
// rapport's (global options, a [serve] and a [sync] section, flags, lists, checked numbers).
//
// Besides "no crash, no sanitizer report", it checks the promises an operator relies on: a file
// that does not parse says where ("PATH:LINE:COLUMN:"), and every problem of one that does is a
// line naming the file and a line number.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/config_file.h"

#include "fuzz_invariants.h"

namespace rapport::cli {
namespace {

using fuzz::Require;

void Check(const std::string& text) {
  auto file = ConfigFile::Parse(text, "f.toml");
  if (!file.ok()) {
    Require(file.status().message().rfind("f.toml:", 0) == 0, "a syntax error says where", text);
    return;
  }
  CLI::App app;
  std::string db, listen;
  int threads = 8;
  bool access_log = true, watch = false;
  std::vector<std::string> sources;
  app.add_option("--db", db);
  auto* serve = app.add_subcommand("serve");
  serve->add_option("--listen", listen);
  serve->add_option("--threads", threads)->check(CLI::Range(1, 256));
  serve->add_flag("--access-log,!--quiet", access_log);
  auto* sync = app.add_subcommand("sync");
  sync->add_option("sources", sources);
  sync->add_flag("--watch,!--once", watch);
  for (const std::string& problem : file->ApplyTo(app, {"", "serve", "sync"})) {
    Require(problem.rfind("f.toml:", 0) == 0, "a problem names the file", problem);
    Require(problem.size() > 7 && problem[7] >= '0' && problem[7] <= '9',
            "a problem names its line", problem);
  }
  Require(threads >= 1 && threads <= 256, "a checked value stays in range", text);
  (void)file->Keys();
}

}  // namespace
}  // namespace rapport::cli

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rapport::cli::Check(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
