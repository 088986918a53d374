// Key-set fetch storms (issue 15, finding 2): tokens naming a key the server does not hold must
// not make it fetch the tenant's key set at will, nor make any request wait on a fetch. The key
// endpoint is either in memory (counting fetches, answering as told) or a real HTTPS server on a
// loopback port; time is the `now` each verification is given, so intervals need no sleeping.
#include <gtest/gtest.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "access_matrix.h"
#include "jwks_endpoint.h"
#include "jwt_signing.h"
#include "server/bearer_auth.h"
#include "server/entra_key_cache.h"
#include "server/jwks_fetch.h"

namespace rapport::testing {
namespace {

using consent::EntraIdentity;
using consent::EntraTokens;
using server::EntraKeyCache;
using server::FetchJwks;
using server::JwksFetchLimits;
using server::KeySetFetch;
using namespace jwt;  // NOLINT: the test is about these

constexpr const char* kTryAgain =
    "unknown signing key (the server is fetching its key set: try again in a few seconds)";
constexpr const char* kUnknown = "unknown signing key";
constexpr const char* kAlice = "alice@contoso.example";

consent::EntraSettings Settings() {
  return {kIssuer, kAudience, kTenant, 60};
}

// Two keys for the whole suite (RSA key generation takes a while): k1 is in the set the cache
// starts with, k2 only in the one a fetch brings.
EVP_PKEY* Key(int which) {
  static const PkeyPtr keys[] = {NewKey(2048), NewKey(2048)};
  return keys[which - 1].get();
}
std::string JwksOf(std::vector<int> which) {
  std::vector<json> keys;
  for (int k : which) keys.push_back(Jwk(Key(k), "k" + std::to_string(k)));
  return Jwks(keys);
}
EntraTokens Tokens(std::vector<int> which) {
  auto tokens = EntraTokens::FromJwks(JwksOf(which), Settings());
  EXPECT_TRUE(tokens.ok()) << tokens.status().message();
  return std::move(*tokens);
}

// Alice's token signed by key `which` under `kid`, valid for an hour around `now`.
std::string Token(int which, const std::string& kid, int64_t now) {
  json claims = Claims();
  claims["nbf"] = claims["iat"] = now - 60;
  claims["exp"] = now + 3600;
  return Sign(Key(which), Header(kid), claims);
}

std::string Outcome(const Result<EntraIdentity>& identity) {
  return identity.ok() ? identity->username : identity.status().message();
}

// A key endpoint in memory: counts fetches and answers as told; a held fetch waits until
// released, or until the cache asks it to stop.
class KeySource {
 public:
  KeySetFetch Fetch() {
    return [this](std::stop_token stop) -> Result<std::string> {
      std::unique_lock lock(mutex_);
      ++calls_;
      if (hold_) {
        held_ = true;
        changed_.notify_all();
        changed_.wait(lock, stop, [&] { return !hold_; });
        held_ = false;
        if (stop.stop_requested()) {
          saw_stop_ = true;
          return Status::IoError("stopped");
        }
      }
      return answer_;
    };
  }
  void Answer(Result<std::string> answer) {
    std::lock_guard lock(mutex_);
    answer_ = std::move(answer);
  }
  void Hold() {
    std::lock_guard lock(mutex_);
    hold_ = true;
  }
  void Release() {
    {
      std::lock_guard lock(mutex_);
      hold_ = false;
    }
    changed_.notify_all();
  }
  void WaitUntilHeld() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return held_; });
  }
  int calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  bool held() const {
    std::lock_guard lock(mutex_);
    return held_;
  }
  bool saw_stop() const {
    std::lock_guard lock(mutex_);
    return saw_stop_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  Result<std::string> answer_ = JwksOf({1, 2});
  bool hold_ = false, held_ = false, saw_stop_ = false;
  int calls_ = 0;
};

// `n` verifications of `token` at `now` at once; what each got.
std::vector<std::string> Burst(EntraKeyCache& cache, const std::string& token, int64_t now,
                               int n = 10) {
  std::vector<std::string> outcomes(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] { outcomes[i] = Outcome(cache.Verify(token, now)); });
  }
  for (auto& t : threads) t.join();
  return outcomes;
}

// The cache's keys were loaded at kNow - 300: at kNow a fetch is allowed (5 min later), and the
// set is not yet old enough (1 h) to be refreshed for its age.
constexpr int64_t kLoadedAt = kNow - 300;

