// PostgresConnection::CopyIn: COPY FROM STDIN over libpq (blocking: the connection is in the
// default blocking mode, so PQputCopyData waits while the server catches up).
#include <algorithm>
#include <cstdlib>

#include "store/postgres/connection.h"

namespace rapport::store {
namespace {

// The server's message for a failed COPY, with where in the data it failed (its CONTEXT names
// the table, line and column).
std::string CopyError(const PGresult* result, PGconn* conn) {
  const char* message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const char* context = PQresultErrorField(result, PG_DIAG_CONTEXT);
  std::string out = message ? message : PQerrorMessage(conn);
  if (context) out += std::string(" (") + context + ")";
  return "database error: " + out;
}

}  // namespace

Result<int64_t> PostgresConnection::CopyIn(std::string_view copy_sql,
                                           const std::function<Status(std::string&)>& next) {
  PGconn* conn = conn_.get();
  PGresult* start = PQexec(conn, std::string(copy_sql).c_str());
  if (PQresultStatus(start) != PGRES_COPY_IN) {
    Status error = ErrorOf(start);
    PQclear(start);
    return error;
  }
  PQclear(start);
  Status read;
  std::string chunk;
  for (;;) {
    chunk.clear();
    read = next(chunk);
    if (!read.ok() || chunk.empty()) break;
    if (PQputCopyData(conn, chunk.data(), static_cast<int>(chunk.size())) != 1) break;
  }
  // Ending with an error message makes the server fail the COPY: nothing of it is kept.
  PQputCopyEnd(conn, read.ok() ? nullptr : "rapport stopped sending rows");
  Status stored;
  int64_t rows = 0;
  while (PGresult* r = PQgetResult(conn)) {
    if (PQresultStatus(r) == PGRES_COMMAND_OK) {
      rows = std::atoll(PQcmdTuples(r));
    } else if (stored.ok()) {
      stored = Status::IoError(CopyError(r, conn));
    }
    PQclear(r);
  }
  if (!read.ok()) return read;
  if (!stored.ok()) return stored;
  return rows;
}

Status PostgresConnection::BulkLoad(std::string_view copy_sql, std::string_view rows) {
  constexpr size_t kChunk = size_t{1} << 20;  // whole lines or not: COPY reads a stream
  auto loaded = CopyIn(copy_sql, [&](std::string& chunk) {
    const size_t n = std::min(kChunk, rows.size());
    chunk.assign(rows.substr(0, n));
    rows.remove_prefix(n);
    return Status::Ok();
  });
  return loaded.ok() ? Status::Ok() : loaded.status();
}

}  // namespace rapport::store
