// AccountsCsv: the accounts import file (`rapport accounts import FILE`).
//
// Contract: RFC 4180 CSV in UTF-8 (a byte-order mark is ignored), two columns per row: the
// account name, and its domains separated by ';' ("Fabrikam","fabrikam.com;fabrikam.co.uk").
// A first row whose first field is "name" is a header. Domains become organisation domains
// (mail.fabrikam.com -> fabrikam.com). Any problem -- wrong column count, an unterminated quote,
// bytes that are not UTF-8, an empty name, something that is not a company domain (or is a
// free-mail domain), a domain given to two accounts -- fails the whole file with one line
// "FILE:LINE: what is wrong (how to fix it)".
#pragma once

#include <string_view>
#include <vector>

#include "rapport/model/account.h"
#include "rapport/status.h"

namespace rapport::ingest {

Result<std::vector<model::AccountRecord>> ParseAccountsCsv(std::string_view data,
                                                           std::string_view file_name);

}  // namespace rapport::ingest