TEST(EntraKeyCache, ABurstOfUnknownKidsFetchesOnceAndNoneWaitsForIt) {
  KeySource source;
  source.Hold();
  EntraKeyCache cache(Tokens({1}), Settings(), kLoadedAt, source.Fetch());

  // 50 requests naming k2 at once: all refused before the one fetch could finish (it is held).
  for (const std::string& outcome : Burst(cache, Token(2, "k2", kNow), kNow, 50)) {
    EXPECT_EQ(outcome, kTryAgain);
  }
  source.WaitUntilHeld();
  EXPECT_EQ(source.calls(), 1);
  EXPECT_EQ(cache.stats().fetches, 1);

  // The fetch brings k2: the client's retry is accepted, without fetching again.
  source.Release();
  cache.WaitUntilIdle();
  EXPECT_EQ(Outcome(cache.Verify(Token(2, "k2", kNow + 1), kNow + 1)), kAlice);

  // A kid the new set lacks either: refused, and no fetch until 5 min after the last one.
  for (int64_t now : {kNow + 1, kNow + 299}) {
    for (const std::string& outcome : Burst(cache, Token(2, "k3", now), now)) {
      EXPECT_EQ(outcome, kUnknown);
    }
  }
  cache.WaitUntilIdle();
  EXPECT_EQ(source.calls(), 1);
  Burst(cache, Token(2, "k3", kNow + 300), kNow + 300);
  cache.WaitUntilIdle();
  EXPECT_EQ(source.calls(), 2);
}

TEST(EntraKeyCache, AFailingEndpointIsAskedOncePerIntervalAndTheIntervalDoubles) {
  KeySource source;
  source.Answer(Status::IoError("the JWKS endpoint answered HTTP 500"));
  EntraKeyCache cache(Tokens({1}), Settings(), kLoadedAt, source.Fetch());
  const auto burst = [&](int64_t now) {
    Burst(cache, Token(2, "k2", now), now);
    cache.WaitUntilIdle();
    return source.calls();
  };

  // After n failures in a row the next fetch waits 300 * 2^n s, at most 3600 s: 600, 1200,
  // 2400, 3600, 3600. A burst one second early fetches nothing.
  int64_t at = kNow;
  EXPECT_EQ(burst(at), 1);
  const int64_t waits[] = {600, 1200, 2400, 3600, 3600};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(cache.stats().consecutive_failures, i + 1);
    EXPECT_EQ(cache.stats().next_fetch_at, at + waits[i]);
    EXPECT_EQ(burst(at + waits[i] - 1), i + 1) << "a fetch before the back-off ended";
    // The keys the cache has keep working meanwhile.
    EXPECT_EQ(Outcome(cache.Verify(Token(1, "k1", at + 1), at + 1)), kAlice);
    at += waits[i];
    EXPECT_EQ(burst(at), i + 2);
  }

  // The endpoint recovers: the next allowed fetch brings k2, and the interval is 5 min again.
  source.Answer(JwksOf({1, 2}));
  at += 3600;
  EXPECT_EQ(burst(at), 7);
  EXPECT_EQ(Outcome(cache.Verify(Token(2, "k2", at), at)), kAlice);
  EXPECT_EQ(cache.stats().consecutive_failures, 0);
  EXPECT_EQ(cache.stats().next_fetch_at, at + 300);
}

TEST(EntraKeyCache, AnAnswerThatIsNoKeySetIsAFailureAndTheKeysStay) {
  for (const char* garbage : {"<html>not a key set</html>", R"({"keys":[]})"}) {
    KeySource source;
    source.Answer(std::string(garbage));
    EntraKeyCache cache(Tokens({1}), Settings(), kLoadedAt, source.Fetch());
    Burst(cache, Token(2, "k2", kNow), kNow);
    cache.WaitUntilIdle();
    EXPECT_EQ(source.calls(), 1) << garbage;
    EXPECT_EQ(cache.stats().failures, 1) << garbage;
    EXPECT_EQ(Outcome(cache.Verify(Token(1, "k1", kNow), kNow)), kAlice) << garbage;
    EXPECT_EQ(Outcome(cache.Verify(Token(2, "k2", kNow + 599), kNow + 599)), kUnknown);
    EXPECT_EQ(source.calls(), 1) << garbage;
  }
}

