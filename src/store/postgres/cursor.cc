#include "store/postgres/cursor.h"

#include <cstdlib>
#include <cstring>

namespace rapport::store {
namespace {

constexpr Oid kByteaOid = 17;

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

// bytea's text form is "\x" and two hex digits a byte.
std::string FromHex(const char* text, size_t size) {
  std::string out;
  if (size < 2 || text[0] != '\\' || text[1] != 'x') return std::string(text, size);
  out.reserve((size - 2) / 2);
  for (size_t i = 2; i + 1 < size; i += 2) {
    out += static_cast<char>(HexDigit(text[i]) * 16 + HexDigit(text[i + 1]));
  }
  return out;
}

}  // namespace

PostgresCursor::~PostgresCursor() {
  if (!name_.empty()) conn_.GiveBack(name_);
}

PostgresCursor::Value& PostgresCursor::At(int index) {
  if (index > static_cast<int>(values_.size())) values_.resize(static_cast<size_t>(index));
  return values_[static_cast<size_t>(index - 1)];
}

void PostgresCursor::Bind(int index, int64_t value) {
  At(index) = {std::to_string(value), false};
}

void PostgresCursor::Bind(int index, std::string_view text) {
  At(index) = {std::string(text), false};
}

void PostgresCursor::BindBlob(int index, const void* data, size_t size) {
  At(index) = {std::string(static_cast<const char*>(data), size), true};
}

void PostgresCursor::BindNull(int index) {
  At(index) = {std::nullopt, false};
}

bool PostgresCursor::Step(Status& status) {
  if (!ran_) {
    ran_ = true;
    row_ = -1;
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (const Value& v : values_) {
      values.push_back(v.bytes ? v.bytes->c_str() : nullptr);
      lengths.push_back(v.bytes ? static_cast<int>(v.bytes->size()) : 0);
      formats.push_back(v.binary ? 1 : 0);
    }
    PostgresConnection::Params params{static_cast<int>(values.size()), values.data(),
                                      lengths.data(), formats.data()};
    auto result = conn_.Run(name_, sql_, params);
    if (!result.ok()) {
      status = result.status();
      return false;
    }
    result_.reset(*result);
  }
  if (!result_) return false;
  ++row_;
  return row_ < PQntuples(result_.get());
}

void PostgresCursor::Reset() {
  result_.reset();
  values_.clear();
  ran_ = false;
  row_ = -1;
}

bool PostgresCursor::Valid(int col) const {
  return result_ && row_ >= 0 && row_ < PQntuples(result_.get()) && col >= 0 &&
         col < PQnfields(result_.get());
}

int64_t PostgresCursor::ColumnInt(int col) const {
  if (!Valid(col) || PQgetisnull(result_.get(), row_, col)) return 0;
  const char* text = PQgetvalue(result_.get(), row_, col);
  if (text[0] == 't' && text[1] == '\0') return 1;  // a boolean
  if (text[0] == 'f' && text[1] == '\0') return 0;
  // A numeric (sum of bigints) is whole here; a fraction would be truncated, as SQLite's
  // integer reading of a real is.
  return std::strtoll(text, nullptr, 10);
}

bool PostgresCursor::ColumnIsNull(int col) const {
  return !Valid(col) || PQgetisnull(result_.get(), row_, col);
}

std::string PostgresCursor::ColumnText(int col) const {
  if (!Valid(col) || PQgetisnull(result_.get(), row_, col)) return std::string();
  const char* text = PQgetvalue(result_.get(), row_, col);
  const size_t size = static_cast<size_t>(PQgetlength(result_.get(), row_, col));
  if (PQftype(result_.get(), col) == kByteaOid) return FromHex(text, size);
  return std::string(text, size);
}

}  // namespace rapport::store
