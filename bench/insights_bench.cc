// Latency of the insights on an existing store, one request at a time as a server would answer
// them: the store is opened once, each request gets its own policy decision point (it is per
// request) and goes through it. Every call is timed on its own and p50/p99/max are published as
// counters in microseconds: the targets of issue 6 bound percentiles, and Google Benchmark only
// reports means.
//
// Usage: RAPPORT_BENCH_DB=bench.db build/release/bench/insights_bench
//        (RAPPORT_BENCH_ROUNDS=N: every item N times, for steadier percentiles)
//        (RAPPORT_BENCH_SLOW_US=N: each call slower than N microseconds named on stderr)
//        (a copy in PostgreSQL: also RAPPORT_BENCH_STORE=postgresql://... RAPPORT_BENCH_KEYS=FILE)
// bench/insights_bench.sh builds such a store from a generated organisation and runs this.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "rapport/consent/policy.h"
#include "rapport/insights/personal.h"
#include "rapport/insights/relationship.h"
#include "rapport/insights/who_knows_whom.h"
#include "rapport/store/store.h"

namespace {

using rapport::Result;
using rapport::Status;

constexpr size_t kContacts = 200, kAccounts = 20, kUsers = 50;

// Internal people by id, named by their directory address: the callers of `rapport me`.
constexpr const char* kUsersSql =
    "SELECT a.address FROM directory_user u JOIN address a ON a.id = u.address "
    "WHERE u.role = 'member' ORDER BY a.person_id";

// Every external person whose addresses are all personal (not noreply, postmaster, ...), by id,
// named by an SMTP address.
constexpr const char* kExternalContactsSql =
    "SELECT min(a.address) FROM person p JOIN address a ON a.person_id = p.id "
    "WHERE p.kind = 'external' AND instr(a.address, '@') > 0 "
    "GROUP BY p.id HAVING max(a.is_role) = 0 ORDER BY p.id";

// The accounts with the most external people: the heaviest account requests.
constexpr const char* kBiggestAccountsSql =
    "SELECT c.name FROM account c JOIN account_domain d ON d.account = c.id "
    "JOIN address a ON a.tenant_id = d.tenant_id AND a.org_domain = d.domain AND a.is_role = 0 "
    "JOIN person p ON p.id = a.person_id AND p.kind = 'external' "
    "GROUP BY c.id ORDER BY count(DISTINCT p.id) DESC, c.name";

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

// The first column of every row of `sql`, read on a connection of our own: choosing the work
// items is not measured, and needs queries the Store interface has no reason to offer.
Result<std::vector<std::string>> Column(const std::string& path, const char* sql) {
  sqlite3* raw_db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw_db, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, SqliteCloser> db(raw_db);
  sqlite3_stmt* raw_stmt = nullptr;
  if (rc != SQLITE_OK || sqlite3_prepare_v2(db.get(), sql, -1, &raw_stmt, nullptr) != SQLITE_OK) {
    std::string msg = "cannot read ";
    msg += path;
    msg += ": ";
    msg += db ? sqlite3_errmsg(db.get()) : "out of memory";
    return Status::IoError(std::move(msg));
  }
  std::unique_ptr<sqlite3_stmt, StatementFinalizer> stmt(raw_stmt);
  std::vector<std::string> out;
  while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt.get(), 0);
    out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  return out;
}

// At most `n` items spread evenly over `all` (every k-th), so the choice is deterministic and
// covers light and heavy contacts alike.
std::vector<std::string> EveryKth(const std::vector<std::string>& all, size_t n) {
  const size_t k = std::max<size_t>(1, all.size() / n);
  std::vector<std::string> out;
  for (size_t i = 0; i < all.size() && out.size() < n; i += k) out.push_back(all[i]);
  return out;
}

// The store under test and the work items, read once for all benchmarks.
struct BenchStore {
  std::string error;  // why the benchmarks cannot run; empty when they can
  std::unique_ptr<rapport::store::Store> store;
  rapport::insights::InsightRequest request;  // the tenant admin, as of the last message
  std::vector<std::string> contacts, accounts, users;
};

Status Load(const std::string& path, BenchStore& b) {
  auto admin = Column(path, "SELECT address FROM tenant_admin ORDER BY address LIMIT 1");
  auto tenant = Column(path, "SELECT name FROM tenant ORDER BY id LIMIT 1");
  auto last = Column(path, "SELECT max(sent_at) FROM message");
  auto contacts = Column(path, kExternalContactsSql);
  auto accounts = Column(path, kBiggestAccountsSql);
  auto users = Column(path, kUsersSql);
  for (const auto* r : {&admin, &tenant, &last, &contacts, &accounts, &users}) {
    if (!r->ok()) return r->status();
  }
  if (admin->empty() || tenant->empty() || last->empty() || last->front().empty()) {
    return Status::FailedPrecondition("the store has no tenant admin or no mail");
  }
  // The work items come from the SQLite file; the store measured may be a copy of it elsewhere
  // (`rapport migrate` keeps ids): RAPPORT_BENCH_STORE=postgresql://... with RAPPORT_BENCH_KEYS.
  const char* copy = std::getenv("RAPPORT_BENCH_STORE");
  const char* keys = std::getenv("RAPPORT_BENCH_KEYS");
  auto store = copy != nullptr && *copy != '\0'
                   ? rapport::store::OpenStore(copy, keys != nullptr ? keys : "")
                   : rapport::store::OpenSqliteStore(path);
  if (!store.ok()) return store.status();
  b.store = std::move(*store);
  b.request = {{admin->front(), tenant->front()}, std::stoll(last->front()), std::time(nullptr)};
  b.contacts = EveryKth(*contacts, kContacts);
  b.accounts = std::move(*accounts);
  if (b.accounts.size() > kAccounts) b.accounts.resize(kAccounts);
  b.users = EveryKth(*users, kUsers);
  return Status::Ok();
}

