// What the insight sub-commands were given, and the functions that run them.
#pragma once

#include <cstddef>
#include <string>

namespace rapport::cli {

struct InsightArgs {
  std::string target, as, as_of, via, out, split;
  size_t top = 5;
  int horizon = 180;
  bool json = false;
};

int RunWhoKnows(const std::string& db, const InsightArgs& args);
int RunIntroduce(const std::string& db, const InsightArgs& args);
int RunEvalWkw(const std::string& db, const InsightArgs& args);

}  // namespace rapport::cli
