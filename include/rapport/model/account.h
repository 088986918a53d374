// An account (a customer company) as an import file describes it: a name and its domains.
#pragma once

#include <string>
#include <vector>

namespace rapport::model {

struct AccountRecord {
  std::string name;
  std::vector<std::string> domains;  // organisation domains, lower-case
  int line = 0;                      // where in the import file, for error messages
};

}  // namespace rapport::model
