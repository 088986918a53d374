#include "store/postgres/connection.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <vector>

#include "rapport/store/store.h"
#include "store/postgres/cursor.h"

namespace rapport::store {
namespace {

// The key of the advisory lock every write transaction takes ("rapport" in ASCII): one writer
// at a time across every process on the database, as SQLite's BEGIN IMMEDIATE gives.
constexpr int64_t kWriterLock = 0x7261'7070'6f72'74;

// The first line of libpq's message, without its trailing newline.
std::string FirstLine(const char* message) {
  std::string s = message ? message : "";
  if (size_t end = s.find('\n'); end != std::string::npos) s.resize(end);
  return s;
}

// The `options` a connection URL sets, "" when none (or when it does not parse: connecting
// then says why).
std::string OptionsIn(const std::string& url) {
  PQconninfoOption* options = PQconninfoParse(url.c_str(), nullptr);
  std::string out;
  for (PQconninfoOption* o = options; o && o->keyword; ++o) {
    if (o->val && std::string_view(o->keyword) == "options") out = o->val;
  }
  PQconninfoFree(options);
  return out;
}

}  // namespace

std::string PostgresWhere(std::string_view url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(url).c_str(), &error);
  if (!options) {
    PQfreemem(error);
    return "the --db URL";
  }
  std::string host = "localhost", port = "5432", db, user;
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (!o->val) continue;
    const std::string key = o->keyword;
    if (key == "host" || key == "hostaddr") host = o->val;
    if (key == "port") port = o->val;
    if (key == "dbname") db = o->val;
    if (key == "user") user = o->val;
  }
  PQconninfoFree(options);
  std::string where = host + ":" + port + "/" + (db.empty() ? user : db);
  return user.empty() ? where : where + " as " + user;
}

std::string PostgresPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {  // quoted text or identifier; a doubled quote stays inside
      size_t end = i + 1;
      while (end < sql.size()) {
        if (sql[end] != c) {
          ++end;
        } else if (end + 1 < sql.size() && sql[end + 1] == c) {
          end += 2;
        } else {
          break;
        }
      }
      end = std::min(end, sql.size() - 1);
      out.append(sql.substr(i, end + 1 - i));
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {  // comment to line end
      size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size();
      out.append(sql.substr(i, end - i));
      i = end - 1;
    } else if (c == '?') {
      size_t end = i + 1;
      while (end < sql.size() && sql[end] >= '0' && sql[end] <= '9') ++end;
      out += '$';
      if (end > i + 1) {
        out.append(sql.substr(i + 1, end - i - 1));
        next = std::max(next, std::atoi(std::string(sql.substr(i + 1, end - i - 1)).c_str()));
      } else {
        out += std::to_string(++next);
      }
      i = end - 1;
    } else {
      out += c;
    }
  }
  return out;
}

PostgresConnection::PostgresConnection(PGconn* conn, std::string where)
    : conn_(conn), where_(std::move(where)) {}

PostgresConnection::~PostgresConnection() = default;

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::Connect(
    std::string_view url, std::string_view flag, int connect_timeout_seconds) {
  const std::string where = PostgresWhere(url);
  const std::string dbname(url);
  // Defaults first: what the URL says wins. (The message writer plans its statements for their
  // own values: sql/message_writer.cc says why. Elsewhere a prepared statement's generic plan
  // saves planning each time: 1 ms of a Who Knows Whom request's 8 went to planning.) The
  // URL's own options (rapport.tenant: postgres/tenant_rows.h) are added to the store's, which
  // it would otherwise replace. JIT is off: rapport's statements are short or run once, and
  // a probe per row over dozens of month partitions is costed high enough to be compiled, for
  // 0.7 s a statement. work_mem is 32 MB, not 4: the tie index's refresh sorts a million
  // participant rows of a 1M-message store, which spilled 120 MB to disk (BENCHMARKS.md).
  // rapport's own ANALYZEs (during and after an ingest) sample 7,500 rows a table, not 30,000:
  // its plans need row counts and distinct counts, not fine histograms, and the default's took
  // 2 s of a 1M-message ingest. autovacuum later analyzes tables and month partitions again at
  // the server's setting (a partitioned table's own statistics stay these).
  const std::string options =
      "-c TimeZone=UTC -c client_min_messages=warning -c jit=off -c work_mem=32MB "
      "-c default_statistics_target=25 " +
      OptionsIn(dbname);
  const char* keywords[] = {"connect_timeout", "client_encoding", "dbname", "options", nullptr};
  const std::string timeout = std::to_string(connect_timeout_seconds);
  const char* values[] = {timeout.c_str(), "UTF8", dbname.c_str(), options.c_str(), nullptr};
  PGconn* raw = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  auto conn = std::make_unique<PostgresConnection>(raw, where);
  if (!raw || PQstatus(raw) != CONNECTION_OK) {
    return Status::IoError("cannot connect to PostgreSQL at " + where + ": " +
                           FirstLine(raw ? PQerrorMessage(raw) : "out of memory") + " (check the " +
                           std::string(flag) +
                           " URL, that the server runs and that this user may connect)");
  }
  return conn;
}

Status PostgresConnection::ErrorOf(const PGresult* result) const {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state && std::string_view(state) == "57014") {  // query_canceled: the deadline
    return Status::DeadlineExceeded(kPastDeadline);
  }
  const char* message = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  return Status::IoError("database error: " +
                         (message ? std::string(message) : FirstLine(PQerrorMessage(conn_.get()))));
}

