#include "cli/serve_command.h"

#include <fmt/core.h>
#include <malloc.h>
#include <pthread.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "rapport/server/server.h"

namespace rapport::cli {
namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8765";
  bool access_log = true;
  server::EntraOptions entra;
  server::OidcOptions oidc;
  std::string oidc_secret_file;
};

// A secret from its file, without the trailing newline an editor adds.
Result<std::string> ReadSecret(const std::string& path, const std::string& flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + path + " (check " + flag + ")");
  std::stringstream data;
  data << in.rdbuf();
  std::string secret = data.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) return Status::InvalidArgument(path + " is empty (check " + flag + ")");
  return secret;
}

// "host:port" (the host may be [v6]); false when it is not one.
bool SplitListen(const std::string& listen, server::ServerOptions& options) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) return false;
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string port = listen.substr(colon + 1);
  if (host.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  options.host = host;
  options.port = std::stoi(port);
  return options.port <= 65535;
}

// Completes `options` from the arguments: InvalidArgument for options that do not go together,
// IoError for a secret file that cannot be read.
Status Prepare(const ServeArgs& args, server::ServerOptions& options) {
  if (!SplitListen(args.listen, options)) {
    return Status::InvalidArgument(
        "--listen wants HOST:PORT, like 127.0.0.1:8765 (port 0: any free port)");
  }
  const auto& e = args.entra;
  const bool entra = !e.tenant_id.empty() || !e.audience.empty() || !e.jwks.empty();
  if (entra && (e.tenant_id.empty() || e.audience.empty() || e.jwks.empty())) {
    return Status::InvalidArgument(
        "Entra ID sign-in needs --entra-tenant, --entra-audience and --entra-jwks");
  }
  if (entra) options.entra = e;
  const auto& o = args.oidc;
  if (o.issuer.empty() != o.client_id.empty()) {
    return Status::InvalidArgument("single sign-on needs both --oidc-issuer and --oidc-client-id");
  }
  if (o.issuer.empty() && (!args.oidc_secret_file.empty() || !o.public_url.empty())) {
    return Status::InvalidArgument(
        "--oidc-client-secret-file and --public-url go with --oidc-issuer");
  }
  if (!o.issuer.empty()) {
    options.oidc = o;
    if (!args.oidc_secret_file.empty()) {
      auto secret = ReadSecret(args.oidc_secret_file, "--oidc-client-secret-file");
      if (!secret.ok()) return secret.status();
      options.oidc->client_secret = std::move(*secret);
    }
    if (o.public_url.empty() && options.port == 0) {
      return Status::InvalidArgument(
          "with --listen on port 0, give --public-url (the provider needs the address)");
    }
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together: give both or neither");
  }
  options.access_log = args.access_log;
  return Status::Ok();
}

int Serve(const std::string& db, server::ServerOptions options, const ServeArgs& args) {
  if (Status prepared = Prepare(args, options); !prepared.ok()) {
    return prepared.code() == Status::Code::kInvalidArgument ? Usage(prepared.message())
                                                             : Fail(prepared.message());
  }
  options.db = db;
  options.keys = KeysPath(db);
  // Each request's queries allocate and free SQLite's scratch pages; by default glibc hands the
  // freed top of each thread's heap back to the kernel, and the next request page-faults it in
  // again. A server keeps what it freed (up to 1 GiB): 850 -> 2,200 requests/s (BENCHMARKS.md).
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  // SIGTERM and SIGINT are taken by one thread, which stops the server; the workers never see
  // them (they inherit this mask).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int s : {SIGTERM, SIGINT, SIGUSR1}) sigaddset(&stop_signals, s);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  const std::string where = (options.tls_cert.empty() ? "http://" : "https://") + options.host;
  auto server = server::Server::Create(std::move(options));
  if (!server.ok()) return Fail(server.status().message());
  auto port = (*server)->Bind();
  if (!port.ok()) return Fail(port.status().message());
  fmt::print(stderr, "rapport serve: listening on {}:{}/ (stop with SIGTERM or Ctrl-C)\n", where,
             *port);
  std::thread waiter([&] {
    int signal = 0;
    sigwait(&stop_signals, &signal);
    if (signal != SIGUSR1) {
      fmt::print(stderr, "rapport serve: stopping; letting in-flight requests finish\n");
    }
    (*server)->Stop();
  });
  Status served = (*server)->Serve();
  pthread_kill(waiter.native_handle(), SIGUSR1);  // wakes the waiter if no signal came
  waiter.join();
  if (!served.ok()) return Fail(served.message());
  fmt::print(stderr, "rapport serve: stopped\n");
  return 0;
}

}  // namespace

