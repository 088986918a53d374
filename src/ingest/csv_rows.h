// CsvRows: the RFC 4180 reading shared by the CSV import files (accounts, directory).
//
// Contract: a UTF-8 byte-order mark at the start is skipped. Fields are split on ',' and rows on
// LF, CRLF or CR; a quoted field may hold commas, doubled quotes and line breaks. Rows that are
// entirely empty are dropped. Each row carries the line it starts on (1-based, counted in the
// file as written, so a quoted line break moves later rows down). An unterminated quote, text
// after a closing quote, or bytes that are not UTF-8 fail the whole file with one line
// "FILE:LINE: what is wrong (how to fix it)", the form CsvProblem builds for the callers' own
// checks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rapport/status.h"

namespace rapport::ingest {

struct CsvRow {
  std::vector<std::string> fields;
  int line = 0;
};

Result<std::vector<CsvRow>> SplitCsvRows(std::string_view data, std::string_view file_name);

// Status::InvalidArgument("FILE:LINE: what").
Status CsvProblem(std::string_view file_name, int line, const std::string& what);

// A value from the file as an error message shows it: in quotes, control characters as spaces,
// cut after 60 bytes (with "...") so that the message stays one short line.
std::string QuotedForMessage(std::string_view s);

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points
// above U+10FFFF).
bool IsValidUtf8(std::string_view s);

}  // namespace rapport::ingest
