// The server's network front against hostile clients (issue 15's findings), over real loopback
// sockets: slow clients hold no worker and are cut off at a total deadline, oversized heads and
// bodies are refused before they are read, connections are capped, bytes that are not UTF-8 are
// a 400 that names the parameter and change nothing, and every answer says nosniff.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "raw_connection.h"
#include "served_tenant.h"

namespace rapport::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

const std::string kWho = "/v1/who-knows?target=" + kContact + "&as_of=" + kAsOf;

server::ServerOptions Strict() {
  server::ServerOptions o;
  o.threads = 2;  // few workers: a front that let slow clients hold them would starve at once
  o.io_timeout = milliseconds(1500);
  o.idle_timeout = milliseconds(500);
  return o;
}

json BodyOf(const std::string& raw) {
  const size_t at = raw.find("\r\n\r\n");
  return at == std::string::npos ? json() : json::parse(raw.substr(at + 4), nullptr, false);
}

// Finding 1: 200 connections trickling a head and 200 trickling a body, one piece every 100 ms,
// while a normal client works. Every normal request is answered, and every slow connection is
// closed at the deadline although it never stopped sending.
TEST(HttpFront, SlowClientsHoldNoWorkerAndAreCutOffAtATotalDeadline) {
  ServedTenant served("all", Strict());
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 400; ++i) {
    slow.push_back(std::make_unique<RawConnection>(served.port()));
    ASSERT_TRUE(slow.back()->connected());
    ASSERT_TRUE(slow.back()->Send(i < 200 ? std::string("GET /healthz HTTP/1.1\r\n")
                                          : "POST /v1/engagement HTTP/1.1\r\nHost: x\r\n"
                                            "Content-Length: 60000\r\n\r\n{"));
  }
  std::atomic<bool> done{false};
  std::vector<bool> cut(slow.size(), false);
  std::atomic<int> rounds{0};
  std::thread trickle([&] {
    // Up to 10 s of trickling: far past the 1.5 s deadline a per-read timeout would never reach.
    for (int round = 0; round < 100 && !done; ++round, ++rounds) {
      for (size_t i = 0; i < slow.size(); ++i) {
        if (!cut[i]) cut[i] = !slow[i]->Send(i < 200 ? "X-Slow: 1\r\n" : "a");
      }
      if (std::all_of(cut.begin(), cut.end(), [](bool c) { return c; })) return;
      std::this_thread::sleep_for(milliseconds(100));
    }
  });
  std::vector<double> ms;
  int errors = 0;
  for (int i = 0; i < 40; ++i) {
    for (const std::string& path : {kWho, std::string("/healthz")}) {
      const auto start = std::chrono::steady_clock::now();
      auto res = served.Get(path, path == kWho ? "member" : "");
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      if (!res || res->status != 200) ++errors;
    }
  }
  trickle.join();
  done = true;
  std::sort(ms.begin(), ms.end());
  std::printf("normal requests beside 400 slow connections: p50 %.1f ms, p99 %.1f ms\n",
              ms[ms.size() / 2], ms[ms.size() * 99 / 100]);
  EXPECT_EQ(errors, 0);
  EXPECT_TRUE(std::all_of(cut.begin(), cut.end(), [](bool c) { return c; }))
      << "slow connections still open after " << rounds << " rounds of 100 ms";
  EXPECT_LT(rounds.load(), 100);
}

// Finding 1: Content-Length 10^12 is refused with 413 before a byte of the body is sent.
TEST(HttpFront, ADeclaredBodyOverTheLimitIsRefusedUnread) {
  ServedTenant served("all", Strict());
  RawConnection c(served.port());
  const std::string raw =
      c.Exchange("POST /v1/engagement HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000000\r\n\r\n",
                 milliseconds(5000));
  EXPECT_EQ(StatusOf(raw), 413) << raw;
  EXPECT_EQ(BodyOf(raw).value("code", ""), "payload_too_large");
  // A chunked body that runs past the limit is cut off too.
  RawConnection chunked(served.port());
  std::string big = "POST /v1/engagement HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20; ++i) big += "1000\r\n" + std::string(4096, ' ') + "\r\n";
  const std::string raw2 = chunked.Exchange(big, milliseconds(5000));
  EXPECT_EQ(StatusOf(raw2), 413) << raw2.substr(0, 200);
}

// Finding 4: a request with a million headers is refused at the header limit, not read whole.
TEST(HttpFront, TooManyHeadersOrTooLargeAHeadIs431) {
  ServedTenant served("all", Strict());
  std::string many = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
  RawConnection c(served.port());
  const std::string raw = c.Exchange(many + "\r\n", milliseconds(5000));
  EXPECT_EQ(StatusOf(raw), 431) << raw;
  EXPECT_NE(BodyOf(raw).value("message", "").find("more than 100 header fields"),
            std::string::npos);
  // 1 MB of header lines (the attack sent 12.9 MB): answered 431 once 16 KiB have arrived.
  RawConnection flood(served.port());
  std::string chunk;
  for (int i = 0; i < 4096; ++i) chunk += "X-Flood: 1234567\r\n";  // 18 bytes, 72 KiB a chunk
  bool sent = flood.Send("GET /healthz HTTP/1.1\r\n");
  for (int i = 0; i < 14 && sent; ++i) sent = flood.Send(chunk);
  const std::string raw2 = flood.ReadUntilClosed(milliseconds(5000));
  EXPECT_EQ(StatusOf(raw2), 431) << raw2.substr(0, 200);
}

