// ArrayColumns: many rows of values, one PostgreSQL array literal per column. Bound as one
// parameter each, a set-based statement (... FROM unnest(?1::bigint[], ?2::text[]) AS v(a, b))
// writes every row in one round trip, where a statement per row would cost one each (about
// 0.1 ms on loopback: BENCHMARKS.md, issue 21). SQLite, where a statement is a function call,
// has no arrays and does not need them; the store uses this on PostgreSQL only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/connection.h"

namespace rapport::store {

class ArrayColumns {
 public:
  explicit ArrayColumns(size_t columns) : columns_(columns) {}

  ArrayColumns& Int(size_t column, int64_t v);
  ArrayColumns& Text(size_t column, std::string_view v);
  // The column as a literal ("{1,2}", "{\"a\",\"b\"}"), to bind as text.
  std::string Literal(size_t column) const { return columns_[column] + "}"; }
  size_t Rows() const { return rows_; }
  size_t Columns() const { return columns_.size(); }
  // Call after each row's last value.
  void EndRow() { ++rows_; }
  // Runs `sql` with column c bound to ?c+1; nothing when there are no rows.
  Status Run(SqlConnection& db, const std::string& sql) const;

 private:
  std::string& Next(size_t column);
  std::vector<std::string> columns_;
  size_t rows_ = 0;
};

// A text[] (or bytea[], of "\x..." values) literal of `values`.
std::string ArrayLiteral(const std::vector<std::string>& values);

}  // namespace rapport::store
