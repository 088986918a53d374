// The HTTP API as a client sees it: the same documents as the CLI's --json, errors as JSON with
// the status that means them, the OpenAPI document matching the routes served, rate limits,
// metrics without personal data, and consent changes taking effect on the next request.
#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "served_tenant.h"
#include "server/routes.h"

namespace rapport::testing {
namespace {

using nlohmann::json;

const std::string kWho = "/v1/who-knows?target=" + kContact + "&as_of=" + kAsOf;

json Body(const httplib::Result& res) {
  return res ? json::parse(res->body, nullptr, false) : json();
}

TEST(HttpApi, AnswersAreTheSameDocumentsAsTheCommandLine) {
  ServedTenant served("all");
  const std::string db = served.tenant().path();
  const std::pair<std::string, std::string> cases[] = {
      {kWho + "&top=3", "who-knows " + kContact + " --top 3"},
      {"/v1/relationship?target=" + kContact + "&as_of=" + kAsOf, "relationship " + kContact},
      {"/v1/me?days=40&as_of=" + kAsOf, "me --days 40"},
      {"/v1/accounts/overview?as_of=" + kAsOf, "accounts overview"},
  };
  for (const auto& [path, command] : cases) {
    auto res = served.Get(path, "member");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << path << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
    auto cli = RunRapport("--db " + ShellQuote(db) + " " + command +
                          " --as dave@northwind.example --as-of " + kAsOf + " --json");
    ASSERT_EQ(cli.exit_code, 0) << cli.err;
    EXPECT_EQ(Body(res), json::parse(cli.out)) << path;
  }
}

TEST(HttpApi, ErrorsAreJsonWithTheStatusThatMeansThem) {
  server::ServerOptions small;
  small.max_body_bytes = 1024;
  ServedTenant served("all", small);
  struct Case {
    std::string method, path, body;
    int status;
    std::string code;
  };
  const Case cases[] = {
      {"GET", "/v1/who-knows", "", 400, "bad_request"},
      {"GET", kWho + "&top=0", "", 400, "bad_request"},
      {"GET", kWho + "&top=12x", "", 400, "bad_request"},
      {"GET", "/v1/me?as_of=yesterday", "", 400, "bad_request"},
      {"GET", "/v1/who-knows?target=nobody@nowhere.example", "", 404, "not_found"},
      {"GET", "/v1/consent/receipts/identifiable-99", "", 404, "not_found"},
      {"GET", "/v1/no-such-route", "", 404, "not_found"},
      {"POST", "/v1/no-such-route", "{}", 404, "not_found"},
      {"POST", "/v1/consent/everything/grant", "{}", 404, "not_found"},
      {"POST", "/v1/engagement", "{not json", 400, "bad_request"},
      {"POST", "/v1/engagement", R"({"period":"fortnight"})", 400, "bad_request"},
      {"POST", "/v1/engagement", R"({"period":"year","k":1})", 400, "bad_request"},
      {"POST", "/v1/engagement", std::string(4096, ' '), 413, "payload_too_large"},
      {"POST", "/v1/consent/personal/grant", R"({"exclude_groups":["Nobody"]})", 400,
       "bad_request"},
      // More than a month's whole lifetime budget (4), and delta, which is the tenant's (issue 16).
      {"POST", "/v1/engagement", R"({"period":"year","epsilon":"11"})", 400, "bad_request"},
      {"POST", "/v1/engagement", R"({"period":"year","delta":0.001})", 400, "bad_request"},
  };
  for (const auto& c : cases) {
    auto res =
        c.method == "GET" ? served.Get(c.path, "admin") : served.Post(c.path, c.body, "admin");
    ASSERT_TRUE(res) << c.path;
    EXPECT_EQ(res->status, c.status) << c.method << " " << c.path << ": " << res->body;
    auto body = Body(res);
    ASSERT_TRUE(body.is_object()) << c.path << ": " << res->body;
    EXPECT_EQ(body.value("code", ""), c.code) << c.path << ": " << res->body;
    EXPECT_FALSE(body.value("message", "").empty()) << c.path;
    EXPECT_EQ(body.value("request_id", "").size(), 16u) << c.path;
  }
}

// Every route the server serves is in /v1/openapi.json with its method, and every operation the
// document describes is served; every status the server answers a route with is documented.
// Signing out is a state change: without the page's CSRF token it is refused, as JSON with the
// request id like every other error, and the session stays; with it, the session ends.
TEST(HttpApi, SignOutNeedsTheCsrfTokenAndItsErrorsCarryTheRequestId) {
  ServedTenant served("all");
  auto session = consent::AccessTokens(served.tenant().store())
                     .Create("dave@northwind.example", std::nullopt, 1, "session");
  ASSERT_TRUE(session.ok()) << session.status().message();
  const httplib::Headers cookie = {{"Cookie", "rapport_session=" + session->token}};
  auto refused = served.Client().Post("/auth/logout", cookie, "", "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  const json error = Body(refused);
  EXPECT_EQ(error["code"], "forbidden");
  EXPECT_EQ(error["message"], "sign-out needs the X-CSRF-Token header");
  EXPECT_EQ(error["request_id"], refused->get_header_value("X-Request-Id"));
  EXPECT_FALSE(error["request_id"].get<std::string>().empty());
  auto still = served.Client().Get("/v1/session", cookie);
  ASSERT_TRUE(still);
  ASSERT_EQ(still->status, 200);  // refused, so still signed in
  httplib::Headers with_csrf = cookie;
  with_csrf.emplace("X-CSRF-Token", Body(still)["csrf_token"].get<std::string>());
  auto out = served.Client().Post("/auth/logout", with_csrf, "", "application/json");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 200) << out->body;
  EXPECT_EQ(served.Client().Get("/v1/session", cookie)->status, 401);
}

TEST(HttpApi, TheOpenApiDocumentMatchesTheRoutes) {
  ServedTenant served("all");
  auto res = served.Get("/v1/openapi.json", "");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  auto doc = Body(res);
  ASSERT_EQ(doc.value("openapi", ""), "3.0.3");
  std::set<std::pair<std::string, std::string>> served_ops, documented;
  for (const auto& r : server::ApiRoutes()) {
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    served_ops.insert({r.path, method});
  }
  for (const char* p : {"/healthz", "/readyz", "/metrics", "/v1/openapi.json"}) {
    served_ops.insert({p, "get"});
  }
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      documented.insert({path, method});
      EXPECT_TRUE(op.contains("responses")) << path;
    }
  }
  EXPECT_EQ(served_ops, documented);
  // Call every API route as the admin with what it needs, and as nobody: both answers documented.
  for (const auto& r : server::ApiRoutes()) {
    std::string path = r.path;
    auto fill = [&](const std::string& name, const std::string& value) {
      if (auto at = path.find(name); at != std::string::npos) path.replace(at, name.size(), value);
    };
    fill("{grant_id}", "identifiable-1");
    fill("{type}", "personal");
    fill("{user}", "dave@northwind.example");
    path += "?target=" + kContact + "&as_of=" + kAsOf;
    const std::string body =
        r.path == "/v1/opt-outs" ? R"({"user":"dave@northwind.example"})" : R"({"period":"year"})";
    for (const std::string who : {"admin", ""}) {
      auto reply = r.method == "GET"      ? served.Get(path, who)
                   : r.method == "DELETE" ? served.Delete(path, who)
                                          : served.Post(path, body, who);
      ASSERT_TRUE(reply) << path;
      std::string method = r.method;
      std::transform(method.begin(), method.end(), method.begin(), ::tolower);
      const auto& responses = doc["paths"][r.path][method]["responses"];
      EXPECT_TRUE(responses.contains(std::to_string(reply->status)))
          << r.method << " " << path << " answered " << reply->status << ": " << reply->body;
    }
  }
}

