// The few phrases SQLite and PostgreSQL spell differently, for SQL written against
// SqlConnection (sql/connection.h). Everything else the store writes is common to both.
#pragma once

#include <string>
#include <string_view>

#include "store/sql/connection.h"

namespace rapport::store {

// `column` is one of the integers of the JSON array bound to ?n: `WHERE <IsOneOf(d, "p.id", 2)>`.
// A list travels as one JSON text, so that a statement's SQL does not depend on the list's
// length. PostgreSQL reads it as an array ("[1,2]" is "{1,2}" with other brackets) and compares
// with `= ANY`, one index condition (`IN (SELECT unnest(...))` was planned as a join with the
// list: three times the planning, and slower to run). The array comes from a sub-select, which
// PostgreSQL evaluates once per execution and cannot look into while planning: every plan then
// assumes the same list length, so after five executions a prepared statement keeps one generic
// plan instead of planning each execution again (0.6 ms of a Who Knows Whom request's 1.6 ms of
// server time on the 5M store went to planning its description read). The outer CAST makes the
// sub-select one array value: `= ANY (SELECT ...)` would compare with each row instead.
inline std::string IsOneOf(SqlDialect dialect, std::string_view column, int n) {
  std::string p = "?";  // appended, not "?" + ...: GCC 12 -O3 warns falsely (-Wrestrict)
  p += std::to_string(n);
  std::string out(column);
  if (dialect == SqlDialect::kSqlite) return out + " IN (SELECT value FROM json_each(" + p + "))";
  return out + " = ANY(CAST((SELECT CAST(translate(CAST(" + p +
         " AS TEXT), '[]', '{}') AS BIGINT[])) AS BIGINT[]))";
}

// The same for a JSON array of strings.
inline std::string TextsIn(SqlDialect dialect, int n) {
  std::string p = "?";  // appended, not "?" + ...: GCC 12 -O3 warns falsely (-Wrestrict)
  p += std::to_string(n);
  return dialect == SqlDialect::kSqlite
             ? "(SELECT value FROM json_each(" + p + "))"
             : "(SELECT value FROM json_array_elements_text(CAST(" + p + " AS JSON)) AS j(value))";
}

// A parenthesised subquery of the rows of the JSON array of integer arrays bound to ?n, each
// `width` long, as columns c0, c1, ...: `FROM <IntegerRowsIn(d, 2, 3)> AS listed`. Many rows in one
// statement: to PostgreSQL, one round trip instead of one per row.
inline std::string IntegerRowsIn(SqlDialect dialect, int n, int width) {
  std::string p = "?";
  p += std::to_string(n);
  std::string columns;
  for (int i = 0; i < width; ++i) {
    const std::string at = std::to_string(i);
    if (i > 0) columns += ", ";
    columns += dialect == SqlDialect::kSqlite ? "json_extract(value, '$[" + at + "]')"
                                              : "CAST(v->>" + at + " AS BIGINT)";
    columns += " AS c" + at;
  }
  return dialect == SqlDialect::kSqlite
             ? "(SELECT " + columns + " FROM json_each(" + p + "))"
             : "(SELECT " + columns + " FROM json_array_elements(CAST(" + p + " AS JSON)) AS j(v))";
}

// SQLite joins the tables of a CROSS JOIN in the order written (how the store pins a plan);
// PostgreSQL plans any inner join itself, and allows no ON after CROSS JOIN.
inline const char* CrossJoin(SqlDialect dialect) {
  return dialect == SqlDialect::kSqlite ? " CROSS JOIN " : " JOIN ";
}

// How an INSERT gives its new row's id (SqlStatement::RunForId). SQLite knows the id without
// being asked, and a RETURNING clause costs it a temporary table per statement (a fifth of an
// ingest's writes to temporary files, before they moved to memory: sql/message_writer.cc).
inline const char* ReturningId(SqlDialect dialect) {
  return dialect == SqlDialect::kSqlite ? "" : " RETURNING id";
}

// " ORDER BY columns" where only PostgreSQL needs it: SQLite's plan for the store's scans
// (nested loops along primary keys) yields their rows in that order already, without the
// temporary B-tree an ORDER BY would cost it; PostgreSQL's plans promise no order.
inline std::string KeyOrder(SqlDialect dialect, const char* columns) {
  return dialect == SqlDialect::kSqlite ? "" : std::string(" ORDER BY ") + columns;
}

// The key of a table that SQLite keys by `columns` alone, as ON CONFLICT names it: in PostgreSQL
// every key leads with tenant_id (postgres/tenant_rows.h), filled in by the column's default.
inline std::string TenantKey(SqlDialect dialect, const char* columns) {
  return dialect == SqlDialect::kSqlite ? std::string("(") + columns + ")"
                                        : std::string("(tenant_id, ") + columns + ")";
}

// SQLite's hint to scan a table rather than use an index; PostgreSQL has none.
inline const char* NotIndexed(SqlDialect dialect) {
  return dialect == SqlDialect::kSqlite ? " NOT INDEXED" : "";
}

// A LIKE that ignores ASCII case, as SQLite's LIKE does.
inline const char* LikeIgnoringCase(SqlDialect dialect) {
  return dialect == SqlDialect::kSqlite ? " LIKE " : " ILIKE ";
}

// The table that finds a message by Message-ID or fingerprint, with columns id, tenant_id,
// message_id, fingerprint and sent_at. SQLite's message holds those keys; PostgreSQL's is
// partitioned by month, and its unique keys are in message_key (postgres/partitions.h).
inline const char* MessageKeys(SqlDialect dialect) {
  return dialect == SqlDialect::kSqlite ? "message" : "message_key";
}

// " AND m.sent_at = p.sent_at" where PostgreSQL's participant rows carry their message's time:
// joining message `m` with participant `p` by the message's month reads one partition of each
// (postgres/partitions.h) instead of probing every month.
inline std::string SameMonth(SqlDialect dialect, const char* m, const char* p) {
  if (dialect == SqlDialect::kSqlite) return "";
  return std::string(" AND ") + m + ".sent_at = " + p + ".sent_at";
}

}  // namespace rapport::store
