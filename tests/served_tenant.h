// A tenant (access_matrix.h) with mail between its people and an outside contact, served by an
// in-process `rapport serve` on a loopback port, and a bearer token for each of its principals:
// what the HTTP API tests ask, over a real socket.
#pragma once

#include <httplib.h>

#include <memory>
#include <thread>

#include "access_matrix.h"
#include "mail_fixtures.h"
#include "rapport/consent/access_tokens.h"
#include "rapport/consent/consent_gate.h"
#include "rapport/ingest/ingestor.h"
#include "rapport/server/server.h"

namespace rapport::testing {

// The outside contact everyone asks about, and the evidence's end.
inline const std::string kContact = "xavier@fabrikam.example";
inline const std::string kAsOf = "2026-04-01";

class ServedTenant {
 public:
  // `consent` as Tenant::Apply names it; `options` for the server (db and port are set here).
  explicit ServedTenant(const std::string& consent, server::ServerOptions options = {})
      : tenant_("all") {
    Ingest();
    for (const Caller& c : kCallers) {
      if (std::string(c.tenant) != "Northwind") continue;  // tokens are only for the tenant's users
      auto created = consent::AccessTokens(tenant_.store()).Create(c.address, std::nullopt, 1);
      EXPECT_TRUE(created.ok()) << c.name << ": " << created.status().message();
      if (created.ok()) tokens_[c.name] = created->token;
    }
    tenant_.Narrow(consent);
    options.db = TestStoreLocation(tenant_.path());
    options.keys = tenant_.path() + ".keys";
    options.port = 0;
    options.access_log = false;
    auto server = server::Server::Create(options);
    EXPECT_TRUE(server.ok()) << server.status().message();
    if (!server.ok()) return;
    server_ = std::move(*server);
    auto port = server_->Bind();
    EXPECT_TRUE(port.ok());
    port_ = port.ok() ? *port : 0;
    thread_ = std::thread([this] { EXPECT_TRUE(server_->Serve().ok()); });
  }
  ~ServedTenant() {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }

  // Requests as a caller of kCallers by name ("admin", "owner", ...), or with no token ("").
  httplib::Result Get(const std::string& path, const std::string& caller) {
    return Client().Get(path.c_str(), Headers(caller));
  }
  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& caller) {
    return Client().Post(path.c_str(), Headers(caller), body, "application/json");
  }
  httplib::Result Delete(const std::string& path, const std::string& caller) {
    return Client().Delete(path.c_str(), Headers(caller));
  }
  httplib::Headers Headers(const std::string& caller) const {
    if (caller.empty()) return {};
    auto it = tokens_.find(caller);
    return {{"Authorization", "Bearer " + (it == tokens_.end() ? caller : it->second)}};
  }
  httplib::Client Client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(30, 0);
    return client;
  }
  const std::string& token(const std::string& caller) { return tokens_[caller]; }
  int port() const { return port_; }
  Tenant& tenant() { return tenant_; }

 private:
  // ada, alice, dave and carol (excluded by group) each write to the contact, who answers.
  void Ingest() {
    int n = 0;
    for (const char* who : {"ada", "alice", "dave", "carol"}) {
      const std::string colleague = std::string(who) + "@northwind.example";
      for (int day = 2; day <= 20; day += 3) {
        const std::string date =
            std::to_string(day) + " Mar 2026 10:0" + std::to_string(n % 10) + ":00 +0000";
        for (bool out : {true, false}) {
          const std::string id = std::to_string(++n);
          WriteFile(
              dir_ / ("mail/cur/" + id + ":2,S"),
              Mail("m" + id + "@t", date, out ? colleague : kContact, out ? kContact : colleague));
        }
      }
    }
    auto writer = tenant_.store().OpenMessageWriter(100);
    ASSERT_TRUE(writer.ok());
    consent::ConsentGate gate(tenant_.store());
    ingest::Ingestor ingestor(**writer, gate, {ingest::MailFormat::kAuto, false, {0, 1LL << 40}});
    auto summary = ingestor.Run({dir_ / "mail"}, [](const ingest::IngestSummary&) {});
    ASSERT_TRUE(summary.ok()) << summary.status().message();
    writer->reset();
    ASSERT_TRUE(tenant_.store().ResolvePeople().ok());
  }

  TempDir dir_;
  Tenant tenant_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<server::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace rapport::testing