TEST(HttpApi, OneTokenIsLimitedWithoutSlowingAnother) {
  server::ServerOptions options;
  options.rate_per_second = 0.01;
  options.rate_burst = 3;
  ServedTenant served("all", options);
  for (int i = 0; i < 3; ++i) {
    auto res = served.Get("/v1/session", "member");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200);
  }
  auto limited = served.Get("/v1/session", "member");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(Body(limited).value("code", ""), "rate_limited");
  EXPECT_FALSE(limited->get_header_value("Retry-After").empty());
  auto other = served.Get("/v1/session", "admin");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
}

TEST(HttpApi, RevokingConsentTakesEffectOnTheNextRequest) {
  ServedTenant served("all");
  ASSERT_EQ(served.Get(kWho, "member")->status, 200);
  auto revoke = served.Post("/v1/consent/identifiable/revoke", "", "admin");
  ASSERT_TRUE(revoke);
  ASSERT_EQ(revoke->status, 200) << revoke->body;
  auto change = Body(revoke);
  EXPECT_EQ(change["event"]["event"], "revoke");
  EXPECT_EQ(change["event"]["by"], "ada@northwind.example");  // the token's user, nobody else
  auto denied = served.Get(kWho, "member");
  EXPECT_EQ(denied->status, 403);
  EXPECT_EQ(Body(denied).value("message", ""), "consent identifiable not in force");
  auto grant = served.Post("/v1/consent/identifiable/grant",
                           R"({"terms_version":"v2","exclude_groups":["M&A"]})", "admin");
  ASSERT_EQ(grant->status, 200) << grant->body;
  EXPECT_EQ(Body(grant)["event"]["terms_version"], "v2");
  // Personal and aggregated consent stayed in force, so the mail did too: back at once.
  EXPECT_EQ(served.Get(kWho, "member")->status, 200);
  auto receipt = served.Get(
      "/v1/consent/receipts/" + Body(grant)["event"]["grant_id"].get<std::string>(), "admin");
  ASSERT_EQ(receipt->status, 200);
  EXPECT_EQ(Body(receipt)["rapport"]["granted_by"], "ada@northwind.example");
}