// Past max_connections a new connection is answered 503 at once; a freed slot serves again.
TEST(HttpFront, PastTheConnectionCapANewConnectionGets503) {
  auto options = Strict();
  options.max_connections = 8;
  options.io_timeout = milliseconds(20'000);  // the idle ones must outlive the test's checks
  ServedTenant served("all", options);
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 8; ++i) idle.push_back(std::make_unique<RawConnection>(served.port()));
  int status = 0;
  for (int i = 0; i < 50 && status != 503; ++i) {  // until the server has taken all 8
    RawConnection extra(served.port());
    const std::string raw =
        extra.Exchange("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", milliseconds(5000));
    status = StatusOf(raw);
    if (status == 503) EXPECT_EQ(BodyOf(raw).value("code", ""), "unavailable") << raw;
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(status, 503);
  idle.clear();  // the server sees them close and frees their slots
  for (int i = 0; i < 100 && status != 200; ++i) {
    std::this_thread::sleep_for(milliseconds(20));
    RawConnection again(served.port());
    status =
        StatusOf(again.Exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  }
  EXPECT_EQ(status, 200);
}

// Keep-alive: one connection carries several requests, and an idle one is closed.
TEST(HttpFront, AKeptAliveConnectionServesSeveralRequestsThenIdlesOut) {
  ServedTenant served("all", Strict());
  RawConnection c(served.port());
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_TRUE(c.Send(get + get + get));  // pipelined
  // Strict(): 500 ms idle timeout, so the server closes the connection long before 5 s.
  const std::string raw = c.ReadUntilClosed(milliseconds(5000));
  size_t answers = 0;
  for (size_t at = raw.find("HTTP/1.1 200"); at != std::string::npos;
       at = raw.find("HTTP/1.1 200", at + 1)) {
    ++answers;
  }
  EXPECT_EQ(answers, 3u) << raw;
  EXPECT_TRUE(c.closed()) << "a connection idle past its timeout was left open";
}

// Finding 3: bytes that are not UTF-8 are a 400 naming the parameter, change nothing, and leave
// the in-flight gauge at zero.
TEST(HttpFront, BytesThatAreNotUtf8AreA400NamingTheParameterAndChangeNothing) {
  ServedTenant served("all", Strict());
  auto added = served.Post("/v1/opt-outs", R"({"user":"dave@northwind.example"})", "admin");
  ASSERT_TRUE(added);
  ASSERT_EQ(added->status, 200) << added->body;
  auto before = served.Get("/v1/opt-outs", "admin");
  ASSERT_TRUE(before);

  auto who = served.Get("/v1/who-knows?target=%ff%fe&as_of=" + kAsOf, "member");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->status, 400);
  EXPECT_NE(who->body.find("query parameter 'target' is not valid UTF-8"), std::string::npos)
      << who->body;
  auto removed = served.Delete("/v1/opt-outs/%ff%fedave@northwind.example", "admin");
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->status, 400);
  EXPECT_NE(removed->body.find("path parameter 'user' is not valid UTF-8"), std::string::npos)
      << removed->body;
  auto date = served.Get("/v1/me?as_of=2026%00-01-01", "member");
  ASSERT_TRUE(date);
  EXPECT_EQ(date->status, 400) << date->body;
  RawConnection header(served.port());
  const std::string raw = header.Exchange(
      "GET /v1/session HTTP/1.1\r\nHost: x\r\nX-Name: \xff\xfe\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(raw), 400) << raw;
  EXPECT_NE(raw.find("header 'x-name' is not valid UTF-8"), std::string::npos) << raw;

  auto after = served.Get("/v1/opt-outs", "admin");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body, before->body);  // the opt-out is still there
  auto metrics = served.Get("/metrics", "");
  ASSERT_TRUE(metrics);
  // Only the /metrics request itself is in flight: no refused request leaked into the gauge.
  EXPECT_NE(metrics->body.find("rapport_http_requests_in_flight 1\n"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("route=\"refused\",status=\"400\""), std::string::npos);
}

// A client invents methods at will: they share one metric label instead of growing /metrics.
TEST(HttpFront, InventedMethodsShareOneMetricLabel) {
  ServedTenant served("all", Strict());
  for (const char* method : {"BREW1", "BREW2", "BREW3"}) {
    RawConnection c(served.port());
    const std::string raw =
        c.Exchange(std::string(method) + " /v1/session HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(StatusOf(raw), 405) << raw;
  }
  auto metrics = served.Get("/metrics", "");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->body.find("BREW"), std::string::npos);
  EXPECT_NE(metrics->body.find(R"(method="other",route="method_not_allowed",status="405"} 3)"),
            std::string::npos)
      << metrics->body;
}

// Finding 11: nosniff on every answer, whatever its status or route.
TEST(HttpFront, EveryAnswerSaysNosniff) {
  ServedTenant served("all", Strict());
  for (const auto& [path, caller] :
       std::vector<std::pair<std::string, std::string>>{{kWho, "member"},
                                                        {kWho, ""},
                                                        {"/healthz", ""},
                                                        {"/metrics", ""},
                                                        {"/no/such/page", ""},
                                                        {"/v1/openapi.json", ""},
                                                        {"/", ""}}) {
    auto res = served.Get(path, caller);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff")
        << path << " " << res->status;
    EXPECT_FALSE(res->has_header("Strict-Transport-Security")) << "plain HTTP: " << path;
  }
}

}  // namespace
}  // namespace rapport::testing
