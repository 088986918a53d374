// PostgresConnection: the SqlConnection of a store in PostgreSQL, over libpq. The store's SQL
// (placeholders ?N) is sent as prepared statements ($N), kept per connection by their SQL;
// results come whole, as text. Writers queue behind one advisory lock, as SQLite's do behind its
// write lock, so the store's read-then-write transactions mean the same on both. A connection
// belongs to one thread.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sql/connection.h"

namespace rapport::store {

// ?N becomes $N and a bare ? the next number, outside quoted text, identifiers and comments.
std::string PostgresPlaceholders(std::string_view sql);

class PostgresConnection final : public SqlConnection {
 public:
  // `url`: a libpq connection URL (postgresql://user@host:port/db?...) or key=value string;
  // `flag` names where it came from in messages; a connect_timeout in the URL wins.
  static Result<std::unique_ptr<PostgresConnection>> Connect(std::string_view url,
                                                             std::string_view flag = "--db",
                                                             int connect_timeout_seconds = 10);
  // Takes `conn` (made by Connect); `where` is what messages call it.
  PostgresConnection(PGconn* conn, std::string where);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // "host:port/database as user", never the password: what messages name.
  const std::string& Where() const { return where_; }

  SqlDialect Dialect() const override { return SqlDialect::kPostgres; }
  Status Exec(std::string_view sql) override;
  Result<SqlStatement> Prepare(std::string_view sql) override;
  bool InTransaction() const override;
  Status BeginWrite() override;
  Status BeginRead() override;
  void SetDeadline(std::optional<std::chrono::steady_clock::time_point> deadline) override {
    deadline_ = deadline;
  }
  std::optional<std::chrono::steady_clock::time_point> Deadline() const override {
    return deadline_;
  }

  // Runs `copy_sql` (COPY ... FROM STDIN, text format) and streams what `next` puts in its
  // (cleared) chunk until it leaves it empty: bulk loading without a round trip per row. The
  // rows stored; an error from `next` aborts the COPY. No deadline applies.
  Result<int64_t> CopyIn(std::string_view copy_sql,
                         const std::function<Status(std::string&)>& next);
  Status BulkLoad(std::string_view copy_sql, std::string_view rows) override;

  // Sends a query (prepared statement `name` with `params`, or `sql` when name is empty) and
  // waits for its whole result, interrupting it when the deadline passes. For the cursors.
  struct Params {
    int count = 0;
    const char* const* values = nullptr;
    const int* lengths = nullptr;
    const int* formats = nullptr;
  };
  Result<PGresult*> Run(const std::string& name, std::string_view sql, const Params& params);
  // A statement name for `sql`, prepared on first use; "" when every cached name is lent out.
  Result<std::string> PreparedName(const std::string& pg_sql);
  void GiveBack(const std::string& name);

 private:
  Status ErrorOf(const PGresult* result) const;
  Result<PGresult*> Wait();

  struct Closer {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  std::unique_ptr<PGconn, Closer> conn_;
  std::string where_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  struct Prepared {
    std::string name;
    bool lent = false;
  };
  std::unordered_map<std::string, Prepared> prepared_;  // by the SQL sent
  int next_name_ = 0;
};

}  // namespace rapport::store