TEST(HttpApi, MetricsCountRoutesAndDecisionsButNameNobody) {
  ServedTenant served("identifiable");
  served.Get(kWho, "member");
  served.Get(kWho, "guest");
  served.Get("/v1/me", "member");
  auto res = served.Get("/metrics", "");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const std::string& text = res->body;
  EXPECT_NE(text.find("rapport_http_requests_total{method=\"GET\",route=\"/v1/who-knows\","
                      "status=\"200\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("rapport_policy_decisions_total{decision=\"allow\"} 1"), std::string::npos);
  EXPECT_NE(text.find("rapport_policy_decisions_total{decision=\"deny\"} 2"), std::string::npos);
  auto stats = served.tenant().store().Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_NE(text.find("rapport_store_messages " + std::to_string(stats->messages) + "\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find('@'), std::string::npos);
  EXPECT_EQ(text.find("xavier"), std::string::npos);
}

// Concurrent requests race for the audit chain's next entry: none may fail for it, and every
// decision must be in the chain, which stays intact.
TEST(HttpApi, ConcurrentRequestsAreAllAnsweredAndAllAudited) {
  server::ServerOptions unlimited;
  unlimited.rate_per_second = 0;
  ServedTenant served("all", unlimited);
  constexpr int kThreads = 8, kEach = 15;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto res = served.Get(kWho, "member");
        if (res && res->status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kEach);
  auto check = Body(served.Get("/v1/audit/verify", "admin"));
  EXPECT_EQ(check["intact"], true) << check;
  EXPECT_EQ(check["entries"], kThreads * kEach) << check;
}

// A request past its time limit is stopped with 503, changes nothing, and leaves the server well.
TEST(HttpApi, ARequestPastItsTimeLimitIs503AndChangesNothing) {
  server::ServerOptions hurried;
  hurried.request_timeout = std::chrono::milliseconds(0);  // every request is already late
  ServedTenant served("all", hurried);
  for (int i = 0; i < 3; ++i) {
    auto res = served.Get(kWho, "member");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503) << res->body;
    EXPECT_EQ(Body(res).value("code", ""), "timeout");
  }
  auto rows = served.tenant().store().ReadLedger(store::Ledger::kAudit);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->empty());  // stopped before the decision was made, so nothing to audit
  auto health = served.Get("/healthz", "");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

// /readyz: ready with no live mailbox; a source that has not synced for longer than allowed, or
// whose last sync failed, makes the server not ready and is named; /metrics shows each source.
TEST(HttpApi, ReadinessNamesWhatIsNotReady) {
  server::ServerOptions options;
  options.sync_within_seconds = 600;
  ServedTenant served("all", options);
  auto ready = served.Get("/readyz", "");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200) << ready->body;
  EXPECT_EQ(Body(ready)["status"], "ready");
  EXPECT_EQ(Body(ready)["sources"].size(), 0u);

  auto& store = served.tenant().store();
  const auto now = static_cast<int64_t>(std::time(nullptr));
  store::SyncSource box;
  box.name = "box";
  box.kind = "imap";
  box.config = "{}";
  box.created_at = now - 3600;
  auto id = store.AddSyncSource(box);
  ASSERT_TRUE(id.ok()) << id.status().message();
  auto never = served.Get("/readyz", "");
  ASSERT_TRUE(never);
  EXPECT_EQ(never->status, 503) << never->body;
  auto doc = Body(never);
  EXPECT_EQ(doc["status"], "not ready");
  ASSERT_EQ(doc["reasons"].size(), 1u) << doc.dump(2);
  EXPECT_NE(doc["reasons"][0].get<std::string>().find("source box: never synced since connected"),
            std::string::npos)
      << doc["reasons"][0];
  EXPECT_EQ(doc["sources"][0]["late"], true);

  ASSERT_TRUE(store.RecordSync(*id, now - 10, "").ok());
  auto synced = served.Get("/readyz", "");
  ASSERT_TRUE(synced);
  EXPECT_EQ(synced->status, 200) << synced->body;
  const int64_t lag = Body(synced)["sources"][0]["lag_seconds"].get<int64_t>();
  EXPECT_GE(lag, 10);
  EXPECT_LT(lag, 600);

  ASSERT_TRUE(store.RecordSync(*id, now, "authentication failed").ok());
  auto failing = served.Get("/readyz", "");
  ASSERT_TRUE(failing);
  EXPECT_EQ(failing->status, 503);
  EXPECT_NE(failing->body.find("source box: its last sync failed: authentication failed"),
            std::string::npos)
      << failing->body;
  auto metrics = served.Get("/metrics", "");
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("rapport_sync_lag_seconds{source=\"box\"}"), std::string::npos);
  EXPECT_NE(metrics->body.find("rapport_sync_failing{source=\"box\"} 1"), std::string::npos)
      << metrics->body;
}