Result<PGresult*> PostgresConnection::Wait() {
  bool cancelled = false;
  while (PQisBusy(conn_.get())) {
    int timeout_ms = -1;
    if (deadline_ && !cancelled) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *deadline_ - std::chrono::steady_clock::now());
      timeout_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    pollfd fd{PQsocket(conn_.get()), POLLIN, 0};
    const int ready = ::poll(&fd, 1, timeout_ms);
    if (ready == 0 && !cancelled) {  // past the deadline: ask the server to stop, then drain
      if (PGcancel* cancel = PQgetCancel(conn_.get())) {
        char error[256];
        PQcancel(cancel, error, sizeof error);
        PQfreeCancel(cancel);
      }
      cancelled = true;
      continue;
    }
    if (ready < 0 && errno != EINTR) return Status::IoError("database error: poll failed");
    if (!PQconsumeInput(conn_.get())) {
      return Status::IoError("database error: " + FirstLine(PQerrorMessage(conn_.get())));
    }
  }
  // Every result of what was sent; the last one answers, the first error wins.
  PGresult* last = nullptr;
  Status error;
  while (PGresult* r = PQgetResult(conn_.get())) {
    const auto s = PQresultStatus(r);
    if (error.ok() && s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY) {
      error = ErrorOf(r);
    }
    if (last) PQclear(last);
    last = r;
  }
  if (cancelled && error.ok()) error = Status::DeadlineExceeded(kPastDeadline);
  if (!error.ok()) {
    if (last) PQclear(last);
    // As SQLite's interrupt does: the transaction an interrupted statement ran in is gone.
    if (error.code() == Status::Code::kDeadlineExceeded && InTransaction()) {
      PQclear(PQexec(conn_.get(), "ROLLBACK"));
    }
    return error;
  }
  return last;
}

Result<PGresult*> PostgresConnection::Run(const std::string& name, std::string_view sql,
                                          const Params& p) {
  if (deadline_ && std::chrono::steady_clock::now() > *deadline_) {
    return Status::DeadlineExceeded(kPastDeadline);
  }
  const int sent = name.empty()
                       ? (p.count == 0 && p.values == nullptr
                              ? PQsendQuery(conn_.get(), std::string(sql).c_str())
                              : PQsendQueryParams(conn_.get(), std::string(sql).c_str(), p.count,
                                                  nullptr, p.values, p.lengths, p.formats, 0))
                       : PQsendQueryPrepared(conn_.get(), name.c_str(), p.count, p.values,
                                             p.lengths, p.formats, 0);
  if (!sent) return Status::IoError("database error: " + FirstLine(PQerrorMessage(conn_.get())));
  return Wait();
}

Status PostgresConnection::Exec(std::string_view sql) {
  auto result = Run("", sql, Params{});
  if (!result.ok()) return result.status();
  PQclear(*result);
  return Status::Ok();
}

Result<std::string> PostgresConnection::PreparedName(const std::string& pg_sql) {
  constexpr size_t kMaxPrepared = 256;  // SQL built at run time must not grow it forever
  auto it = prepared_.find(pg_sql);
  if (it != prepared_.end()) {
    if (it->second.lent) return std::string();
    it->second.lent = true;
    return it->second.name;
  }
  if (prepared_.size() >= kMaxPrepared) return std::string();
  const std::string name = "rapport_" + std::to_string(++next_name_);
  if (deadline_ && std::chrono::steady_clock::now() > *deadline_) {
    return Status::DeadlineExceeded(kPastDeadline);
  }
  if (!PQsendPrepare(conn_.get(), name.c_str(), pg_sql.c_str(), 0, nullptr)) {
    return Status::IoError("database error: " + FirstLine(PQerrorMessage(conn_.get())));
  }
  auto done = Wait();
  if (!done.ok()) return done.status();
  PQclear(*done);
  prepared_.emplace(pg_sql, Prepared{name, true});
  return name;
}

void PostgresConnection::GiveBack(const std::string& name) {
  for (auto& [sql, p] : prepared_) {
    if (p.name == name) p.lent = false;
  }
}

Result<SqlStatement> PostgresConnection::Prepare(std::string_view sql) {
  if (deadline_ && std::chrono::steady_clock::now() > *deadline_) {
    return Status::DeadlineExceeded(kPastDeadline);
  }
  std::string pg_sql = PostgresPlaceholders(sql);
  auto name = PreparedName(pg_sql);
  if (!name.ok()) return name.status();
  return SqlStatement(std::make_unique<PostgresCursor>(*this, *name, std::move(pg_sql)));
}

bool PostgresConnection::InTransaction() const {
  const auto s = PQtransactionStatus(conn_.get());
  return s == PQTRANS_INTRANS || s == PQTRANS_INERROR || s == PQTRANS_ACTIVE;
}

// READ COMMITTED, not REPEATABLE READ: a repeatable-read snapshot is taken by the transaction's
// first statement -- the lock itself, before it waits -- and would hide the commits of the writer
// it waited for. Under READ COMMITTED each statement after the lock sees them.
Status PostgresConnection::BeginWrite() {
  return Exec("BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" +
              std::to_string(kWriterLock) + ")");
}

Status PostgresConnection::BeginRead() {
  return Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

}  // namespace rapport::store