TEST(EntraKeyCache, TokensWithAKnownKidAreAnsweredWhileAFetchHangs) {
  KeySource source;
  source.Hold();
  EntraKeyCache cache(Tokens({1}), Settings(), kLoadedAt, source.Fetch());
  EXPECT_EQ(Outcome(cache.Verify(Token(2, "k2", kNow), kNow)), kTryAgain);
  source.WaitUntilHeld();

  for (const std::string& outcome : Burst(cache, Token(1, "k1", kNow), kNow)) {
    EXPECT_EQ(outcome, kAlice);
  }
  EXPECT_TRUE(source.held()) << "the known-kid requests were answered while the fetch hung";
  EXPECT_EQ(source.calls(), 1);
  source.Release();
}

TEST(EntraKeyCache, AnHourOldSetIsRefreshedInTheBackground) {
  KeySource source;
  source.Hold();
  EntraKeyCache cache(Tokens({1}), Settings(), kNow - 3600, source.Fetch());
  // A known kid is answered at once; the refresh it started is still held.
  EXPECT_EQ(Outcome(cache.Verify(Token(1, "k1", kNow), kNow)), kAlice);
  source.WaitUntilHeld();
  EXPECT_EQ(cache.stats().fetches, 1);
  source.Release();
  cache.WaitUntilIdle();
  // A key Entra published meanwhile is known before a token names it: no fetch for it.
  EXPECT_EQ(Outcome(cache.Verify(Token(2, "k2", kNow + 1), kNow + 1)), kAlice);
  EXPECT_EQ(source.calls(), 1);
}

TEST(EntraKeyCache, DestroyingTheCacheStopsAHangingFetch) {
  KeySource source;
  source.Hold();  // never released
  auto cache = std::make_unique<EntraKeyCache>(Tokens({1}), Settings(), kLoadedAt, source.Fetch());
  EXPECT_EQ(Outcome(cache->Verify(Token(2, "k2", kNow), kNow)), kTryAgain);
  source.WaitUntilHeld();
  cache.reset();
  EXPECT_TRUE(source.saw_stop());
}

TEST(EntraKeyCache, AKeySetFromAFileIsNeverFetched) {
  EntraKeyCache cache(Tokens({1}), Settings(), kNow - 86400, nullptr);
  EXPECT_EQ(Outcome(cache.Verify(Token(2, "k2", kNow), kNow)), kUnknown);
  EXPECT_EQ(Outcome(cache.Verify(Token(1, "k1", kNow), kNow)), kAlice);
  EXPECT_EQ(cache.stats().fetches, 0);
}

// The real fetch, against an HTTPS key endpoint on a loopback port.
class KeyEndpoint : public ::testing::Test {
 protected:
  JwksFetchLimits Limits(std::chrono::milliseconds timeout = std::chrono::seconds(5)) const {
    return {timeout, 1 << 20, endpoint_.ca_file()};
  }
  JwksEndpoint endpoint_{JwksOf({1})};
};

TEST_F(KeyEndpoint, FetchJwksReadsTheSetAndRefusesWhatIsNotOne) {
  auto body = FetchJwks(endpoint_.url(), Limits());
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(*body, JwksOf({1}));
  EXPECT_EQ(endpoint_.requests(), 1);

  JwksFetchLimits small = Limits();
  small.max_bytes = 100;
  EXPECT_EQ(FetchJwks(endpoint_.url(), small).status().message(),
            "the JWKS endpoint " + endpoint_.url() +
                " answered more than 100 bytes (is --entra-jwks the tenant's keys URL?)");
  // Its certificate is trusted only through its own file.
  auto untrusted = FetchJwks(endpoint_.url(), {std::chrono::seconds(5), 1 << 20, ""});
  EXPECT_FALSE(untrusted.ok());
  EXPECT_EQ(
      untrusted.status().message().rfind("cannot reach the JWKS endpoint " + endpoint_.url(), 0),
      0u)
      << untrusted.status().message();
  EXPECT_EQ(FetchJwks("http://127.0.0.1:1/keys", Limits()).status().code(),
            Status::Code::kInvalidArgument);

  endpoint_.Set(JwksEndpoint::Answer::kServerError);
  EXPECT_EQ(FetchJwks(endpoint_.url(), Limits()).status().message(),
            "the JWKS endpoint " + endpoint_.url() + " answered HTTP 500");
}

