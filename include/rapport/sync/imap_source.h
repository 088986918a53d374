// The settings of an IMAP source (rapport connect imap), kept in the store as JSON.
//
// Contract: a secret is never part of the settings, only the path of the file that holds it;
// it is read when a sync starts, so a token file another process refreshes is always current.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/status.h"

namespace rapport::sync {

struct ImapSource {
  std::string url;  // imaps://HOST[:PORT] or imap://HOST[:PORT], as given
  std::string host;
  uint16_t port = 993;
  bool implicit_tls = true;
  bool starttls = false;
  std::string user;
  std::string password_file;         // one of these two
  std::string oauth2_token_file;     // XOAUTH2
  std::string ca_file;               // "" = the system's CAs
  std::vector<std::string> folders;  // empty = every selectable folder
};

// Reads and checks `--url` into host, port and TLS mode. Plain imap:// needs --starttls unless
// the host is a loopback address (tests).
Status ParseImapUrl(std::string_view url, bool starttls, ImapSource& source);
// Checks the whole setting (files present and readable, exactly one secret) for `connect`.
Status CheckImapSource(const ImapSource& source);

std::string ImapSourceJson(const ImapSource& source);
Result<ImapSource> ImapSourceFromJson(std::string_view json);

// The secret in `path` without its trailing line break; an error names the file, never its
// contents. `env:NAME` names an environment variable instead of a file (a service manager's
// secret store, a container's environment): the store then keeps "env:NAME", never the value.
Result<std::string> ReadSecretFile(const std::string& path, std::string_view what);

}  // namespace rapport::sync