ServeCommand AddServeCommand(CLI::App& app, const std::string& db) {
  auto options = std::make_shared<server::ServerOptions>();
  auto args = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand("serve", "the HTTP/JSON API and the web dashboard");
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (default 127.0.0.1:8765)");
  cmd->add_option("--db-read", options->db_read,
                  "a streaming standby of --db's PostgreSQL database: insight reads go there "
                  "(docs/scale.md)");
  cmd->add_option("--tls-cert", options->tls_cert, "a PEM certificate: serve HTTPS")
      ->check(CLI::ExistingFile);
  cmd->add_option("--tls-key", options->tls_key, "the certificate's PEM private key")
      ->check(CLI::ExistingFile);
  cmd->add_option("--threads", options->threads, "worker threads (default 8)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--keep-alive", options->keep_alive_requests,
                  "requests per connection before it is closed (default 100)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--max-connections", options->max_connections,
                  "connections open at once; past it a new one gets 503 (default 1024)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--rate-limit", options->rate_per_second,
                  "requests per second per token, bursts of twice that (default 20; 0: off)")
      ->check(CLI::Range(0.0, 1e6))
      ->each([options](const std::string&) { options->rate_burst = 2 * options->rate_per_second; });
  cmd->add_option("--max-body", options->max_body_bytes, "largest request body in bytes (64 KiB)")
      ->check(CLI::Range(size_t{1024}, size_t{16} << 20));
  cmd->add_option("--web-root", options->web_root,
                  "serve the dashboard from this folder (default: the copy built in)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--ready-sync-within", options->sync_within_seconds,
                  "/readyz fails when a live mailbox has not synced for this many seconds "
                  "(default 900)")
      ->check(CLI::Range(int64_t{1}, int64_t{365} * 86400));
  cmd->add_option_function<int>(
         "--request-timeout",
         [options](int seconds) { options->request_timeout = std::chrono::seconds(seconds); },
         "seconds one request may take before it is stopped (default 30)")
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--entra-tenant", args->entra.tenant_id, "Entra ID tenant id (the tid claim)");
  cmd->add_option("--entra-audience", args->entra.audience, "the app's client id (aud claim)");
  cmd->add_option("--entra-issuer", args->entra.issuer,
                  "the iss claim (default https://login.microsoftonline.com/TENANT/v2.0)");
  cmd->add_option("--entra-jwks", args->entra.jwks, "the signing keys: a JWKS file or https URL");
  cmd->add_option(
      "--oidc-issuer", args->oidc.issuer,
      "single sign-on: the OpenID Connect issuer URL (Entra ID, Google, Keycloak, Okta)");
  cmd->add_option("--oidc-client-id", args->oidc.client_id, "rapport's client id at the issuer");
  cmd->add_option("--oidc-client-secret-file", args->oidc_secret_file,
                  "a file holding the client secret (none: a public client, PKCE only)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--oidc-ca-file", args->oidc.ca_file,
                  "PEM CAs to trust for the issuer (default: the system's)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--public-url", args->oidc.public_url,
                  "where browsers reach rapport (default from --listen); the redirect URI to "
                  "register is this + /auth/callback");
  cmd->add_flag("--access-log,!--quiet", args->access_log,
                "a line per request on stderr (the default; --quiet: errors and start/stop only)");
  ServeCommand serve;
  serve.run = [cmd, &db, options, args]() -> int {  // db: set by parsing, read when run
    if (!*cmd) return -1;
    return Serve(db, *options, *args);
  };
  serve.check = [options, args]() -> Status {
    server::ServerOptions completed = *options;
    return Prepare(*args, completed);
  };
  return serve;
}

}  // namespace rapport::cli