TEST_F(KeyEndpoint, FetchJwksGivesUpOnAnEndpointThatNeverAnswers) {
  endpoint_.Set(JwksEndpoint::Answer::kHold);
  auto body = FetchJwks(endpoint_.url(), Limits(std::chrono::milliseconds(500)));
  EXPECT_EQ(body.status().message(),
            "the JWKS endpoint " + endpoint_.url() + " did not answer within 500 ms");
  // Held, not answered: on a loaded machine the endpoint may take its request only after the
  // fetch gave up (the kernel accepted the connection), so this waits for it rather than asks.
  EXPECT_TRUE(endpoint_.WaitUntilBusyFor(1, std::chrono::seconds(10)))
      << "the endpoint never held the fetch's request";
  endpoint_.Release();
}

TEST_F(KeyEndpoint, FetchJwksCutsOffATrickleAtItsDeadline) {
  // A byte every 20 ms never trips a 500 ms read timeout, and this trickle ends only when
  // released: the fetch returning at all is the whole-fetch deadline at work.
  endpoint_.Set(JwksEndpoint::Answer::kTrickle);
  auto body = FetchJwks(endpoint_.url(), Limits(std::chrono::milliseconds(500)));
  EXPECT_EQ(body.status().message(),
            "the JWKS endpoint " + endpoint_.url() + " did not answer within 500 ms");
  endpoint_.Release();
}

TEST_F(KeyEndpoint, FetchJwksStopsWhenAsked) {
  endpoint_.Set(JwksEndpoint::Answer::kHold);
  std::stop_source stop;
  Result<std::string> body = std::string();
  std::thread fetch([&] { body = FetchJwks(endpoint_.url(), Limits(), stop.get_token()); });
  endpoint_.WaitUntilBusy(1);
  stop.request_stop();
  fetch.join();
  EXPECT_EQ(body.status().message(), "fetching " + endpoint_.url() + " was stopped");
  EXPECT_TRUE(endpoint_.busy());
  endpoint_.Release();
}

// The attack of the finding through BearerAuth, as rapport serve signs a request in: the key
// set comes from the endpoint, and `now` is 5 min past start-up, when a refresh is allowed.
TEST_F(KeyEndpoint, BearerAuthFetchesOnceForABurstAndAnswersKnownKidsWhileItHangs) {
  Tenant tenant("all");
  auto auth = server::BearerAuth::Create(
      server::EntraOptions{kTenant, kAudience, kIssuer, endpoint_.url()}, Limits());
  ASSERT_TRUE(auth.ok()) << auth.status().message();
  EXPECT_EQ(endpoint_.requests(), 1);  // the start-up fetch
  const int64_t now = static_cast<int64_t>(std::time(nullptr)) + 300;
  const auto sign_in = [&](const std::string& token, int64_t at) {
    auto principal = (*auth)->Authenticate(tenant.store(), "Bearer " + token, "Northwind", at);
    return principal.ok() ? principal->address : principal.status().message();
  };
  const auto burst = [&](const std::string& token, int64_t at) {
    std::vector<std::string> outcomes(10);
    std::vector<std::thread> threads;
    for (int i = 0; i < 10; ++i) threads.emplace_back([&, i] { outcomes[i] = sign_in(token, at); });
    for (auto& t : threads) t.join();
    return outcomes;
  };

  endpoint_.Set(JwksEndpoint::Answer::kHold, JwksOf({1, 2}));
  for (const std::string& outcome : burst(Token(2, "k2", now), now)) {
    EXPECT_EQ(outcome, kTryAgain);
  }
  endpoint_.WaitUntilBusy(2);
  for (const std::string& outcome : burst(Token(1, "k1", now), now)) {
    EXPECT_EQ(outcome, kAlice);
  }
  EXPECT_TRUE(endpoint_.busy()) << "the known-kid sign-ins were answered while the fetch hung";
  EXPECT_EQ(endpoint_.requests(), 2);
  endpoint_.Release();
  (*auth)->entra_keys()->WaitUntilIdle();
  EXPECT_EQ(sign_in(Token(2, "k2", now), now), kAlice);

  // The endpoint fails: one fetch, then none for 10 min, whatever the kids.
  endpoint_.Set(JwksEndpoint::Answer::kServerError);
  burst(Token(2, "k3", now + 300), now + 300);
  (*auth)->entra_keys()->WaitUntilIdle();
  EXPECT_EQ(endpoint_.requests(), 3);
  for (int64_t at : {now + 301, now + 600, now + 899}) {
    for (const std::string& outcome : burst(Token(2, "k3", at), at)) {
      EXPECT_EQ(outcome, kUnknown);
    }
  }
  EXPECT_EQ(endpoint_.requests(), 3);
}

}  // namespace
}  // namespace rapport::testing
