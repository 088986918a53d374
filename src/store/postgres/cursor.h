// PostgresCursor: one statement of a PostgresConnection -- its bindings, then its whole result,
// read row by row as text. Internal to src/store/postgres.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/postgres/connection.h"

namespace rapport::store {

class PostgresCursor final : public SqlStatement::Cursor {
 public:
  // `name`: the prepared statement to run ("" runs `sql` unprepared, its handle being lent out).
  PostgresCursor(PostgresConnection& conn, std::string name, std::string sql)
      : conn_(conn), name_(std::move(name)), sql_(std::move(sql)) {}
  ~PostgresCursor() override;
  PostgresCursor(const PostgresCursor&) = delete;
  PostgresCursor& operator=(const PostgresCursor&) = delete;

  void Bind(int index, int64_t value) override;
  void Bind(int index, std::string_view text) override;
  void BindBlob(int index, const void* data, size_t size) override;
  void BindNull(int index) override;
  bool Step(Status& status) override;
  void Reset() override;
  int64_t ColumnInt(int col) const override;
  bool ColumnIsNull(int col) const override;
  std::string ColumnText(int col) const override;

 private:
  struct Value {
    std::optional<std::string> bytes;  // nullopt: NULL
    bool binary = false;
  };
  Value& At(int index);
  bool Valid(int col) const;

  struct Clear {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  PostgresConnection& conn_;
  const std::string name_;
  const std::string sql_;
  std::vector<Value> values_;
  std::unique_ptr<PGresult, Clear> result_;
  bool ran_ = false;
  int row_ = -1;
};

}  // namespace rapport::store
