#include "cli/man_page.h"

#include <fmt/core.h>

namespace rapport::cli {
namespace {

// Text as roff reads it literally: backslashes escaped, a line never starting a request.
std::string Roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

bool Listed(const CLI::Option& option) {
  return !option.check_lname("help") && !option.check_lname("version");
}

void Options(const CLI::App& app, std::string& page) {
  for (const CLI::Option* option : app.get_options()) {
    if (!Listed(*option)) continue;
    std::string names = option->get_name(false, true);  // "--listen" or "-a,--all"; a positional
    if (option->get_positional()) names = "<" + option->get_name(true, false) + ">";
    std::string type = option->get_expected_max() == 0 ? "" : " " + option->get_type_name();
    page += ".TP\n.B " + Roff(names) + Roff(type) + "\n" + Roff(option->get_description()) + "\n";
  }
}

// Each command under `app` (named by `path`), depth first, in the order --help lists them.
void Commands(const CLI::App& app, const std::string& path, std::string& page) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App* s) {
         return !s->get_group().empty();  // hidden commands have no group
       })) {
    const std::string name = path.empty() ? sub->get_name() : path + " " + sub->get_name();
    page += ".SS " + Roff(name) + "\n" + Roff(sub->get_description()) + "\n";
    if (!sub->get_options([](const CLI::Option* o) { return Listed(*o); }).empty()) {
      page += ".RS\n";
      Options(*sub, page);
      page += ".RE\n";
    }
    Commands(*sub, name, page);
  }
}

}  // namespace

std::string ManPage(const CLI::App& app, const std::string& version) {
  std::string page = fmt::format(".TH RAPPORT 1 \"\" \"rapport {}\" \"User Commands\"\n", version);
  std::string summary = app.get_description();  // "rapport: what it does"
  if (summary.rfind("rapport: ", 0) == 0) summary.erase(0, 9);
  page += ".SH NAME\nrapport \\- " + Roff(summary) + "\n";
  page += ".SH SYNOPSIS\n.B rapport\n[\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n";
  page += R"(.SH DESCRIPTION
rapport reads the metadata of e-mail and meetings (never a body) into a store, and answers who
knows whom, how healthy each customer relationship is, and how engaged the organisation is with
each account, only under the consent that covers each answer.
.SH GLOBAL OPTIONS
)";
  Options(app, page);
  page += ".SH COMMANDS\n";
  Commands(app, "", page);
  page += R"(.SH CONFIGURATION
rapport reads a TOML file: \-\-config FILE, else $RAPPORT_CONFIG, else /etc/rapport/rapport.toml
when it exists. Top-level keys are the global options (db, keys); the sections [serve] and [sync]
hold those commands' options. A key is the long option's name with dashes as underscores
(\-\-ready\-sync\-within is ready_sync_within). Options given on the command line or through their
environment variables win over the file. \fBrapport config check\fR names the line of each problem.
.SH ENVIRONMENT
.TP
.B RAPPORT_DB
the store, as \-\-db
.TP
.B RAPPORT_KEYS
the store's key file, as \-\-keys
.TP
.B RAPPORT_CONFIG
the configuration file, as \-\-config
.SH FILES
.TP
.B /etc/rapport/rapport.toml
the configuration (mode 0640, group rapport)
.TP
.B /var/lib/rapport
the store and its key file, owned by the user rapport
.SH EXIT STATUS
0 on success, 1 on an error (said on one line on standard error), 2 on a usage or configuration
error.
.SH SEE ALSO
.BR systemctl (1),
.BR journalctl (1);
/usr/share/doc/rapport/deploy.md
)";
  return page;
}

std::function<int()> AddManPageCommand(CLI::App& app, const std::string& version) {
  auto* command = app.add_subcommand("man-page", "print rapport(1) in roff")->group("");
  return [&app, command, version]() -> int {
    if (!*command) return -1;
    fmt::print("{}", ManPage(app, version));
    return 0;
  };
}

}  // namespace rapport::cli
