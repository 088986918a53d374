#include "ingest/csv_rows.h"

#include <algorithm>

namespace rapport::ingest {
namespace {

// Length of the well-formed UTF-8 sequence at s[i], or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  size_t n = b < 0x80                 ? 1
             : b >= 0xC2 && b <= 0xDF ? 2
             : b >= 0xE0 && b <= 0xEF ? 3
             : b >= 0xF0 && b <= 0xF4 ? 4
                                      : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  // E0 and F0 would be overlong below these; ED A0.. are surrogates; F4 90.. is above U+10FFFF.
  if (n == 3 && ((b == 0xE0 && byte(i + 1) < 0xA0) || (b == 0xED && byte(i + 1) >= 0xA0))) return 0;
  if (n == 4 && ((b == 0xF0 && byte(i + 1) < 0x90) || (b == 0xF4 && byte(i + 1) >= 0x90))) return 0;
  return n;
}

bool IsBlank(const CsvRow& row) {
  return row.fields.size() == 1 && row.fields[0].empty();
}

Status CheckUtf8(const std::vector<CsvRow>& rows, std::string_view file) {
  for (const CsvRow& row : rows) {
    if (!std::all_of(row.fields.begin(), row.fields.end(), IsValidUtf8)) {
      return CsvProblem(file, row.line, "text is not UTF-8 (save the file as UTF-8)");
    }
  }
  return Status::Ok();
}

}  // namespace

Status CsvProblem(std::string_view file, int line, const std::string& what) {
  // One line, whatever the file held: a quoted field may span lines.
  std::string text = what;
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return Status::InvalidArgument(std::string(file) + ":" + std::to_string(line) + ": " + text);
}

std::string QuotedForMessage(std::string_view s) {
  constexpr size_t kMax = 60;
  std::string out = "'";
  size_t n = std::min(s.size(), kMax);
  while (n < s.size() && n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  for (char c : s.substr(0, n)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  if (n < s.size()) out += "...";
  out.push_back('\'');
  return out;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8Length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

Result<std::vector<CsvRow>> SplitCsvRows(std::string_view data, std::string_view file) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  int line = 1;
  row.line = 1;
  bool quoted = false, after_quote = false;
  for (size_t i = 0; i < data.size(); ++i) {
    char c = data[i];
    if (quoted) {
      if (c == '"' && i + 1 < data.size() && data[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
        after_quote = true;
      } else {
        // A CR alone counts as a line end, as it does outside quotes; CRLF counts once.
        if (c == '\n' || (c == '\r' && (i + 1 == data.size() || data[i + 1] != '\n'))) ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty() && !after_quote) {
      quoted = true;
    } else if (c == ',') {
      row.fields.push_back(std::move(field));
      field.clear();
      after_quote = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') ++i;
      row.fields.push_back(std::move(field));
      field.clear();
      after_quote = false;
      if (!IsBlank(row)) rows.push_back(std::move(row));
      row = CsvRow{};
      row.line = ++line;
    } else if (after_quote) {
      return CsvProblem(file, line, "text after a closing quote (quote the whole field)");
    } else {
      field += c;
    }
  }
  if (quoted) return CsvProblem(file, row.line, "a quote is not closed (close it or remove it)");
  row.fields.push_back(std::move(field));
  if (!IsBlank(row)) rows.push_back(std::move(row));
  RAPPORT_RETURN_IF_ERROR(CheckUtf8(rows, file));
  return rows;
}

}  // namespace rapport::ingest
