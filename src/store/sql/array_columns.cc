#include "store/sql/array_columns.h"

namespace rapport::store {
namespace {

void AppendQuoted(std::string& out, std::string_view v) {
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

std::string& ArrayColumns::Next(size_t column) {
  std::string& out = columns_[column];
  out += out.empty() ? '{' : ',';
  return out;
}

ArrayColumns& ArrayColumns::Int(size_t column, int64_t v) {
  Next(column) += std::to_string(v);
  return *this;
}

ArrayColumns& ArrayColumns::Text(size_t column, std::string_view v) {
  AppendQuoted(Next(column), v);
  return *this;
}

Status ArrayColumns::Run(SqlConnection& db, const std::string& sql) const {
  if (rows_ == 0) return Status::Ok();
  auto stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  std::vector<std::string> literals;  // bound without a copy: must outlive Run
  for (size_t c = 0; c < columns_.size(); ++c) literals.push_back(Literal(c));
  for (size_t c = 0; c < literals.size(); ++c) stmt->Bind(static_cast<int>(c + 1), literals[c]);
  return stmt->Run();
}

std::string ArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const std::string& v : values) {
    if (out.size() > 1) out += ',';
    AppendQuoted(out, v);
  }
  return out + "}";
}

}  // namespace rapport::store