// SQLite in WAL mode: the server keeps answering (and auditing) while `rapport ingest` writes.
TEST(HttpApi, RequestsAreAnsweredWhileAnIngestWrites) {
  server::ServerOptions unlimited;
  unlimited.rate_per_second = 0;
  ServedTenant served("all", unlimited);
  TempDir dir;
  auto sample = RunRapport("sample --out " + ShellQuote(dir / "org") + " --messages 4000");
  ASSERT_EQ(sample.exit_code, 0) << sample.err;
  std::atomic<bool> done{false};
  CommandResult ingest;
  std::thread writer([&] {
    ingest = RunRapport("--db " + ShellQuote(served.tenant().path()) + " ingest " +
                        ShellQuote(dir / "org"));
    done = true;
  });
  int answered = 0, failed = 0;
  std::string failure;
  while (!done) {
    auto res = served.Get(kWho, "member");
    if (res && res->status == 200) {
      ++answered;
    } else if (++failed == 1) {
      failure = res ? res->body : "no answer";
    }
  }
  writer.join();
  EXPECT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_EQ(failed, 0) << failure;
  EXPECT_GT(answered, 0);
  auto stats = served.tenant().store().Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_GT(stats->messages, 4000);  // the ingest stored the sample beside the fixture's mail
}

TEST(HttpApi, HealthAndTheDashboardNeedNoToken) {
  ServedTenant served("none");
  auto health = served.Get("/healthz", "");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(Body(health)["status"], "ok");
  auto page = served.Get("/", "");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_NE(page->body.find("<html"), std::string::npos);
  EXPECT_NE(page->get_header_value("Content-Security-Policy").find("default-src 'self'"),
            std::string::npos);
  auto escape = served.Get("/../CMakeLists.txt", "");
  ASSERT_TRUE(escape);
  EXPECT_EQ(escape->status, 404);
}

}  // namespace
}  // namespace rapport::testing