BenchStore& Bench() {
  static BenchStore bench = [] {
    BenchStore b;
    const char* path = std::getenv("RAPPORT_BENCH_DB");
    if (path == nullptr || *path == '\0') {
      b.error = "set RAPPORT_BENCH_DB to a store (bench/insights_bench.sh makes one)";
    } else if (Status st = Load(path, b); !st.ok()) {
      b.error = st.message();
    }
    return b;
  }();
  return bench;
}

// Nearest-rank percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double p) {
  const auto rank = static_cast<size_t>(std::ceil(p / 100 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// How many times each benchmark asks about every item: RAPPORT_BENCH_ROUNDS, default 1. A p50
// over 20 accounts is the mean of two calls and moves by 10 % between runs; more rounds steady it.
int Rounds() {
  const char* text = std::getenv("RAPPORT_BENCH_ROUNDS");
  const int rounds = text ? std::atoi(text) : 1;
  return rounds > 0 ? rounds : 1;
}

// RAPPORT_BENCH_SLOW_US=N: every call slower than N microseconds is named on stderr, to find
// what makes a p99 (0: none).
double SlowMicros() {
  const char* text = std::getenv("RAPPORT_BENCH_SLOW_US");
  return text ? std::atof(text) : 0;
}

// Calls `call` once per item (per round), times each call, and publishes calls, p50, p99 and max
// (in microseconds). A new insight benchmark is a list of items and a call.
void MeasureEach(benchmark::State& state, const std::vector<std::string>& items,
                 const std::function<Status(const std::string&)>& call) {
  if (!Bench().error.empty() || items.empty()) {
    state.SkipWithError(Bench().error.empty() ? "no work items in the store"
                                              : Bench().error.c_str());
    return;
  }
  std::vector<double> micros;
  std::string failure;
  const int rounds = Rounds();
  const double slow = SlowMicros();
  for (auto _ : state) {
    for (int round = 0; round < rounds && failure.empty(); ++round) {
      for (const std::string& item : items) {
        const auto start = std::chrono::steady_clock::now();
        const Status st = call(item);
        micros.push_back(
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                .count());
        if (slow > 0 && micros.back() > slow) {
          std::fprintf(stderr, "slow: %s %.0f us (round %d)\n", item.c_str(), micros.back(),
                       round + 1);
        }
        if (!st.ok()) {
          failure = item;
          failure += ": ";
          failure += st.message();
          break;
        }
      }
    }
    if (!failure.empty()) break;
  }
  if (!failure.empty()) {
    state.SkipWithError(failure.c_str());
    return;
  }
  std::sort(micros.begin(), micros.end());
  state.counters["calls"] = static_cast<double>(micros.size());
  state.counters["p50_us"] = Percentile(micros, 50);
  state.counters["p99_us"] = Percentile(micros, 99);
  state.counters["max_us"] = micros.back();
}

// One pass over the items: the percentiles are over calls, not over repetitions.
void OnePass(benchmark::internal::Benchmark* b) {
  b->Iterations(1)->Unit(benchmark::kMillisecond);
}

// Who Knows Whom as the tenant admin asks it, policy decision and audit included.
Status AskWhoKnows(const std::string& target) {
  BenchStore& b = Bench();
  rapport::consent::PolicyDecisionPoint policy(*b.store);
  auto answer = rapport::insights::WhoKnowsWhom(*b.store, policy, b.request, target);
  return answer.ok() ? Status::Ok() : answer.status();
}

void BM_WhoKnowsWhomContact(benchmark::State& state) {
  MeasureEach(state, Bench().contacts, AskWhoKnows);
}
BENCHMARK(BM_WhoKnowsWhomContact)->Apply(OnePass);

void BM_WhoKnowsWhomAccount(benchmark::State& state) {
  MeasureEach(state, Bench().accounts, AskWhoKnows);
}
BENCHMARK(BM_WhoKnowsWhomAccount)->Apply(OnePass);

// Relationship analytics for an account over the default 60 days, as the tenant admin asks it.
Status AnalyseAccount(const std::string& account) {
  BenchStore& b = Bench();
  rapport::consent::PolicyDecisionPoint policy(*b.store);
  auto answer = rapport::insights::AnalyseRelationship(*b.store, policy, b.request, account);
  return answer.ok() ? Status::Ok() : answer.status();
}

void BM_RelationshipAccount(benchmark::State& state) {
  MeasureEach(state, Bench().accounts, AnalyseAccount);
}
BENCHMARK(BM_RelationshipAccount)->Apply(OnePass);

// `rapport me` for a user, asked by that user (personal insights are only for their owner).
Status AskMe(const std::string& user) {
  BenchStore& b = Bench();
  rapport::consent::PolicyDecisionPoint policy(*b.store);
  rapport::insights::InsightRequest request = b.request;
  request.caller.address = user;
  auto answer = rapport::insights::PersonalInsights(*b.store, policy, request);
  return answer.ok() ? Status::Ok() : answer.status();
}

void BM_Me(benchmark::State& state) {
  MeasureEach(state, Bench().users, AskMe);
}
BENCHMARK(BM_Me)->Apply(OnePass);

}  // namespace

BENCHMARK_MAIN();
