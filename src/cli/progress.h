// IngestProgress: a one-line progress bar on a terminal (stderr), silent otherwise.
#pragma once

#include <chrono>

#include "rapport/ingest/ingestor.h"

namespace rapport::cli {

class IngestProgress {
 public:
  IngestProgress();
  void Update(const ingest::IngestSummary& s);
  void Finish();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace rapport::cli
